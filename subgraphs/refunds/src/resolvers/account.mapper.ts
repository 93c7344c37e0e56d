import { badInput } from '../../../common/src/errors';
import { LIFECYCLE_PHASES } from '../../../common/src/policy/validity-engine';
import type { LifecyclePhase } from '../../../common/src/policy/validity-engine';
import type { AccountSnapshot } from '../ports/accounts.port';
import type { RefundsAccount } from '../types/account.type';

/** The fields payoutEligibility @requires; keep in step with `accountFacts`. */
export const ELIGIBILITY_REQUIRES = 'brandCode status balance { cents } available { cents } owed { cents }';

function cents(money: unknown, field: string): number {
  const value = (money as { cents?: unknown } | null | undefined)?.cents;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badInput(`The Account representation needs ${field} { cents }`, field);
  return value;
}

/**
 * The account facts of an entity representation (the @requires fields), checked for shape. They
 * come from the gateway's fetch from accounts, or from whoever calls `_entities` directly, so they
 * are fit for display only: requestPayout and approvePayout read accounts again.
 */
export function accountFacts(account: RefundsAccount): AccountSnapshot {
  if (typeof account.brandCode !== 'string') throw badInput('The Account representation needs brandCode', 'brandCode');
  if (!LIFECYCLE_PHASES.includes(account.status as LifecyclePhase)) throw badInput('The Account representation needs status', 'status');
  return {
    id: account.id,
    brandCode: account.brandCode,
    status: account.status as LifecyclePhase,
    balanceCents: cents(account.balance, 'balance'),
    availableCents: cents(account.available, 'available'),
    owedCents: cents(account.owed, 'owed'),
  };
}
