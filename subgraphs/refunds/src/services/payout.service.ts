import type { Repository } from 'typeorm';
import { accountScope, inScope } from '../../../common/src/authorization';
import { Money } from '../../../common/src/money';
import type { Principal } from '../../../common/src/principal';
import type { PayoutEntity } from '../entities/payout.entity';
import type { PayoutType } from '../types/payout.type';

function toPayout(payout: PayoutEntity): PayoutType {
  return {
    id: payout.id,
    amount: Money.ofCents(payout.amountCents),
    reason: payout.reason,
    status: payout.status,
    createdAt: payout.createdAt,
  };
}

export class PayoutService {
  constructor(private readonly payouts: Repository<PayoutEntity>) {}

  /** Newest first. An account outside the caller's scope has no visible payouts. */
  async forAccount(principal: Principal, account: { id: string; brandCode: string }): Promise<PayoutType[]> {
    if (!inScope(accountScope(principal), account)) return [];
    const rows = await this.payouts.find({ where: { accountId: account.id }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map(toPayout);
  }
}
