import type { Repository } from 'typeorm';
import { accountScope, inScope } from '../../../common/src/authorization';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput } from '../../../common/src/errors';
import type { Logger } from '../../../common/src/logger';
import type { Principal } from '../../../common/src/principal';
import { PayoutStandingOrderEntity } from '../entities/payout-standing-order.entity';
import type { PoliciesPort } from '../ports/policies.port';
import type { IbanCipher } from './iban-cipher';
import { normalizeIban } from './iban.validator';
import type { PayoutService } from './payout.service';

const JOB_PRINCIPAL: Principal = { role: 'service', subject: 'refunds-quarterly-job' };
const PAGE_SIZE = 200;

/** Quarterly payouts that request themselves (Fonic, Fonic Mobile): one per account and quarter. */
export class StandingOrderService {
  constructor(
    private readonly orders: Repository<PayoutStandingOrderEntity>,
    private readonly payouts: PayoutService,
    private readonly policies: PoliciesPort,
    private readonly cipher: IbanCipher,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The brand may come from a (possibly made-up) entity representation: it must match the stored one. */
  async forAccount(principal: Principal, account: { id: string; brandCode: string }): Promise<PayoutStandingOrderEntity | null> {
    if (!inScope(accountScope(principal), account)) return null;
    return this.orders.findOneBy({ accountId: account.id, brandCode: account.brandCode });
  }

  async set(principal: Principal, input: { accountId: string; holderName: string; iban: string }): Promise<PayoutStandingOrderEntity> {
    const holderName = input.holderName.trim().replace(/\s+/g, ' ');
    if (holderName.length < 2 || holderName.length > 70) throw badInput('holderName must be 2 to 70 characters', 'holderName');
    const iban = normalizeIban(input.iban);
    const account = await this.payouts.visibleAccount(principal, input.accountId);
    if (account.status === 'TERMINATED') throw new DomainError('CONFLICT', 'The contract has ended: request a TERMINATION payout instead');
    const policy = await this.policies.payoutPolicy(account.brandCode, this.clock.now());
    if (!policy.quarterlyWithoutTermination) {
      throw new DomainError('BAD_USER_INPUT', 'This brand pays out credit only at the end of the contract, not quarterly', {
        field: 'accountId',
        reason: 'QUARTERLY_NOT_OFFERED',
      });
    }
    const now = this.clock.now();
    const existing = await this.orders.findOneBy({ accountId: account.id });
    const order = this.orders.create({
      accountId: account.id,
      brandCode: account.brandCode,
      holderName,
      ibanEncrypted: this.cipher.encrypt(iban),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    await this.orders.save(order);
    return order;
  }

  async remove(principal: Principal, accountId: string): Promise<boolean> {
    await this.payouts.visibleAccount(principal, accountId);
    const result = await this.orders.delete({ accountId });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Requests and approves this quarter's payout for every standing order that has credit and no
   * quarterly payout yet. Safe to run often and in parallel: the quarter key makes it once per
   * account and quarter. Returns how many payouts this run created.
   */
  async runQuarterly(): Promise<number> {
    let created = 0;
    let after = '';
    for (;;) {
      const page = await this.orders
        .createQueryBuilder('standing')
        .where('standing.account_id > :after', { after })
        .orderBy('standing.account_id', 'ASC')
        .limit(PAGE_SIZE)
        .getMany();
      if (page.length === 0) break;
      for (const order of page) {
        try {
          if (await this.payOut(order)) created += 1;
        } catch (error) {
          this.logger.warn({ accountId: order.accountId, err: error }, 'quarterly standing order not paid out this run');
        }
      }
      after = page.at(-1)!.accountId;
    }
    return created;
  }

  private async payOut(order: PayoutStandingOrderEntity): Promise<boolean> {
    if (await this.payouts.quarterlyTaken(order.accountId)) return false;
    const eligibility = await this.payouts.eligibility(JOB_PRINCIPAL, { id: order.accountId, brandCode: order.brandCode }, 'QUARTERLY');
    if (!eligibility.eligible) return false;
    let payout;
    try {
      payout = await this.payouts.request(
        JOB_PRINCIPAL,
        { accountId: order.accountId, holderName: order.holderName, iban: this.cipher.decrypt(order.ibanEncrypted), reason: 'QUARTERLY' },
        'STANDING_ORDER',
      );
    } catch (error) {
      // Another run (or the customer) got there first in this quarter.
      if (error instanceof DomainError && (error.code === 'CONFLICT' || error.code === 'INSUFFICIENT_CREDIT')) return false;
      throw error;
    }
    // The standing order is the customer's instruction: no manual approval step.
    await this.payouts.approve(JOB_PRINCIPAL, payout.id);
    return true;
  }
}
