import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A reference to a brand; the policies subgraph resolves its fields. */
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType('Brand', { description: 'A prepaid brand and the rules it sets. Unknown facts are null.' })
export class BrandReference {
  @Field(() => ID, { description: 'Brand code, e.g. CONGSTAR.' })
  code!: string;
}
