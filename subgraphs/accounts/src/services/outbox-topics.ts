/** Outbox topics of the accounts subgraph and the payloads other subgraphs' mutations receive. */

/** Calls refunds `openPayoutEntitlement`: the contract ended, remaining credit is owed on request. */
export const PAYOUT_ENTITLEMENT_TOPIC = 'refunds.openPayoutEntitlement';
/** Calls payments `autoTopUpTriggered`: a debit took the balance below the account's threshold. */
export const AUTO_TOP_UP_TOPIC = 'payments.autoTopUpTriggered';

export type TerminationInitiator = 'CUSTOMER' | 'BRAND';

export interface PayoutEntitlementMessage {
  accountId: string;
  brandCode: string;
  /** ISO 8601. */
  terminatedAt: string;
  initiatedBy: TerminationInitiator;
}

export interface AutoTopUpTriggerMessage {
  accountId: string;
  balanceCents: number;
  /** The ledger entry whose debit crossed the threshold. */
  reference: string;
}
