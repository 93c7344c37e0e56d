import { DomainError } from '../../../common/src/errors';
import type { SubgraphClient } from '../../../common/src/subgraph-client';
import type { AccountSnapshot, AccountsPort, LedgerCreditResult } from '../ports/accounts.port';

const ACCOUNT_FIELDS = 'id msisdn brandCode status balance { cents }';

interface AccountData {
  id: string;
  msisdn: string;
  brandCode: string;
  status: AccountSnapshot['status'];
  balance: { cents: number };
}

const toSnapshot = (data: AccountData): AccountSnapshot => ({
  id: data.id,
  msisdn: data.msisdn,
  brandCode: data.brandCode,
  status: data.status,
  balanceCents: data.balance.cents,
});

async function orNullWhenNotFound<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'NOT_FOUND' || error.code === 'BAD_USER_INPUT')) return null;
    throw error;
  }
}

/** The accounts subgraph over HTTP, as the `service` principal. */
export class AccountsHttpAdapter implements AccountsPort {
  constructor(private readonly client: SubgraphClient) {}

  findById(id: string): Promise<AccountSnapshot | null> {
    return orNullWhenNotFound(async () => {
      const data = await this.client.request<{ account: AccountData }>(`query Account($id: ID!) { account(id: $id) { ${ACCOUNT_FIELDS} } }`, { id });
      return toSnapshot(data.account);
    });
  }

  findByMsisdn(msisdn: string): Promise<AccountSnapshot | null> {
    return orNullWhenNotFound(async () => {
      const data = await this.client.request<{ accountByMsisdn: AccountData }>(
        `query AccountByMsisdn($msisdn: String!) { accountByMsisdn(msisdn: $msisdn) { ${ACCOUNT_FIELDS} } }`,
        { msisdn },
      );
      return toSnapshot(data.accountByMsisdn);
    });
  }

  async credit(input: { accountId: string; amountCents: number; reference: string; reason: string }): Promise<LedgerCreditResult> {
    const data = await this.client.request<{ creditAccount: { replayed: boolean; account: { balance: { cents: number } } } }>(
      `mutation CreditAccount($input: LedgerCreditInput!) {
        creditAccount(input: $input) { replayed account { balance { cents } } }
      }`,
      { input: { ...input, kind: 'TOP_UP' } },
    );
    return { replayed: data.creditAccount.replayed, balanceCents: data.creditAccount.account.balance.cents };
  }

  async recoverCredit(input: { accountId: string; amountCents: number; reference: string; reason: string }): Promise<number> {
    const data = await this.client.request<{ recoverCredit: { amount: { cents: number } } | null }>(
      `mutation RecoverCredit($input: LedgerDebitInput!) { recoverCredit(input: $input) { amount { cents } } }`,
      { input: { ...input, kind: 'TOP_UP_REFUND' } },
    );
    return data.recoverCredit ? -data.recoverCredit.amount.cents : 0;
  }

  async debitForRefund(input: { accountId: string; amountCents: number; reference: string; reason: string }): Promise<void> {
    await this.client.request(
      `mutation DebitForRefund($input: LedgerDebitInput!) { debitAccount(input: $input) { replayed } }`,
      { input: { ...input, kind: 'TOP_UP_REFUND' } },
    );
  }

  async setAutoTopUpThreshold(accountId: string, thresholdCents: number | null): Promise<void> {
    await this.client.request(
      `mutation SetAutoTopUpThreshold($accountId: ID!, $thresholdCents: SafeInt) {
        setAutoTopUpThreshold(accountId: $accountId, thresholdCents: $thresholdCents) { id }
      }`,
      { accountId, thresholdCents },
    );
  }
}
