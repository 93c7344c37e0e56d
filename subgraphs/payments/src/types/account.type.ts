import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AllowType } from '../../../common/src/access';

/** The accounts subgraph owns Account; payments adds its top-ups. */
// Who may read this entity's fields; the reference resolver and services still scope by account/brand.
@AllowType('customer', 'partner', 'operator', 'admin', 'service')
@Directive('@key(fields: "id")')
@ObjectType('Account', { description: 'A prepaid credit account (one SIM) of a brand.' })
export class PaymentsAccount {
  @Field(() => ID, { description: 'Stable account id.' })
  id!: string;

  @Directive('@external')
  @Field({ description: 'Code of the brand the account belongs to, e.g. CONGSTAR.' })
  brandCode!: string;
}
