import { DomainError } from '../../../common/src/errors';
import type { SubgraphClient } from '../../../common/src/subgraph-client';
import type { TerminationInitiator } from '../entities/payout.entity';
import type { AccountSnapshot, AccountsPort, LedgerMovement } from '../ports/accounts.port';

const ACCOUNT_FIELDS = 'id brandCode status balance { cents } available { cents } owed { cents }';

interface AccountData {
  id: string;
  brandCode: string;
  status: AccountSnapshot['status'];
  balance: { cents: number };
  available: { cents: number };
  owed: { cents: number };
}

const toSnapshot = (data: AccountData): AccountSnapshot => ({
  id: data.id,
  brandCode: data.brandCode,
  status: data.status,
  balanceCents: data.balance.cents,
  availableCents: data.available.cents,
  owedCents: data.owed.cents,
});

/** The accounts subgraph over HTTP, as the `service` principal. */
export class AccountsHttpAdapter implements AccountsPort {
  constructor(private readonly client: SubgraphClient) {}

  async findById(id: string): Promise<AccountSnapshot | null> {
    try {
      const data = await this.client.request<{ account: AccountData }>(`query Account($id: ID!) { account(id: $id) { ${ACCOUNT_FIELDS} } }`, { id });
      return toSnapshot(data.account);
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'NOT_FOUND' || error.code === 'BAD_USER_INPUT')) return null;
      throw error;
    }
  }

  async terminate(accountId: string, initiatedBy: TerminationInitiator): Promise<AccountSnapshot> {
    const data = await this.client.request<{ terminateAccount: AccountData }>(
      `mutation TerminateAccount($accountId: ID!, $initiatedBy: TerminationInitiator!) {
        terminateAccount(accountId: $accountId, initiatedBy: $initiatedBy) { ${ACCOUNT_FIELDS} }
      }`,
      { accountId, initiatedBy },
    );
    return toSnapshot(data.terminateAccount);
  }

  async debitPayout(movement: LedgerMovement): Promise<{ replayed: boolean }> {
    const data = await this.client.request<{ debitAccount: { replayed: boolean } }>(
      `mutation DebitAccount($input: LedgerDebitInput!) { debitAccount(input: $input) { replayed } }`,
      { input: { ...movement, kind: 'PAYOUT' } },
    );
    return { replayed: data.debitAccount.replayed };
  }

  async creditAdjustment(movement: LedgerMovement): Promise<{ replayed: boolean }> {
    const data = await this.client.request<{ creditAccount: { replayed: boolean } }>(
      `mutation CreditAccount($input: LedgerCreditInput!) { creditAccount(input: $input) { replayed } }`,
      { input: { ...movement, kind: 'ADJUSTMENT' } },
    );
    return { replayed: data.creditAccount.replayed };
  }
}
