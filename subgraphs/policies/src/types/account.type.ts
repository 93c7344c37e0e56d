import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AllowType } from '../../../common/src/access';
import type { LifecyclePhase } from '../../../common/src/policy/validity-engine';
import { AccountStatusEnum } from './policy-enums.type';

/**
 * The accounts subgraph owns Account; policies adds what follows from the brand's rules. The
 * @external fields arrive in entity representations as JSON, so the dates are ISO strings here.
 */
// Who may read this entity's fields; the reference resolver and services still scope by account/brand.
@AllowType('customer', 'partner', 'operator', 'admin', 'service')
@Directive('@key(fields: "id")')
@ObjectType('Account', { description: 'A prepaid credit account (one SIM) of a brand.' })
export class PolicyAccount {
  @Field(() => ID, { description: 'Stable account id.' })
  id!: string;

  @Directive('@external')
  @Field({ description: 'Code of the brand the account belongs to, e.g. CONGSTAR.' })
  brandCode!: string;

  @Directive('@external')
  @Field(() => AccountStatusEnum, { description: 'Current lifecycle state.' })
  status!: LifecyclePhase;

  @Directive('@external')
  @Field(() => Date, { nullable: true, description: 'End of the current validity period, if the brand has one.' })
  validUntil!: Date | string | null;

  @Directive('@external')
  @Field(() => Date, { nullable: true, description: 'When credit was last topped up.' })
  lastTopUpAt!: Date | string | null;

  @Directive('@external')
  @Field(() => Date, { nullable: true, description: 'When the SIM last made a chargeable connection.' })
  lastChargeableUseAt!: Date | string | null;

  @Directive('@external')
  @Field(() => Date, { description: 'When the account was opened.' })
  createdAt!: Date | string;
}
