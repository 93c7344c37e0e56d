import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import type { PoliciesContext } from '../schema';
import { BrandType } from '../types/brand.type';

@Resolver(() => BrandType)
export class BrandResolver {
  @Allow('customer', 'partner', 'operator', 'admin', 'service')
  @Query(() => [BrandType], { description: 'Every brand in the catalogue.' })
  brands(@Ctx() { services }: PoliciesContext): Promise<BrandType[]> {
    return services.brands.list();
  }

  @Allow('customer', 'partner', 'operator', 'admin', 'service')
  @Query(() => BrandType, { description: 'One brand by its code.' })
  brand(@Arg('code', () => ID, { description: 'Brand code, e.g. CONGSTAR.' }) code: string, @Ctx() { services }: PoliciesContext): Promise<BrandType> {
    return services.brands.get(code);
  }
}
