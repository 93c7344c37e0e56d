import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The accounts subgraph owns Account; payments adds its top-ups. */
@Directive('@key(fields: "id")')
@ObjectType('Account', { description: 'A prepaid credit account (one SIM) of a brand.' })
export class PaymentsAccount {
  @Field(() => ID, { description: 'Stable account id.' })
  id!: string;

  @Directive('@external')
  @Field({ description: 'Code of the brand the account belongs to, e.g. CONGSTAR.' })
  brandCode!: string;
}
