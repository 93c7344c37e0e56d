import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { DomainError } from '../../../common/src/errors';
import { Money } from '../../../common/src/money';
import { AccountEntity } from '../entities/account.entity';
import type { AccountsContext } from '../schema';
import { BrandReference } from '../types/brand-reference.type';

@Resolver(() => AccountEntity)
export class AccountResolver {
  @Authorized('customer', 'partner', 'operator', 'admin', 'service')
  @Query(() => AccountEntity, { description: 'An account by id. Partners see only their brand, customers only their own account.' })
  account(@Arg('id', () => ID) id: string, @Ctx() { principal, services }: AccountsContext): Promise<AccountEntity> {
    return services.accounts.getVisible(principal, id);
  }

  @Authorized('customer', 'partner', 'operator', 'admin', 'service')
  @Query(() => AccountEntity, { description: 'An account by its phone number (E.164).' })
  accountByMsisdn(@Arg('msisdn') msisdn: string, @Ctx() { principal, services }: AccountsContext): Promise<AccountEntity> {
    return services.accounts.getVisibleByMsisdn(principal, msisdn);
  }

  @Authorized('customer')
  @Query(() => AccountEntity, { description: 'The signed-in customer\'s own account.' })
  me(@Ctx() { principal, services }: AccountsContext): Promise<AccountEntity> {
    if (!principal.accountId) throw new DomainError('FORBIDDEN', 'Only customers have an own account');
    return services.accounts.getVisible(principal, principal.accountId);
  }

  @FieldResolver(() => Money, { description: 'Current balance. Free to read, also at zero; negative means money owed.' })
  balance(@Root() account: AccountEntity): Money {
    return Money.ofCents(account.balanceCents);
  }

  @FieldResolver(() => BrandReference, { description: 'The brand and its rules.' })
  brand(@Root() account: AccountEntity): BrandReference {
    return { code: account.brandCode };
  }
}
