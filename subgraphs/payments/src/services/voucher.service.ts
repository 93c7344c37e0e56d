import { randomInt, randomUUID } from 'node:crypto';
import { MoreThan } from 'typeorm';
import type { Repository } from 'typeorm';
import { isBrandCode } from '../../../common/src/brands';
import type { Clock } from '../../../common/src/clock';
import { DomainError, badInput } from '../../../common/src/errors';
import { hmacSha256Hex } from '../../../common/src/hmac';
import { assertPositiveCents } from '../../../common/src/money';
import type { Principal } from '../../../common/src/principal';
import type { TransactionRunner } from '../../../common/src/transaction';
import { TopUpOrderEntity } from '../entities/top-up-order.entity';
import { VoucherAttemptEntity, VoucherBatchEntity, VoucherEntity } from '../entities/voucher.entity';
import type { TopUpService } from './top-up.service';

export const VOUCHER_CODE_DIGITS = 16;
export const MAX_BATCH_SIZE = 10_000;
const USSD_VOUCHER = /^\*103\*(\d+)#$/;
const RATE_WINDOW_MS = 60 * 60 * 1000;

/** The caller a failed attempt counts for; fits the column. */
function callerOf(principal: Principal): string {
  return `${principal.role}:${principal.subject}`.slice(0, 120);
}

/** Accepts the bare code or the USSD string `*103*<code>#`, which works the same from abroad. */
export function voucherCodeFrom(input: string): string | null {
  const compact = input.replace(/[\s-]/g, '');
  const code = USSD_VOUCHER.exec(compact)?.[1] ?? compact;
  return new RegExp(`^\\d{${VOUCHER_CODE_DIGITS}}$`).test(code) ? code : null;
}

export class VoucherService {
  constructor(
    private readonly attempts: Repository<VoucherAttemptEntity>,
    private readonly vouchers: Repository<VoucherEntity>,
    private readonly transactions: TransactionRunner,
    private readonly topUps: TopUpService,
    private readonly clock: Clock,
    private readonly pepper: string,
    private readonly failedAttemptsPerHour: number,
  ) {}

  private hash(code: string): string {
    return hmacSha256Hex(this.pepper, code);
  }

  /** Creates codes for one brand and value. The plain codes are returned this once and never stored. */
  async createBatch(principal: Principal, brandCode: string, valueCents: number, size: number): Promise<{ batch: VoucherBatchEntity; codes: string[] }> {
    if (!isBrandCode(brandCode)) throw badInput(`Unknown brand ${brandCode}`, 'brand');
    assertPositiveCents(valueCents, 'valueCents');
    if (!Number.isInteger(size) || size < 1 || size > MAX_BATCH_SIZE) throw badInput(`size must be between 1 and ${MAX_BATCH_SIZE}`, 'size');
    const now = this.clock.now();
    const batch: VoucherBatchEntity = { id: randomUUID(), brandCode, valueCents, size, createdBy: principal.subject.slice(0, 100), createdAt: now };
    const codes = new Set<string>();
    while (codes.size < size) {
      codes.add(Array.from({ length: VOUCHER_CODE_DIGITS }, () => randomInt(10)).join(''));
    }
    await this.transactions.run(async (manager) => {
      await manager.getRepository(VoucherBatchEntity).insert(batch);
      const rows = [...codes].map((code) => ({
        id: randomUUID(),
        batchId: batch.id,
        codeHash: this.hash(code),
        brandCode,
        valueCents,
        redeemedAt: null,
        redeemedAccountId: null,
        orderId: null,
      }));
      for (let i = 0; i < rows.length; i += 500) await manager.getRepository(VoucherEntity).insert(rows.slice(i, i + 500));
    });
    return { batch, codes: [...codes] };
  }

  /**
   * Redeems a code once, even under concurrent attempts: the voucher row is locked and marked in the
   * same transaction that creates the paid order and its credit message.
   */
  async redeem(principal: Principal, accountId: string, input: string): Promise<TopUpOrderEntity> {
    const account = await this.topUps.visibleAccount(principal, accountId);
    const now = this.clock.now();
    // Per caller and account: per account alone, five wrong codes from one caller locked the
    // account's vouchers for everyone else who may redeem for it (its customer, other apps).
    const caller = callerOf(principal);
    const recent = { accountId: account.id, caller, attemptedAt: MoreThan(new Date(now.getTime() - RATE_WINDOW_MS)) };
    const recentFailures = await this.attempts.countBy(recent);
    if (recentFailures >= this.failedAttemptsPerHour) {
      const oldest = await this.attempts.findOne({
        where: recent,
        order: { attemptedAt: 'ASC' },
      });
      const retryAfterSeconds = Math.max(1, Math.ceil(((oldest?.attemptedAt.getTime() ?? now.getTime()) + RATE_WINDOW_MS - now.getTime()) / 1000));
      throw new DomainError('RATE_LIMITED', 'Too many wrong voucher codes; please try again later', { retryAfterSeconds });
    }
    const code = voucherCodeFrom(input);
    if (!code) {
      await this.recordFailure(account.id, caller);
      throw new DomainError('VOUCHER_INVALID', `A voucher code has ${VOUCHER_CODE_DIGITS} digits (or dial *103*<code>#)`, { field: 'code' });
    }
    // Refused before the code is used: a voucher that cannot be booked stays unredeemed.
    const candidate = await this.vouchers.findOneBy({ codeHash: this.hash(code) });
    if (candidate && candidate.brandCode === account.brandCode && !candidate.redeemedAt) {
      await this.topUps.assertAmountAllowed(account, 'VOUCHER', candidate.valueCents);
    }
    const outcome = await this.transactions.run(async (manager) => {
      const voucher = await this.transactions
        .forUpdate(manager.getRepository(VoucherEntity).createQueryBuilder('v'))
        .where('v.code_hash = :hash', { hash: this.hash(code) })
        .getOne();
      if (!voucher || voucher.brandCode !== account.brandCode) return { error: 'VOUCHER_INVALID' as const };
      if (voucher.redeemedAt) return { error: 'VOUCHER_ALREADY_REDEEMED' as const, voucher };
      const order = await this.topUps.insertOrder(
        { account, amountCents: voucher.valueCents, channel: 'VOUCHER', idempotencyKey: voucher.releases === 0 ? `voucher:${voucher.id}` : `voucher:${voucher.id}:${voucher.releases}`, paidWith: 'VOUCHER' },
        manager,
      );
      await manager.getRepository(VoucherEntity).update({ id: voucher.id }, { redeemedAt: this.clock.now(), redeemedAccountId: account.id, orderId: order.id });
      return { order };
    });
    if ('order' in outcome && outcome.order) return outcome.order;
    // Re-entering one's own, already redeemed code is not guessing: it does not count against the limit.
    const ownCode = outcome.error === 'VOUCHER_ALREADY_REDEEMED' && outcome.voucher?.redeemedAccountId === account.id;
    if (!ownCode) await this.recordFailure(account.id, caller);
    throw outcome.error === 'VOUCHER_INVALID'
      ? new DomainError('VOUCHER_INVALID', 'This voucher code is not valid for this brand', { field: 'code' })
      : new DomainError('VOUCHER_ALREADY_REDEEMED', 'This voucher code has already been redeemed', { field: 'code' });
  }

  private async recordFailure(accountId: string, caller: string): Promise<void> {
    await this.attempts.insert({ id: randomUUID(), accountId, caller, attemptedAt: this.clock.now() });
  }
}
