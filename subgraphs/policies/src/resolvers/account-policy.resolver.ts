import { Ctx, Directive, FieldResolver, Resolver, Root } from 'type-graphql';
import type { PoliciesContext } from '../schema';
import { PolicyAccount } from '../types/account.type';

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
}
