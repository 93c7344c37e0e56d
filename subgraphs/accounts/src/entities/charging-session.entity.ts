import { enumObject } from '../../../common/src/graphql-enum';
import { GraphQLBoolean } from 'graphql';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

export const CHARGING_SERVICES = ['VOICE', 'SMS', 'DATA', 'WHATSAPP_TEXT'] as const;
export type ChargingService = (typeof CHARGING_SERVICES)[number];

export const ChargingServiceEnum = enumObject(CHARGING_SERVICES);
registerEnumType(ChargingServiceEnum, {
  name: 'ChargingService',
  description: 'A service charged online from credit, with the unit it is counted in.',
  valuesConfig: {
    VOICE: { description: 'Calls; one unit is one started minute.' },
    SMS: { description: 'Text messages; one unit is one message.' },
    DATA: { description: 'Mobile data; one unit is one started MB.' },
    WHATSAPP_TEXT: { description: 'WhatsApp text messages; one unit is one message. Zero-rated where the brand says so (WhatsApp SIM).' },
  },
});

export const CHARGING_SESSION_STATUSES = ['OPEN', 'TERMINATED', 'EXPIRED'] as const;
export type ChargingSessionStatus = (typeof CHARGING_SESSION_STATUSES)[number];

export const ChargingSessionStatusEnum = enumObject(CHARGING_SESSION_STATUSES);
registerEnumType(ChargingSessionStatusEnum, {
  name: 'ChargingSessionStatus',
  description: 'Where a charging session stands.',
  valuesConfig: {
    OPEN: { description: 'Running: credit is reserved for the granted units.' },
    TERMINATED: { description: 'Ended by the network: used units charged, the rest released.' },
    EXPIRED: { description: 'Never terminated within its validity time: reported units charged, the rest released.' },
  },
});

/**
 * One online-charging session (like a Diameter credit-control session). Its reservation is part of
 * the account's reserved_cents until the session is terminated or expires.
 */
@ObjectType('ChargingSession', { description: 'An online-charging session: credit reserved for granted units, charged when it ends.' })
@Entity({ name: 'charging_session' })
@Index('ix_charging_session_status_expires', ['status', 'expiresAt'])
export class ChargingSessionEntity {
  @Field(() => ID, { description: 'The session id chosen by the network element (like a Diameter Session-Id).' })
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id!: string;

  @Field(() => ID, { description: 'The charged account.' })
  @Column({ name: 'account_id', type: 'varchar', length: 36 })
  accountId!: string;

  @Field(() => ChargingServiceEnum, { description: 'The service being used.' })
  @Column({ type: 'varchar', length: 32 })
  service!: ChargingService;

  @Field(() => ChargingSessionStatusEnum, { description: 'Current state.' })
  @Column({ type: 'varchar', length: 16 })
  status!: ChargingSessionStatus;

  @Field(() => GraphQLBoolean, { description: 'True when the service is zero-rated for this account and needs no credit.' })
  @Column({ name: 'zero_rated', type: 'boolean' })
  zeroRated!: boolean;

  @Column({ name: 'unit_price_cents', type: 'bigint', transformer: bigintColumn })
  unitPriceCents!: number;

  @Field(() => GraphQLSafeInt, { description: 'Units granted over the whole session.' })
  @Column({ name: 'granted_units', type: 'bigint', transformer: bigintColumn })
  grantedUnits!: number;

  @Field(() => GraphQLSafeInt, { description: 'Units granted by the latest answer (start or update).' })
  @Column({ name: 'last_granted_units', type: 'bigint', transformer: bigintColumn })
  lastGrantedUnits!: number;

  @Field(() => GraphQLSafeInt, { description: 'Units the network reported as used so far.' })
  @Column({ name: 'used_units', type: 'bigint', transformer: bigintColumn })
  usedUnits!: number;

  @Field(() => GraphQLBoolean, {
    description: 'Final grant: credit covers no more than what was granted; the network cuts the connection when it is used.',
  })
  @Column({ name: 'final_grant', type: 'boolean' })
  finalGrant!: boolean;

  @Field(() => GraphQLBoolean, { description: 'The balance is below the brand\'s low-balance threshold: play the announcement.' })
  @Column({ name: 'low_balance', type: 'boolean' })
  lowBalance!: boolean;

  /** Held from the account's available credit while OPEN; 0 once the session has ended. */
  @Column({ name: 'reserved_cents', type: 'bigint', transformer: bigintColumn })
  reservedCents!: number;

  @Column({ name: 'charged_cents', type: 'bigint', transformer: bigintColumn })
  chargedCents!: number;

  /** Highest CC-Request-Number seen; a repeat is a retry and gets the stored answer. */
  @Column({ name: 'last_request_number', type: 'int' })
  lastRequestNumber!: number;

  @Field({ description: 'When the session started.' })
  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Field({ description: 'When an open session\'s reservation is released unless the network reports again.' })
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the session was terminated or expired.' })
  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
