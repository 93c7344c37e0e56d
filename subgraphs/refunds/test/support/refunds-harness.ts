import { randomUUID } from 'node:crypto';
import { FixedClock } from '../../../common/src/clock';
import type { Principal } from '../../../common/src/principal';
import { callSubgraphAs } from '../../../common/src/testing/graphql-client';
import type { GraphQLResponse } from '../../../common/src/testing/graphql-client';
import { startTestSubgraph } from '../../../common/src/testing/test-subgraph';
import type { TestSubgraph } from '../../../common/src/testing/test-subgraph';
import { createAccountsSubgraph } from '../../../accounts/src/accounts.subgraph';
import type { AccountsServices } from '../../../accounts/src/accounts.subgraph';
import { AccountEntity } from '../../../accounts/src/entities/account.entity';
import type { AccountStatus } from '../../../accounts/src/entities/account.entity';
import { LedgerEntryEntity } from '../../../accounts/src/entities/ledger-entry.entity';
import { createPoliciesSubgraph } from '../../../policies/src/policies.subgraph';
import type { PoliciesServices } from '../../../policies/src/policies.subgraph';
import { ELIGIBILITY_REQUIRES } from '../../src/resolvers/account.mapper';
import { createRefundsSubgraph } from '../../src/refunds.subgraph';
import type { RefundsOptions, RefundsServices } from '../../src/refunds.subgraph';

export const SERVICE: Principal = { role: 'service', subject: 'test-service' };
export const ADMIN: Principal = { role: 'admin', subject: 'test-admin' };
export const OPERATOR: Principal = { role: 'operator', subject: 'test-operator' };
export const partner = (brand: string): Principal => ({ role: 'partner', subject: `test-partner-${brand}`, brand });
export const customer = (accountId: string): Principal => ({ role: 'customer', subject: `test-customer-${accountId}`, accountId });

export const START = new Date('2025-03-01T10:00:00.000Z');
export const IBAN = 'DE89370400440532013000';
export const IBAN_MASKED = 'DE89 **** **** **** **30 00';

export const PAYOUT_FIELDS = `id accountId brandCode reason status holderName iban terminatedBy quarter fromStandingOrder debited
  statusReason batchId amount { cents } fee { cents formatted }`;

export interface PayoutView {
  id: string;
  accountId: string;
  brandCode: string;
  reason: string;
  status: string;
  holderName: string | null;
  iban: string | null;
  terminatedBy: string | null;
  quarter: string | null;
  fromStandingOrder: boolean;
  debited: boolean;
  statusReason: string | null;
  batchId: string | null;
  amount: { cents: number };
  fee: { cents: number; formatted: string };
}

export interface RefundsHarness {
  clock: FixedClock;
  accounts: TestSubgraph<AccountsServices>;
  policies: TestSubgraph<PoliciesServices>;
  refunds: TestSubgraph<RefundsServices>;
  call: <T = Record<string, unknown>>(principal: Principal, query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse<T>>;
  openAccount: (brandCode: string, topUpCents: number, status?: AccountStatus) => Promise<string>;
  account: (id: string) => Promise<AccountEntity>;
  ledger: (id: string) => Promise<LedgerEntryEntity[]>;
  /**
   * The Account representation the gateway would send refunds for payoutEligibility: the @required
   * fields fetched from accounts as the same principal.
   */
  representation: (principal: Principal, accountId: string) => Promise<Record<string, unknown>>;
  requestPayout: (principal: Principal, input: Record<string, unknown>) => Promise<GraphQLResponse<{ requestPayout: PayoutView }>>;
  act: (principal: Principal, mutation: 'approvePayout' | 'markPayoutPaid', id: string) => Promise<GraphQLResponse<Record<string, PayoutView>>>;
  close: () => Promise<void>;
}

let counter = 0;
const msisdn = (): string => {
  counter += 1;
  return `+49176${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}${String(counter % 1000).padStart(3, '0')}`;
};

/** Policies, accounts and refunds on loopback, refunds pointed at the other two; one clock for all. */
export async function startRefundsHarness(options: Omit<RefundsOptions, 'clock'> = {}): Promise<RefundsHarness> {
  const clock = new FixedClock(START);
  const policies = await startTestSubgraph(createPoliciesSubgraph({ clock }));
  const accounts = await startTestSubgraph(
    createAccountsSubgraph({ clock, expirySweepMs: 0, lifecycleMs: 0, outboxRelay: false }),
    { POLICIES_URL: policies.url },
  );
  const refunds = await startTestSubgraph(
    createRefundsSubgraph({ jobsMs: null, relay: false, ...options, clock }),
    { ACCOUNTS_URL: accounts.url, POLICIES_URL: policies.url },
  );
  const call: RefundsHarness['call'] = (principal, query, variables = {}) => callSubgraphAs(refunds.config, refunds.url, principal, query, variables);
  return {
    clock,
    accounts,
    policies,
    refunds,
    call,
    openAccount: async (brandCode, topUpCents, status) => {
      const account = await accounts.services.accounts.open({ msisdn: msisdn(), brandCode });
      if (topUpCents > 0) {
        await accounts.services.ledger.credit('TOP_UP', { accountId: account.id, amountCents: topUpCents, reference: `setup:${randomUUID()}`, reason: 'Test top-up' });
      }
      if (status) await accounts.dataSource.getRepository(AccountEntity).update({ id: account.id }, { status, statusChangedAt: clock.now() });
      return account.id;
    },
    account: (id) => accounts.dataSource.getRepository(AccountEntity).findOneByOrFail({ id }),
    ledger: (id) => accounts.dataSource.getRepository(LedgerEntryEntity).find({ where: { accountId: id }, order: { id: 'ASC' } }),
    representation: async (principal, accountId) => {
      const response = await callSubgraphAs<{ _entities: (Record<string, unknown> | null)[] }>(
        accounts.config,
        accounts.url,
        principal,
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Account { ${ELIGIBILITY_REQUIRES} } } }`,
        { reps: [{ __typename: 'Account', id: accountId }] },
      );
      const fields = response.data?._entities[0];
      if (!fields) throw new Error(`accounts gave no representation of ${accountId}: ${JSON.stringify(response.errors)}`);
      return { __typename: 'Account', id: accountId, ...fields };
    },
    requestPayout: (principal, input) =>
      call(principal, `mutation Request($input: RequestPayoutInput!) { requestPayout(input: $input) { ${PAYOUT_FIELDS} } }`, { input }),
    act: (principal, mutation, id) => call(principal, `mutation Act($id: ID!) { ${mutation}(id: $id) { ${PAYOUT_FIELDS} } }`, { id }),
    close: async () => {
      await refunds.close();
      await accounts.close();
      await policies.close();
    },
  };
}
