import type { Clock } from '../../../common/src/clock';
import { addMonths } from '../../../common/src/policy/calendar';
import { phaseAt } from '../../../common/src/policy/validity-engine';
import type { ValidityState } from '../../../common/src/policy/validity-engine';
import type { PolicyAccount } from '../types/account.type';
import type { AccountValidityType } from '../types/account-validity.type';
import type { BrandPolicyVersion } from './policy.service';

/** Entity representations carry dates as ISO strings; resolvers inside this subgraph may pass Dates. */
function toDate(value: Date | string | null | undefined, field: string): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`Account.${field} is not a date: ${String(value)}`);
  return date;
}

export function validityStateOf(account: PolicyAccount): ValidityState {
  return {
    status: account.status,
    validUntil: toDate(account.validUntil, 'validUntil'),
    lastTopUpAt: toDate(account.lastTopUpAt, 'lastTopUpAt'),
    lastChargeableUseAt: toDate(account.lastChargeableUseAt, 'lastChargeableUseAt'),
    activatedAt: toDate(account.createdAt, 'createdAt'),
  };
}

/** The `*102#` answer: the brand's validity rule applied to one account, now. */
export class ValidityService {
  constructor(private readonly clock: Clock) {}

  validityOf(account: PolicyAccount, version: BrandPolicyVersion): AccountValidityType {
    const state = validityStateOf(account);
    const rule = version.policy.validity;
    const report = phaseAt(rule, state, this.clock.now());
    const interval = rule.recommendedTopUpIntervalMonths;
    const lastTopUp = state.lastTopUpAt ?? state.activatedAt;
    return {
      validUntil: report.activeUntil,
      phase: report.phase,
      nextPhase: report.nextPhase,
      nextTransitionAt: report.nextTransitionAt,
      daysLeft: report.daysLeft,
      terminationAt: report.terminationAt,
      earliestTerminationAt: report.earliestTerminationAt,
      recommendedTopUpBy: interval !== null && lastTopUp ? addMonths(lastTopUp, interval) : null,
      validityQueryCode: version.policy.validityQueryCode,
      policyVersion: version.version,
      unknownFacts: report.unknown,
    };
  }
}
