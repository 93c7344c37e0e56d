/** What payments needs from the accounts subgraph; the HTTP adapter calls it as the service principal. */
export interface AccountSnapshot {
  id: string;
  msisdn: string;
  brandCode: string;
  status: 'ACTIVE' | 'INACTIVE' | 'DEACTIVATED' | 'TERMINATED';
  balanceCents: number;
}

export interface LedgerCreditResult {
  /** True when the ledger had this reference already: nothing moved this time. */
  replayed: boolean;
  balanceCents: number;
}

export interface AccountsPort {
  findById(id: string): Promise<AccountSnapshot | null>;
  findByMsisdn(msisdn: string): Promise<AccountSnapshot | null>;
  /** Idempotent by reference: retrying with the same reference and amount moves no money again. */
  credit(input: { accountId: string; amountCents: number; reference: string; reason: string }): Promise<LedgerCreditResult>;
  /** Where accounts reports a debit crossing (null: no threshold rule). */
  setAutoTopUpThreshold(accountId: string, thresholdCents: number | null): Promise<void>;
}
