import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { ChargingServiceEnum } from '../entities/charging-session.entity';
import type { ChargingService } from '../entities/charging-session.entity';

@InputType('StartChargingSessionInput', { description: 'Initial request of a charging session (like a Diameter CCR-Initial).' })
export class StartChargingSessionInput {
  @Field(() => ID, { description: 'Session id chosen by the network element; a retried start with it returns the same session.' })
  sessionId!: string;

  @Field(() => ID, { nullable: true, description: 'The account; give this or msisdn.' })
  accountId?: string | null;

  @Field(() => String, { nullable: true, description: 'The SIM\'s phone number (E.164); give this or accountId.' })
  msisdn?: string | null;

  @Field(() => ChargingServiceEnum, { description: 'The service to charge.' })
  service!: ChargingService;

  @Field(() => GraphQLSafeInt, { description: 'Units wanted (1-10000).' })
  requestedUnits!: number;
}

@InputType('UpdateChargingSessionInput', { description: 'Interim report and request for more units (like a Diameter CCR-Update).' })
export class UpdateChargingSessionInput {
  @Field(() => ID, { description: 'The session.' })
  sessionId!: string;

  @Field(() => GraphQLSafeInt, { description: 'Increases with every update of the session (1, 2, ...); a repeated number is a retry and gets the same answer.' })
  requestNumber!: number;

  @Field(() => GraphQLSafeInt, { description: 'Units used since the session started (cumulative, not since the last report).' })
  usedUnits!: number;

  @Field(() => GraphQLSafeInt, { description: 'Further units wanted (0-10000); 0 only reports usage.' })
  requestedUnits!: number;
}

@InputType('TerminateChargingSessionInput', { description: 'Final report of a session (like a Diameter CCR-Terminate).' })
export class TerminateChargingSessionInput {
  @Field(() => ID, { description: 'The session.' })
  sessionId!: string;

  @Field(() => GraphQLSafeInt, { description: 'Units used over the whole session; at most the units granted.' })
  usedUnits!: number;
}
