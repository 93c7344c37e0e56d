import { Money } from '../../../common/src/money';
import type { Principal } from '../../../common/src/principal';
import type { PayoutBatchEntity } from '../entities/payout-batch.entity';
import type { PayoutStandingOrderEntity } from '../entities/payout-standing-order.entity';
import { PAYOUT_FEE_CENTS } from '../entities/payout.entity';
import type { PayoutEntity } from '../entities/payout.entity';
import type { IbanCipher } from '../services/iban-cipher';
import { formatIban, maskIban } from '../services/iban.validator';
import type { PayoutBatchType, PayoutType, QuarterlyPayoutOrderType } from '../types/payout.type';

/** Only the account's own customer sees the full IBAN; partners, operators, admins and services see it masked. */
export function showIban(principal: Principal, accountId: string, encrypted: string, cipher: IbanCipher): string {
  const iban = cipher.decrypt(encrypted);
  return principal.role === 'customer' && principal.accountId === accountId ? formatIban(iban) : maskIban(iban);
}

export function toPayout(payout: PayoutEntity, principal: Principal, cipher: IbanCipher): PayoutType {
  return {
    id: payout.id,
    accountId: payout.accountId,
    account: { id: payout.accountId, brandCode: payout.brandCode },
    brandCode: payout.brandCode,
    amount: Money.ofCents(payout.amountCents),
    fee: Money.ofCents(PAYOUT_FEE_CENTS),
    reason: payout.reason,
    status: payout.status,
    holderName: payout.holderName,
    iban: payout.ibanEncrypted ? showIban(principal, payout.accountId, payout.ibanEncrypted, cipher) : null,
    terminatedBy: payout.initiatedBy,
    quarter: payout.quarterLabel,
    fromStandingOrder: payout.source === 'STANDING_ORDER',
    debited: payout.debitedAt !== null,
    statusReason: payout.statusReason,
    batchId: payout.batchId,
    createdAt: payout.createdAt,
    approvedAt: payout.approvedAt,
    paidAt: payout.paidAt,
    rejectedAt: payout.rejectedAt,
    failedAt: payout.failedAt,
  };
}

export function toStandingOrder(order: PayoutStandingOrderEntity, principal: Principal, cipher: IbanCipher): QuarterlyPayoutOrderType {
  return {
    accountId: order.accountId,
    holderName: order.holderName,
    iban: showIban(principal, order.accountId, order.ibanEncrypted, cipher),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}

export function toBatch(batch: PayoutBatchEntity, payoutIds: string[], xml: string): PayoutBatchType {
  return {
    id: batch.id,
    messageId: batch.messageId,
    executionDate: batch.executionDate,
    transactionCount: batch.transactionCount,
    controlSum: Money.ofCents(batch.controlSumCents),
    createdAt: batch.createdAt,
    payoutIds,
    xml,
  };
}
