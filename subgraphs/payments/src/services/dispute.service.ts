import { In } from 'typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { Clock } from '../../../common/src/clock';
import { DomainError, notFound } from '../../../common/src/errors';
import { PaymentDisputeEntity } from '../entities/payment-dispute.entity';
import type { DisputeStatus } from '../entities/payment-dispute.entity';
import type { OrderPaymentMethod } from '../entities/top-up-order.entity';

/** Disputes that keep the payment method blocked for the account (section 11). */
export const BLOCKING_DISPUTES = ['OPEN', 'LOST'] as const satisfies readonly DisputeStatus[];
const CARD_METHODS: OrderPaymentMethod[] = ['VISA', 'MASTERCARD'];

/**
 * Chargebacks as operators see them, and what they block: a charged-back card (by fingerprint, or
 * every card where the provider gave none) or PayPal account pays no further top-ups of that
 * account until the dispute is won or an admin records the amount owed as settled.
 */
export class DisputeService {
  constructor(
    private readonly disputes: Repository<PaymentDisputeEntity>,
    private readonly clock: Clock,
  ) {}

  list(status: string | null): Promise<PaymentDisputeEntity[]> {
    return this.disputes.find({ where: status ? { status: status as DisputeStatus } : {}, order: { openedAt: 'DESC' }, take: 200 });
  }

  async isBlocked(accountId: string, fingerprint: string, manager?: EntityManager): Promise<boolean> {
    const repository = manager?.getRepository(PaymentDisputeEntity) ?? this.disputes;
    return repository.existsBy({ accountId, paymentFingerprint: fingerprint, status: In([...BLOCKING_DISPUTES]) });
  }

  /** Method kinds the account may not pay with at checkout. */
  async blockedMethods(accountId: string): Promise<Set<OrderPaymentMethod>> {
    const blocking = await this.disputes.find({ where: { accountId, status: In([...BLOCKING_DISPUTES]) } });
    return new Set(blocking.flatMap((dispute) => (CARD_METHODS.includes(dispute.paymentMethod as OrderPaymentMethod) ? CARD_METHODS : [dispute.paymentMethod as OrderPaymentMethod])));
  }

  async assertNotBlocked(accountId: string, fingerprint: string | null): Promise<void> {
    if (fingerprint && (await this.isBlocked(accountId, fingerprint))) {
      throw new DomainError('PAYMENT_METHOD_BLOCKED', 'This payment method was charged back; it cannot be used until the chargeback is settled', { field: 'paymentMethodRef' });
    }
  }

  /** An admin records that what was owed has been paid otherwise: the method is free again. */
  async settle(disputeId: string): Promise<PaymentDisputeEntity> {
    const dispute = await this.disputes.findOneBy({ id: disputeId });
    if (!dispute) throw notFound('Payment dispute', disputeId);
    if (dispute.status === 'SETTLED' || dispute.status === 'WON') return dispute;
    await this.disputes.update({ id: dispute.id, status: dispute.status }, { status: 'SETTLED', owedCents: 0, closedAt: dispute.closedAt ?? this.clock.now() });
    return (await this.disputes.findOneBy({ id: disputeId }))!;
  }
}
