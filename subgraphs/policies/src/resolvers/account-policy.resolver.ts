import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import { DomainError, notFound } from '../../../common/src/errors';
import type { PoliciesContext } from '../schema';
import { PolicyAccount } from '../types/account.type';
import { AccountValidityType } from '../types/account-validity.type';
import { BrandType } from '../types/brand.type';

@Resolver(() => PolicyAccount)
export class AccountPolicyResolver {
  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => String, {
    nullable: true,
    description: 'USSD code this SIM dials for a free balance query (e.g. *100#); null when the brand\'s code is unknown.',
  })
  async balanceQueryCode(@Root() account: PolicyAccount, @Ctx() { loaders }: PoliciesContext): Promise<string | null> {
    const brand = await loaders.brandByCode.load(account.brandCode);
    return brand?.balanceQueryCode ?? null;
  }

  // Also resolvable in accounts: here, the planner fetches an account's brand in the same call as its validity.
  @Directive('@shareable')
  @Directive('@requires(fields: "brandCode")')
  @FieldResolver(() => BrandType, { description: 'The brand and its rules.' })
  async brand(@Root() account: PolicyAccount, @Ctx() { loaders }: PoliciesContext): Promise<BrandType> {
    const brand = await loaders.brandByCode.load(account.brandCode);
    if (!brand) throw notFound('Brand', account.brandCode);
    return brand;
  }

  @Directive('@requires(fields: "brandCode status validUntil lastTopUpAt lastChargeableUseAt createdAt")')
  @FieldResolver(() => AccountValidityType, {
    nullable: true,
    description: 'Validity under the brand\'s policy in force now: end date, phase, next transition, days left (the *102# answer). Null, with a SERVICE_UNAVAILABLE error, while the service answering it is unavailable.',
  })
  async validity(@Root() account: PolicyAccount, @Ctx() { loaders, services }: PoliciesContext): Promise<AccountValidityType> {
    const current = services.policies.inForce(await loaders.policyVersionsByBrand.load(account.brandCode));
    if (!current) throw new DomainError('NOT_FOUND', `Brand ${account.brandCode} has no policy in force`, { id: account.brandCode });
    return services.validity.validityOf(account, current);
  }
}
