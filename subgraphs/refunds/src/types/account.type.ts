import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The accounts subgraph owns Account; refunds adds its payouts. */
@Directive('@key(fields: "id")')
@ObjectType('Account', { description: 'A prepaid credit account (one SIM) of a brand.' })
export class RefundsAccount {
  @Field(() => ID, { description: 'Stable account id.' })
  id!: string;

  @Directive('@external')
  @Field({ description: 'Code of the brand the account belongs to, e.g. CONGSTAR.' })
  brandCode!: string;
}
