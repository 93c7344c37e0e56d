import type { TerminationInitiator } from '../entities/payout.entity';

/** What refunds needs from the accounts subgraph; the HTTP adapter calls it as the service principal. */
export interface AccountSnapshot {
  id: string;
  brandCode: string;
  status: 'ACTIVE' | 'INACTIVE' | 'DEACTIVATED' | 'TERMINATED';
  balanceCents: number;
  /** Balance minus reservations of open charging sessions. */
  availableCents: number;
  /** Money owed after delayed charges took the balance below zero (0 otherwise). */
  owedCents: number;
}

export interface LedgerMovement {
  accountId: string;
  amountCents: number;
  /** Idempotency key in the ledger: the same reference never moves money twice. */
  reference: string;
  reason: string;
}

export interface AccountsPort {
  findById(id: string): Promise<AccountSnapshot | null>;
  /** Settles open charging sessions and ends the contract; idempotent. */
  terminate(accountId: string, initiatedBy: TerminationInitiator): Promise<AccountSnapshot>;
  /** PAYOUT debit within the available credit (INSUFFICIENT_CREDIT otherwise). */
  debitPayout(movement: LedgerMovement): Promise<{ replayed: boolean }>;
  /** ADJUSTMENT credit, e.g. a failed payout's money coming back. */
  creditAdjustment(movement: LedgerMovement): Promise<{ replayed: boolean }>;
}
