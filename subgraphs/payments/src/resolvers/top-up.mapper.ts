import { Money } from '../../../common/src/money';
import type { AutoTopUpRuleEntity } from '../entities/auto-top-up-rule.entity';
import type { TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { WhatsAppMessageEntity } from '../entities/whatsapp-message.entity';
import type { PaymentDisputeEntity } from '../entities/payment-dispute.entity';
import type { AutoTopUpRuleType, PaymentDisputeType, TopUpType, WhatsAppMessageType } from '../types/top-up.type';

export function toTopUp(order: TopUpOrderEntity, checkoutUrl: (order: TopUpOrderEntity) => string): TopUpType {
  return {
    id: order.id,
    accountId: order.accountId,
    amount: Money.ofCents(order.amountCents),
    channel: order.channel,
    status: order.status,
    paymentMethod: order.paymentMethod,
    paymentUrl: order.status === 'PENDING' && order.paymentToken ? checkoutUrl(order) : null,
    failureReason: order.failureReason,
    refundReason: order.refundReason,
    refundedAt: order.refundedAt,
    createdAt: order.createdAt,
    expiresAt: order.expiresAt,
    paidAt: order.paidAt,
    creditedAt: order.creditedAt,
    failedAt: order.failedAt,
    expiredAt: order.expiredAt,
    canceledAt: order.canceledAt,
  };
}

export function toAutoTopUpRule(rule: AutoTopUpRuleEntity): AutoTopUpRuleType {
  return {
    trigger: rule.trigger,
    threshold: rule.thresholdCents === null ? null : Money.ofCents(rule.thresholdCents),
    dayOfMonth: rule.dayOfMonth,
    amount: Money.ofCents(rule.amountCents),
    armed: rule.armed,
    consecutiveFailures: rule.consecutiveFailures,
    retryAfter: rule.retryAfter,
    pausedReason: rule.pausedReason,
  };
}

export function toWhatsAppMessage(message: WhatsAppMessageEntity): WhatsAppMessageType {
  return { id: message.id, direction: message.direction, msisdn: message.msisdn, text: message.text, orderId: message.orderId, createdAt: message.createdAt };
}

export function toPaymentDispute(dispute: PaymentDisputeEntity): PaymentDisputeType {
  return {
    ...dispute,
    amount: Money.ofCents(dispute.amountCents),
    recovered: Money.ofCents(dispute.recoveredCents),
    owed: Money.ofCents(dispute.owedCents),
  };
}
