import type { Repository } from 'typeorm';
import { accountScope, inScope } from '../../../common/src/authorization';
import { badInput } from '../../../common/src/errors';
import { Money } from '../../../common/src/money';
import type { Principal } from '../../../common/src/principal';
import type { TopUpOrderEntity } from '../entities/top-up-order.entity';
import type { TopUpType } from '../types/top-up.type';

export const MAX_PAGE_SIZE = 100;

function toTopUp(order: TopUpOrderEntity): TopUpType {
  return {
    id: order.id,
    amount: Money.ofCents(order.amountCents),
    channel: order.channel,
    status: order.status,
    createdAt: order.createdAt,
  };
}

export class TopUpService {
  constructor(private readonly orders: Repository<TopUpOrderEntity>) {}

  /** Newest first. An account outside the caller's scope has no visible top-ups. */
  async recentForAccount(
    principal: Principal,
    account: { id: string; brandCode: string },
    first: number,
  ): Promise<TopUpType[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
    }
    if (!inScope(accountScope(principal), account)) return [];
    const rows = await this.orders.find({
      where: { accountId: account.id },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: first,
    });
    return rows.map(toTopUp);
  }
}
