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
  /** Takes back up to `amountCents` of the credit that is left (never below zero); returns what it took. Idempotent by reference. */
  recoverCredit(input: { accountId: string; amountCents: number; reference: string; reason: string }): Promise<number>;
  /** Debits exactly `amountCents` within the available credit (INSUFFICIENT_CREDIT otherwise). Idempotent by reference. */
  debitForRefund(input: { accountId: string; amountCents: number; reference: string; reason: string }): Promise<void>;
  /** Where accounts reports a debit crossing (null: no threshold rule). */
  setAutoTopUpThreshold(accountId: string, thresholdCents: number | null): Promise<void>;
}
