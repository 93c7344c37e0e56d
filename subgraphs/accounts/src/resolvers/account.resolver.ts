import { Arg, Ctx, Directive, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import { DomainError } from '../../../common/src/errors';
import { Money } from '../../../common/src/money';
import { AccountEntity } from '../entities/account.entity';
import { AccountOptionEntity } from '../entities/account-option.entity';
import type { AccountsContext } from '../schema';
import { explainUse } from '../services/credit-explanation.text';
import { AccountConnection, AccountFilter } from '../types/account-connection.type';
import { BrandReference } from '../types/brand-reference.type';
import { CreditExplanation } from '../types/credit-explanation.type';
import { LedgerConnection } from '../types/ledger-connection.type';

@Resolver(() => AccountEntity)
export class AccountResolver {
  @Allow('customer', 'partner', 'operator', 'admin', 'service')
  @Query(() => AccountEntity, { description: 'An account by id. Partners see only their brand, customers only their own account.' })
  account(@Arg('id', () => ID, { description: 'The account id.' }) id: string, @Ctx() { principal, services }: AccountsContext): Promise<AccountEntity> {
    return services.accounts.getVisible(principal, id);
  }

  @Allow('customer', 'partner', 'operator', 'admin', 'service')
  @Query(() => AccountEntity, { description: 'An account by its phone number (E.164).' })
  accountByMsisdn(
    @Arg('msisdn', { description: 'Phone number in E.164 format, e.g. +4915112345678.' }) msisdn: string,
    @Ctx() { principal, services }: AccountsContext,
  ): Promise<AccountEntity> {
    return services.accounts.getVisibleByMsisdn(principal, msisdn);
  }

  @Allow('customer')
  @Query(() => AccountEntity, { description: 'The signed-in customer\'s own account.' })
  me(@Ctx() { principal, services }: AccountsContext): Promise<AccountEntity> {
    if (!principal.accountId) throw new DomainError('FORBIDDEN', 'Only customers have an own account');
    return services.accounts.getVisible(principal, principal.accountId);
  }

  @Allow('partner', 'operator', 'admin', 'service')
  @Query(() => AccountConnection, {
    description: 'Dashboard list of accounts with cursor pagination and totals. Partners see only their own brand.',
  })
  async accounts(
    @Arg('filter', () => AccountFilter, { nullable: true, description: 'Conditions the accounts must meet.' }) filter: AccountFilter | null,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size (1-100).' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page.' }) after: string | null,
    @Ctx() { principal, services }: AccountsContext,
  ): Promise<AccountConnection> {
    const page = await services.accounts.list(
      principal,
      {
        brand: filter?.brand,
        status: filter?.status,
        minBalanceCents: filter?.minBalance,
        maxBalanceCents: filter?.maxBalance,
      },
      first,
      after,
    );
    const edges = page.accounts.map((node) => ({ cursor: node.id, node }));
    return {
      edges,
      pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: page.hasNextPage },
      totalCount: page.totalCount,
      totalBalance: Money.ofCents(page.totalBalanceCents),
    };
  }

  @Allow('customer', 'partner', 'admin', 'service')
  @Mutation(() => AccountEntity, {
    description: 'Set or clear the third-party billing block (Drittanbietersperre). While it is on, third-party charges are refused.',
  })
  setThirdPartyBlock(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Arg('blocked', { description: 'True to block third-party charges, false to allow them.' }) blocked: boolean,
    @Ctx() { principal, services }: AccountsContext,
  ): Promise<AccountEntity> {
    return services.accounts.setThirdPartyBlock(principal, accountId, blocked);
  }

  @FieldResolver(() => Money, { description: 'Current balance. Free to read, also at zero; negative means money owed.' })
  balance(@Root() account: AccountEntity): Money {
    return Money.ofCents(account.balanceCents);
  }

  @FieldResolver(() => Money, { description: 'Credit held for running connections (open charging sessions).' })
  reserved(@Root() account: AccountEntity): Money {
    return Money.ofCents(account.reservedCents);
  }

  @FieldResolver(() => Money, { description: 'Balance minus reservations: what new connections and charges may use.' })
  available(@Root() account: AccountEntity): Money {
    return Money.ofCents(account.balanceCents - account.reservedCents);
  }

  @FieldResolver(() => Money, {
    description: 'Money the customer owes after delayed charges took the balance below zero (0 otherwise); the next top-up settles it.',
  })
  owed(@Root() account: AccountEntity): Money {
    return Money.ofCents(Math.max(0, -account.balanceCents));
  }

  // Shared with policies, which resolves it beside validity: a query asking for both then needs one policies fetch, not two.
  @Directive('@shareable')
  @FieldResolver(() => BrandReference, { description: 'The brand and its rules.' })
  brand(@Root() account: AccountEntity): BrandReference {
    return { code: account.brandCode };
  }

  @FieldResolver(() => [AccountOptionEntity], { description: 'Options and packages booked on the account, oldest booking first.' })
  options(@Root() account: AccountEntity, @Ctx() { services }: AccountsContext): Promise<AccountOptionEntity[]> {
    return services.options.listFor(account.id);
  }

  @FieldResolver(() => LedgerConnection, { description: 'The account\'s ledger, newest entry first. The balance is the sum of all entries.' })
  async ledger(
    @Root() account: AccountEntity,
    @Arg('first', () => Int, { defaultValue: 20, description: 'Page size (1-100).' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'endCursor of the previous page.' }) after: string | null,
    @Ctx() { services }: AccountsContext,
  ): Promise<LedgerConnection> {
    const page = await services.ledger.page(account.id, first, after);
    const edges = page.entries.map((node) => ({ cursor: String(node.id), node }));
    return { edges, pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: page.hasNextPage } };
  }

  @FieldResolver(() => CreditExplanation, {
    description: 'Where credit went since the last top-up: reactivated options, per-MB data, third-party services and more.',
  })
  async creditExplanation(@Root() account: AccountEntity, @Ctx() { services }: AccountsContext): Promise<CreditExplanation> {
    const data = await services.ledger.explainSinceLastTopUp(account.id);
    return {
      since: data.lastTopUp,
      spent: Money.ofCents(data.spentCents),
      uses: data.uses.map((use) => ({
        kind: use.kind,
        cause: use.cause,
        total: Money.ofCents(use.totalCents),
        count: use.count,
        explanation: explainUse(use.kind, use.cause, account.thirdPartyBlock),
      })),
    };
  }
}
