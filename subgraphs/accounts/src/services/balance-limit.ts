import { DomainError } from '../../../common/src/errors';
import { effectiveTopUpLimits } from '../../../common/src/policy/top-up-limits';
import type { TopUpLimits } from '../../../common/src/policy/top-up-limits';
import { euros } from '../../../common/src/policy/top-up-amounts';
import type { AccountEntity } from '../entities/account.entity';
import type { PoliciesPort } from '../ports/policies.port';

/**
 * The ledger's own check of the brand's maximum balance (section 11), under the account lock: the
 * last word however payments judged the order, so a credit that would exceed it is refused before
 * anything is written, and payments refunds the payment.
 */
export async function assertBalanceLimit(policies: PoliciesPort, platform: TopUpLimits, account: AccountEntity, amountCents: number, at: Date): Promise<void> {
  const { maximumBalanceCents } = effectiveTopUpLimits((await policies.policyAt(account.brandCode, at)).topUp, platform);
  if (account.balanceCents > maximumBalanceCents - amountCents) {
    throw new DomainError('LIMIT_EXCEEDED', `This top-up would take the balance above the maximum of ${euros(maximumBalanceCents)}`, {
      limit: 'MAXIMUM_BALANCE',
      limitCents: maximumBalanceCents,
    });
  }
}
