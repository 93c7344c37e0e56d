import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import type { Repository } from 'typeorm';
import { accountScope, inScope } from '../../../common/src/authorization';
import { isBrandCode } from '../../../common/src/brands';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput, notFound } from '../../../common/src/errors';
import type { Principal } from '../../../common/src/principal';
import { AccountEntity } from '../entities/account.entity';

const E164 = /^\+[1-9]\d{7,14}$/;

export function assertMsisdn(msisdn: string): string {
  if (!E164.test(msisdn)) throw badInput('msisdn must be an E.164 number such as +4915112345678', 'msisdn');
  return msisdn;
}

export interface OpenAccountInput {
  msisdn: string;
  brandCode: string;
  id?: string;
}

export class AccountService {
  constructor(
    private readonly accounts: Repository<AccountEntity>,
    private readonly clock: Clock,
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
      validUntil: null,
      lastTopUpAt: null,
      lastChargeableUseAt: null,
      thirdPartyBlock: false,
      createdAt: now,
      updatedAt: now,
    });
    await this.accounts.insert(account);
    return account;
  }
}
