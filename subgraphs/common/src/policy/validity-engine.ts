import { addDays, addMonths, earlierOf, laterOf, wholeDaysBetween } from './calendar';
import { DEFAULT_ADVANCE_NOTICE_DAYS_BEFORE } from './policy-document';
import type { ValidityRule, ValidityTier } from './policy-document';

/**
 * Applies a brand's validity rule to one SIM. Pure: every function takes the moment it judges, so
 * the accounts subgraph (top-ups, charging, the lifecycle job) and the policies subgraph (the
 * `Account.validity` answer) reach the same verdict, and tests can move years forward.
 */

export const LIFECYCLE_PHASES = ['ACTIVE', 'INACTIVE', 'DEACTIVATED', 'TERMINATED'] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];

const SEVERITY: Record<LifecyclePhase, number> = { ACTIVE: 0, INACTIVE: 1, DEACTIVATED: 2, TERMINATED: 3 };

/** What the accounts subgraph stores about a SIM's validity (the columns of the same names). */
export interface ValidityState {
  /** The phase last applied to the account; it only moves back to ACTIVE through a top-up. */
  status: LifecyclePhase;
  /** End of the usable period as last computed by this engine; null when no end is known. */
  validUntil: Date | null;
  lastTopUpAt: Date | null;
  lastChargeableUseAt: Date | null;
  /** When the SIM was activated; the anchor for termination before the first top-up. */
  activatedAt: Date | null;
}

export interface PhaseSegment {
  phase: LifecyclePhase;
  /** Inclusive start; null for the first segment (since activation). */
  from: Date | null;
  /** Exclusive end; null when nothing is known to follow. */
  until: Date | null;
}

/** Facts the verdict needed but the policy does not know; named like the GraphQL fields. */
export type ValidityUnknown = 'validUntil' | 'nextTransition';

export interface PhaseReport {
  /** The phase at the given moment: the stored status or, if dates say it is further on, that. */
  phase: LifecyclePhase;
  /** Start of the current phase where the dates determine it. */
  since: Date | null;
  /** End of the usable (ACTIVE) period; null when unknown or there is none. */
  activeUntil: Date | null;
  nextPhase: LifecyclePhase | null;
  nextTransitionAt: Date | null;
  /** Whole days of validity left; 0 when not active; null when the end is unknown. */
  daysLeft: number | null;
  /** When the SIM is terminated for lack of top-ups (the latest end of the brand's range). */
  terminationAt: Date | null;
  /** The earliest the brand may terminate ("about 23-24 months"): notices are timed against it. */
  earliestTerminationAt: Date | null;
  unknown: ValidityUnknown[];
}

export type TopUpValidityOutcome = 'EXTENDED' | 'REACTIVATED' | 'UNCHANGED' | 'TERMINATED';

export type TopUpUnchangedReason =
  | 'EFFECT_UNKNOWN'
  | 'BELOW_LOWEST_TIER'
  | 'MONTHS_UNKNOWN'
  | 'REACTIVATION_NOT_ALLOWED'
  | 'REACTIVATION_UNKNOWN'
  | 'ALREADY_LONGER';

export interface TopUpValidityResult {
  /** The state to store. Unchanged when the outcome is TERMINATED. */
  state: ValidityState;
  outcome: TopUpValidityOutcome;
  /** Why the validity end did not move; null when it did. */
  reason: TopUpUnchangedReason | null;
  /** The tier the amount fell into, if any. */
  tier: ValidityTier | null;
  /** Phase of the SIM just before the top-up. */
  phaseBefore: LifecyclePhase;
}

export interface ChargeableUseResult {
  state: ValidityState;
  /** True when the connection moved the validity end later. */
  extended: boolean;
  /** NOT_ACTIVE: the SIM may not connect at all; the caller refuses with SIM_INACTIVE. */
  reason: 'NOT_ACTIVE' | 'RULE_DOES_NOT_EXTEND' | null;
}

export interface AdvanceNotice {
  /** Stable per notice and termination date, so a job can create each notice exactly once. */
  key: string;
  daysBefore: number;
  dueAt: Date;
  earliestTerminationAt: Date;
  terminationAt: Date;
  /** PLATFORM_DEFAULT when the brand's own notice schedule is unknown. */
  scheduleSource: 'POLICY' | 'PLATFORM_DEFAULT';
}

export function moreSevere(a: LifecyclePhase, b: LifecyclePhase): LifecyclePhase {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

const time = (date: Date | null): number => (date === null ? Number.NEGATIVE_INFINITY : date.getTime());

/** The state of a SIM that has just been activated. */
export function validityAtActivation(rule: ValidityRule, at: Date): ValidityState {
  return {
    status: 'ACTIVE',
    validUntil: rule.activationMonths === null ? null : addMonths(at, rule.activationMonths),
    lastTopUpAt: null,
    lastChargeableUseAt: null,
    activatedAt: at,
  };
}

/** The stored end, or the activation period when nothing has set one yet. */
function storedValidUntil(rule: ValidityRule, state: ValidityState): Date | null {
  if (state.validUntil) return state.validUntil;
  if (state.lastTopUpAt === null && state.activatedAt && rule.activationMonths !== null) {
    return addMonths(state.activatedAt, rule.activationMonths);
  }
  return null;
}

/** End of the usable period: the top-up validity, or later where recent chargeable use keeps the SIM alive. */
function activeEnd(rule: ValidityRule, state: ValidityState): Date | null {
  const stored = storedValidUntil(rule, state);
  const days = rule.chargeableUseKeepsActiveDays;
  const keptAlive = days !== null && state.lastChargeableUseAt ? addDays(state.lastChargeableUseAt, days) : null;
  return stored === null ? null : laterOf(stored, keptAlive);
}

function terminationDates(rule: ValidityRule, state: ValidityState): { earliest: Date; at: Date } | null {
  const anchor = state.lastTopUpAt ?? state.activatedAt;
  if (!rule.termination || !anchor) return null;
  // Terminating at the end of the range never cuts a SIM off before the brand would; notices are
  // timed against the start of the range so the customer is warned early enough either way.
  return {
    earliest: addMonths(anchor, rule.termination.monthsWithoutTopUpMin),
    at: addMonths(anchor, rule.termination.monthsWithoutTopUpMax),
  };
}

/** The phases a SIM will go through if nothing (top-up, chargeable use) happens any more. */
export function lifecycleTimeline(rule: ValidityRule, state: ValidityState): PhaseSegment[] {
  const end = activeEnd(rule, state);
  const segments: PhaseSegment[] = [{ phase: 'ACTIVE', from: null, until: end }];
  if (end) {
    const { inactiveMonths, then } = rule.afterExpiry;
    if (inactiveMonths === null || then === null) {
      // The brand's next step is unknown: the SIM is no longer valid, so it is inactive, with no known end.
      segments.push({ phase: 'INACTIVE', from: end, until: null });
    } else {
      const inactiveEnd = addMonths(end, inactiveMonths);
      if (inactiveMonths > 0) segments.push({ phase: 'INACTIVE', from: end, until: inactiveEnd });
      segments.push({ phase: then, from: inactiveEnd, until: null });
    }
  }
  const termination = terminationDates(rule, state);
  return termination ? terminateAt(segments, termination.at) : segments;
}

/** Ends the timeline with TERMINATED at `cut`, unless it reaches TERMINATED earlier anyway. */
function terminateAt(segments: PhaseSegment[], cut: Date): PhaseSegment[] {
  const result: PhaseSegment[] = [];
  for (const segment of segments) {
    if (time(segment.from) >= cut.getTime()) break;
    if (segment.phase === 'TERMINATED') return [...result, segment];
    result.push({ ...segment, until: earlierOf(segment.until, cut) });
  }
  return [...result, { phase: 'TERMINATED', from: cut, until: null }];
}

function segmentIndexAt(segments: PhaseSegment[], at: Date): number {
  const index = segments.findIndex((segment) => time(segment.from) <= at.getTime() && (segment.until === null || at.getTime() < segment.until.getTime()));
  return index === -1 ? segments.length - 1 : index;
}

/** Where the SIM stands at `at`: phase, validity end, the next transition and the days left. */
export function phaseAt(rule: ValidityRule, state: ValidityState, at: Date): PhaseReport {
  const segments = lifecycleTimeline(rule, state);
  const index = segmentIndexAt(segments, at);
  const current = segments[index]!;
  const phase = moreSevere(state.status, current.phase);
  const next =
    phase === current.phase
      ? segments[index + 1]
      : segments.slice(index + 1).find((segment) => SEVERITY[segment.phase] > SEVERITY[phase]);
  const first = segments[0]!;
  const activeUntil = first.phase === 'ACTIVE' ? first.until : null;
  const termination = terminationDates(rule, state);
  const unknown: ValidityUnknown[] = [];
  if (phase === 'ACTIVE' && activeUntil === null) unknown.push('validUntil');
  if (phase !== 'TERMINATED' && !next) unknown.push('nextTransition');
  return {
    phase,
    since: phase === current.phase ? current.from : null,
    activeUntil,
    nextPhase: next?.phase ?? null,
    nextTransitionAt: next?.from ?? null,
    daysLeft: phase !== 'ACTIVE' ? 0 : activeUntil === null ? null : wholeDaysBetween(at, activeUntil),
    terminationAt: termination?.at ?? null,
    earliestTerminationAt: termination?.earliest ?? null,
    unknown,
  };
}

function tierFor(tiers: readonly ValidityTier[], amountCents: number): ValidityTier | null {
  let match: ValidityTier | null = null;
  for (const tier of tiers) if (amountCents >= tier.minimumAmountCents) match = tier;
  return match;
}

/** What a top-up of `amountCents` at `at` does to the validity. Credit is added by the caller in every case but TERMINATED. */
export function validityAfterTopUp(rule: ValidityRule, state: ValidityState, amountCents: number, at: Date): TopUpValidityResult {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw new RangeError(`a top-up must be a positive whole number of cents, got ${amountCents}`);
  }
  const before = phaseAt(rule, state, at).phase;
  const tier = rule.topUp ? tierFor(rule.topUp.tiers, amountCents) : null;
  if (before === 'TERMINATED') {
    return { state: { ...state, status: 'TERMINATED' }, outcome: 'TERMINATED', reason: null, tier, phaseBefore: before };
  }
  // A top-up restarts the clock towards termination even when it cannot change the validity.
  const credited: ValidityState = { ...state, status: before, lastTopUpAt: at };
  const unchanged = (reason: TopUpUnchangedReason): TopUpValidityResult => ({
    state: credited,
    outcome: 'UNCHANGED',
    reason,
    tier,
    phaseBefore: before,
  });
  const topUp = rule.topUp;
  if (!topUp) return unchanged('EFFECT_UNKNOWN');
  if (before !== 'ACTIVE') {
    const allowed = before === 'INACTIVE' ? topUp.reactivatesInactive : topUp.reactivatesDeactivated;
    // Reactivate only where the brand allows it; the credit stays the customer's either way.
    if (allowed === false) return unchanged('REACTIVATION_NOT_ALLOWED');
    if (allowed === null) return unchanged('REACTIVATION_UNKNOWN');
  }
  if (!tier) return unchanged('BELOW_LOWEST_TIER');
  if (tier.months === null) return unchanged('MONTHS_UNKNOWN');

  const currentEnd = before === 'ACTIVE' ? storedValidUntil(rule, state) : null;
  const base = topUp.effect === 'EXTEND' ? (laterOf(currentEnd, at) ?? at) : at;
  let newEnd = addMonths(base, tier.months);
  if (topUp.maximumMonths !== null) newEnd = earlierOf(newEnd, addMonths(at, topUp.maximumMonths))!;
  // A top-up never shortens a validity the customer already has.
  if (currentEnd && currentEnd.getTime() >= newEnd.getTime()) return unchanged('ALREADY_LONGER');
  return {
    state: { ...credited, status: 'ACTIVE', validUntil: newEnd },
    outcome: before === 'ACTIVE' ? 'EXTENDED' : 'REACTIVATED',
    reason: null,
    tier,
    phaseBefore: before,
  };
}

/** What a chargeable connection at `at` does to the validity (CallYa: it keeps the SIM alive for 90 days). */
export function validityAfterChargeableUse(rule: ValidityRule, state: ValidityState, at: Date): ChargeableUseResult {
  const phase = phaseAt(rule, state, at).phase;
  if (phase !== 'ACTIVE') return { state: { ...state, status: phase }, extended: false, reason: 'NOT_ACTIVE' };
  const used: ValidityState = { ...state, lastChargeableUseAt: at };
  const days = rule.chargeableUseKeepsActiveDays;
  if (days === null) return { state: used, extended: false, reason: 'RULE_DOES_NOT_EXTEND' };
  const current = storedValidUntil(rule, state);
  const keptUntil = addDays(at, days);
  if (current === null) {
    // Without a known validity end there is nothing to extend; the use is still recorded.
    return { state: used, extended: false, reason: 'RULE_DOES_NOT_EXTEND' };
  }
  if (current.getTime() >= keptUntil.getTime()) return { state: used, extended: false, reason: null };
  return { state: { ...used, validUntil: keptUntil }, extended: true, reason: null };
}

/** Every advance notice planned before the SIM's termination, due or not. Empty when the brand does not terminate. */
export function noticeSchedule(rule: ValidityRule, state: ValidityState): AdvanceNotice[] {
  const termination = terminationDates(rule, state);
  if (!rule.termination || !termination) return [];
  const own = rule.termination.advanceNoticeDaysBefore;
  const days = [...(own ?? DEFAULT_ADVANCE_NOTICE_DAYS_BEFORE)].sort((a, b) => b - a);
  return days.map((daysBefore) => ({
    key: `termination:${termination.earliest.toISOString()}:${daysBefore}d`,
    daysBefore,
    dueAt: addDays(termination.earliest, -daysBefore),
    earliestTerminationAt: termination.earliest,
    terminationAt: termination.at,
    scheduleSource: own ? 'POLICY' : 'PLATFORM_DEFAULT',
  }));
}

/** The advance notices that are due at `at` and still make sense (the SIM is not terminated yet). */
export function noticesDue(rule: ValidityRule, state: ValidityState, at: Date): AdvanceNotice[] {
  if (phaseAt(rule, state, at).phase === 'TERMINATED') return [];
  return noticeSchedule(rule, state).filter(
    (notice) => notice.dueAt.getTime() <= at.getTime() && at.getTime() < notice.terminationAt.getTime(),
  );
}
