import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import type { Repository } from 'typeorm';
import { accountScope, inScope } from '../../../common/src/authorization';
import { isBrandCode } from '../../../common/src/brands';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import type { Principal } from '../../../common/src/principal';
import { SubgraphUnavailableError } from '../../../common/src/subgraph-client';
import { ACCOUNT_STATUSES, AccountEntity } from '../entities/account.entity';
import type { AccountStatus } from '../entities/account.entity';
import { assertPageSize, safeIntegerFromDatabase } from './ledger.service';
import type { ValidityService } from './validity.service';

const E164 = /^\+[1-9]\d{7,14}$/;

export function assertMsisdn(msisdn: string): string {
  if (!E164.test(msisdn)) throw badInput('msisdn must be an E.164 number such as +4915112345678', 'msisdn');
  return msisdn;
}

export interface AccountFilterInput {
  brand?: string | null;
  status?: AccountStatus | null;
  /** Inclusive lower bound of the balance in cents (may be negative: money owed). */
  minBalanceCents?: number | null;
  /** Inclusive upper bound of the balance in cents. */
  maxBalanceCents?: number | null;
}

export interface AccountPage {
  accounts: AccountEntity[];
  hasNextPage: boolean;
  /** Over the whole filtered set, not just this page. */
  totalCount: number;
  totalBalanceCents: number;
}

const ACCOUNT_CURSOR = /^[\w-]{1,36}$/;

export interface OpenAccountInput {
  msisdn: string;
  brandCode: string;
  id?: string;
}

export class AccountService {
  constructor(
    private readonly accounts: Repository<AccountEntity>,
    private readonly clock: Clock,
    private readonly validity?: ValidityService,
  ) {}

  /** Out-of-scope accounts are reported as not found, so a caller cannot probe for other brands' ids. */
  async getVisible(principal: Principal, id: string): Promise<AccountEntity> {
    const account = await this.accounts.findOneBy({ id });
    if (!account || !inScope(accountScope(principal), account)) throw notFound('Account', id);
    return account;
  }

  async getVisibleByMsisdn(principal: Principal, msisdn: string): Promise<AccountEntity> {
    const account = await this.accounts.findOneBy({ msisdn: assertMsisdn(msisdn) });
    if (!account || !inScope(accountScope(principal), account)) throw notFound('Account with MSISDN', msisdn);
    return account;
  }

  /** For DataLoader: one query for many ids, answered in the order asked. */
  async findByIds(ids: readonly string[]): Promise<(AccountEntity | undefined)[]> {
    const rows = await this.accounts.findBy({ id: In([...ids]) });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }

  /**
   * The dashboard list, ordered by id so the cursor (the last id seen) is stable under inserts.
   * Partners are held to their own brand whatever filter they send; customers never get here.
   */
  async list(principal: Principal, filter: AccountFilterInput, first: number, after?: string | null): Promise<AccountPage> {
    assertPageSize(first);
    const scope = accountScope(principal);
    if (filter.brand != null && !isBrandCode(filter.brand)) throw badInput(`Unknown brand ${filter.brand}`, 'brand');
    if (filter.status != null && !ACCOUNT_STATUSES.includes(filter.status)) {
      throw badInput(`Unknown status ${String(filter.status)}`, 'status');
    }
    for (const [field, value] of [['minBalance', filter.minBalanceCents], ['maxBalance', filter.maxBalanceCents]] as const) {
      if (value != null && !Number.isSafeInteger(value)) throw badInput(`${field} must be whole cents`, field);
    }
    if (filter.minBalanceCents != null && filter.maxBalanceCents != null && filter.minBalanceCents > filter.maxBalanceCents) {
      throw badInput('minBalance must not be above maxBalance', 'minBalance');
    }
    if (after != null && !ACCOUNT_CURSOR.test(after)) throw badInput('after must be a cursor returned by an earlier page', 'after');

    const query = this.accounts.createQueryBuilder('account');
    if (scope.kind === 'account') query.andWhere('account.id = :scopeId', { scopeId: scope.accountId });
    if (scope.kind === 'brand') {
      // Asking a partner's dashboard for another brand shows nothing rather than an error that confirms it exists.
      if (filter.brand != null && filter.brand !== scope.brand) return { accounts: [], hasNextPage: false, totalCount: 0, totalBalanceCents: 0 };
      query.andWhere('account.brandCode = :scopeBrand', { scopeBrand: scope.brand });
    }
    if (filter.brand != null) query.andWhere('account.brandCode = :brand', { brand: filter.brand });
    if (filter.status != null) query.andWhere('account.status = :status', { status: filter.status });
    if (filter.minBalanceCents != null) query.andWhere('account.balanceCents >= :min', { min: filter.minBalanceCents });
    if (filter.maxBalanceCents != null) query.andWhere('account.balanceCents <= :max', { max: filter.maxBalanceCents });

    const totals = await query
      .clone()
      .select('COUNT(*)', 'count')
      .addSelect('COALESCE(SUM(account.balanceCents), 0)', 'total')
      .getRawOne<{ count: unknown; total: unknown }>();
    const page = query.clone().orderBy('account.id', 'ASC').limit(first + 1);
    if (after != null) page.andWhere('account.id > :after', { after });
    const rows = await page.getMany();
    return {
      accounts: rows.slice(0, first),
      hasNextPage: rows.length > first,
      totalCount: safeIntegerFromDatabase(totals?.count),
      totalBalanceCents: safeIntegerFromDatabase(totals?.total),
    };
  }

  /** Sets or clears the third-party billing block (Drittanbietersperre); the caller must see the account. */
  async setThirdPartyBlock(principal: Principal, id: string, blocked: boolean): Promise<AccountEntity> {
    const account = await this.getVisible(principal, id);
    const now = this.clock.now();
    await this.accounts.update({ id: account.id }, { thirdPartyBlock: blocked, updatedAt: now });
    return this.accounts.findOneByOrFail({ id: account.id });
  }

  /**
   * Service-only (payments keeps the rule, accounts watches the balance): from now on a debit that
   * takes the balance below `thresholdCents` enqueues an automatic top-up trigger; null clears it.
   */
  async setAutoTopUpThreshold(id: string, thresholdCents: number | null): Promise<AccountEntity> {
    if (thresholdCents !== null && (!Number.isSafeInteger(thresholdCents) || thresholdCents < 1)) {
      throw badInput('thresholdCents must be a whole number of cents of at least 1, or null to clear it', 'thresholdCents');
    }
    if (typeof id !== 'string' || !(await this.accounts.existsBy({ id }))) throw notFound('Account', String(id));
    await this.accounts.update({ id }, { autoTopUpThresholdCents: thresholdCents, updatedAt: this.clock.now() });
    return this.accounts.findOneByOrFail({ id });
  }

  /**
   * The brand's activation period (O2: 6 months, LIDL Connect: 12), judged by the policy in force
   * now. Without an answer from policies the column stays null, which the validity engine reads as
   * "activation plus the brand's activation months" anyway, so opening never depends on policies.
   */
  private async initialValidUntil(brandCode: string, at: Date): Promise<Date | null> {
    if (!this.validity) return null;
    try {
      return await this.validity.initialValidUntil(brandCode, at);
    } catch (error) {
      if (error instanceof SubgraphUnavailableError) return null;
      throw error;
    }
  }

  exists(id: string): Promise<boolean> {
    return this.accounts.existsBy({ id });
  }

  async open(input: OpenAccountInput): Promise<AccountEntity> {
    assertMsisdn(input.msisdn);
    if (!isBrandCode(input.brandCode)) throw badInput(`Unknown brand ${input.brandCode}`, 'brandCode');
    if (await this.accounts.existsBy({ msisdn: input.msisdn })) {
      throw new DomainError('CONFLICT', `An account with MSISDN ${input.msisdn} already exists`);
    }
    const now = this.clock.now();
    const account = this.accounts.create({
      id: input.id ?? randomUUID(),
      msisdn: input.msisdn,
      brandCode: input.brandCode,
      status: 'ACTIVE',
      statusChangedAt: now,
      balanceCents: 0,
      reservedCents: 0,
      validUntil: await this.initialValidUntil(input.brandCode, now),
      lastTopUpAt: null,
      lastChargeableUseAt: null,
      thirdPartyBlock: false,
      autoTopUpThresholdCents: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.accounts.insert(account);
    return account;
  }
}
