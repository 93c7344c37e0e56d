import { randomUUID } from 'node:crypto';
import { FixedClock } from '../../../common/src/clock';
import type { Principal } from '../../../common/src/principal';
import { callSubgraphAs } from '../../../common/src/testing/graphql-client';
import type { GraphQLResponse } from '../../../common/src/testing/graphql-client';
import { startTestSubgraph } from '../../../common/src/testing/test-subgraph';
import type { TestSubgraph } from '../../../common/src/testing/test-subgraph';
import { createPoliciesSubgraph } from '../../../policies/src/policies.subgraph';
import type { PoliciesServices } from '../../../policies/src/policies.subgraph';
import { createAccountsSubgraph } from '../../src/accounts.subgraph';
import type { AccountsOptions, AccountsServices } from '../../src/accounts.subgraph';
import { AccountEntity } from '../../src/entities/account.entity';
import type { AccountStatus } from '../../src/entities/account.entity';
import { ChargingSessionEntity } from '../../src/entities/charging-session.entity';

export const SERVICE: Principal = { role: 'service', subject: 'test-service' };
export const OPERATOR: Principal = { role: 'operator', subject: 'test-operator' };
export const ADMIN: Principal = { role: 'admin', subject: 'test-admin' };
export const partner = (brand: string): Principal => ({ role: 'partner', subject: `test-partner-${brand}`, brand });
export const customer = (accountId: string): Principal => ({ role: 'customer', subject: `test-customer-${accountId}`, accountId });

export const START = new Date('2025-03-01T10:00:00.000Z');

export interface AccountsHarness {
  subgraph: TestSubgraph<AccountsServices>;
  /** The policies subgraph accounts reads brand policies from, on the same clock. */
  policies: TestSubgraph<PoliciesServices>;
  services: AccountsServices;
  clock: FixedClock;
  call: <T = Record<string, unknown>>(principal: Principal, query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<T>>;
  /** Opens an account with a unique MSISDN and, if given, a top-up. */
  openAccount: (brandCode?: string, topUpCents?: number) => Promise<AccountEntity>;
  setStatus: (accountId: string, status: AccountStatus) => Promise<void>;
  reload: (accountId: string) => Promise<AccountEntity>;
  /** Fails the test when the cached balance or reservation has drifted from the rows they summarize. */
  expectConsistent: (accountId: string) => Promise<AccountEntity>;
  close: () => Promise<void>;
}

let msisdnCounter = 0;

export function uniqueMsisdn(): string {
  msisdnCounter += 1;
  const random = Math.floor(Math.random() * 1_000_000);
  return `+49151${String(random).padStart(6, '0')}${String(msisdnCounter % 1000).padStart(3, '0')}`;
}

export async function startAccountsHarness(options: Omit<AccountsOptions, 'clock'> = {}): Promise<AccountsHarness> {
  const clock = new FixedClock(START);
  const policies = await startTestSubgraph(createPoliciesSubgraph({ clock }));
  let subgraph: TestSubgraph<AccountsServices>;
  try {
    subgraph = await startTestSubgraph(
      createAccountsSubgraph({ expirySweepMs: 0, lifecycleMs: 0, outboxRelay: false, ...options, clock }),
      // Ledger tests set up balances far above any brand's maximum balance (sums beyond 32 bits, 100
      // concurrent postings); the maximum has tests of its own (test/payment-provider.test.ts).
      { POLICIES_URL: policies.url, BALANCE_MAXIMUM_CENTS: '1000000000000' },
    );
  } catch (error) {
    await policies.close();
    throw error;
  }
  const { services, dataSource } = subgraph;
  const accounts = dataSource.getRepository(AccountEntity);
  const reload = (accountId: string) => accounts.findOneByOrFail({ id: accountId });
  return {
    subgraph,
    policies,
    services,
    clock,
    call: (principal, query, variables = {}) => callSubgraphAs(subgraph.config, subgraph.url, principal, query, variables),
    openAccount: async (brandCode = 'CONGSTAR', topUpCents = 0) => {
      const account = await services.accounts.open({ msisdn: uniqueMsisdn(), brandCode });
      if (topUpCents > 0) {
        await services.ledger.credit('TOP_UP', {
          accountId: account.id,
          amountCents: topUpCents,
          reference: `setup:${randomUUID()}`,
          reason: 'Test top-up',
        });
      }
      return reload(account.id);
    },
    setStatus: async (accountId, status) => {
      await accounts.update({ id: accountId }, { status, statusChangedAt: clock.now() });
    },
    reload,
    expectConsistent: async (accountId) => {
      const account = await reload(accountId);
      expect(account.balanceCents).toBe(await services.ledger.sumFor(accountId));
      const open = await dataSource.getRepository(ChargingSessionEntity).findBy({ accountId, status: 'OPEN' });
      expect(account.reservedCents).toBe(open.reduce((sum, session) => sum + session.reservedCents, 0));
      expect(account.reservedCents).toBeGreaterThanOrEqual(0);
      return account;
    },
    close: async () => {
      await subgraph.close();
      await policies.close();
    },
  };
}
