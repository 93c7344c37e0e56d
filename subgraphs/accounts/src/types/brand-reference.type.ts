import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AllowType } from '../../../common/src/access';

/** A reference to a brand; the policies subgraph resolves its fields. */
// Who may read this entity's fields; the reference resolver and services still scope by account/brand.
@AllowType('customer', 'partner', 'operator', 'admin', 'service')
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType('Brand', { description: 'A prepaid brand and the rules it sets. Unknown facts are null.' })
export class BrandReference {
  @Field(() => ID, { description: 'Brand code, e.g. CONGSTAR.' })
  code!: string;
}
