import { enumObject } from '../../../common/src/graphql-enum';
import { Directive, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AllowType } from '../../../common/src/access';
import { NETWORKS } from '../catalogue/brand-catalogue';
import type { Network } from '../catalogue/brand-catalogue';

export const NetworkEnum = enumObject(NETWORKS);
registerEnumType(NetworkEnum, {
  name: 'Network',
  description: 'German mobile network a brand runs on.',
  valuesConfig: {
    TELEKOM: { description: 'Telekom Deutschland network.' },
    VODAFONE: { description: 'Vodafone network.' },
    O2: { description: 'O2 (Telefónica) network.' },
  },
});

// Who may read this entity's fields; the reference resolver and services still scope by account/brand.
@AllowType('customer', 'partner', 'operator', 'admin', 'service')
@Directive('@key(fields: "code")')
@ObjectType('Brand', { description: 'A prepaid brand and the rules it sets. Unknown facts are null.' })
export class BrandType {
  @Field(() => ID, { description: 'Brand code, e.g. CONGSTAR.' })
  code!: string;

  @Field({ description: 'Marketing name of the brand.' })
  name!: string;

  @Field(() => NetworkEnum, { nullable: true, description: 'Network the brand uses; null when unknown.' })
  network!: Network | null;

  @Field(() => String, { nullable: true, description: 'USSD code for a free balance query, e.g. *100#; null when unknown.' })
  balanceQueryCode!: string | null;

  @Field(() => String, { nullable: true, description: 'USSD code that shows the remaining validity, e.g. *102#; null when unknown.' })
  validityQueryCode!: string | null;

  @Field(() => String, { nullable: true, description: 'The brand\'s validity rule in words; null when unknown.' })
  validitySummary!: string | null;

  @Field(() => [String], { description: 'Names of the facts above that are not known for this brand.' })
  unknownFacts!: string[];
}
