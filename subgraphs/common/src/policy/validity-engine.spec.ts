import { validityRuleSchema } from './policy-document';
import type { ValidityRule } from './policy-document';
import {
  lifecycleTimeline,
  noticeSchedule,
  noticesDue,
  phaseAt,
  validityAfterChargeableUse,
  validityAfterTopUp,
  validityAtActivation,
} from './validity-engine';
import type { LifecyclePhase, PhaseReport, TopUpUnchangedReason, TopUpValidityOutcome, ValidityState } from './validity-engine';

/** Section 5 of docs/domain-rules.md, written as rules of the engine; unknown parts stay null. */
const UNKNOWN: ValidityRule = {
  activationMonths: null,
  topUp: null,
  chargeableUseKeepsActiveDays: null,
  afterExpiry: { inactiveMonths: null, then: null },
  termination: null,
  recommendedTopUpIntervalMonths: null,
};
const restart = (tiers: [number, number | null][], extra: Partial<NonNullable<ValidityRule['topUp']>> = {}): ValidityRule['topUp'] => ({
  effect: 'RESTART',
  tiers: tiers.map(([minimumAmountCents, months]) => ({ minimumAmountCents, months, atLeast: false })),
  maximumMonths: null,
  reactivatesInactive: null,
  reactivatesDeactivated: null,
  ...extra,
});

const RULES = {
  telekom: { ...UNKNOWN, termination: { monthsWithoutTopUpMin: 23, monthsWithoutTopUpMax: 24, advanceNoticeMinimumCount: 2, advanceNoticeDaysBefore: null } },
  congstar: { ...UNKNOWN, topUp: restart([[1, 15]]) },
  callya: {
    ...UNKNOWN,
    topUp: { ...restart([[1, null]])!, tiers: [{ minimumAmountCents: 1, months: null, atLeast: false }, { minimumAmountCents: 2500, months: 15, atLeast: true }] },
    chargeableUseKeepsActiveDays: 90,
  },
  o2: { ...UNKNOWN, activationMonths: 6, topUp: { ...restart([[1, 6]])!, effect: 'EXTEND' } },
  aldi: { ...UNKNOWN, topUp: restart([[1, null], [1500, 12], [3000, 24]], { maximumMonths: 24 }) },
  lidl: { ...UNKNOWN, activationMonths: 12, topUp: restart([[1, 12]], { reactivatesInactive: true }), afterExpiry: { inactiveMonths: 1, then: 'DEACTIVATED' } },
  edeka: {
    ...UNKNOWN,
    topUp: restart([[1, 15]]),
    termination: { monthsWithoutTopUpMin: 15, monthsWithoutTopUpMax: 15, advanceNoticeMinimumCount: null, advanceNoticeDaysBefore: null },
    recommendedTopUpIntervalMonths: 12,
  },
  unknown: UNKNOWN,
} satisfies Record<string, ValidityRule>;

type Expectation = Partial<{
  phase: LifecyclePhase;
  activeUntil: string | null;
  nextPhase: LifecyclePhase | null;
  nextTransitionAt: string | null;
  daysLeft: number | null;
  terminationAt: string | null;
  unknown: PhaseReport['unknown'];
}>;

interface Step {
  at: string;
  topUp?: number;
  use?: true;
  /** The lifecycle job applied a phase (accounts does this; here it is simulated). */
  applyStatus?: LifecyclePhase;
  outcome?: TopUpValidityOutcome;
  reason?: TopUpUnchangedReason | 'NOT_ACTIVE' | 'RULE_DOES_NOT_EXTEND' | null;
  expect?: Expectation;
  /** daysBefore of the notices due at this moment. */
  notices?: number[];
}

interface Row {
  name: string;
  rule: ValidityRule;
  activatedAt: string;
  steps: Step[];
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());
const d = (day: string): string => `${day}T09:00:00.000Z`;

const TABLE: Row[] = [
  {
    name: 'Telekom: terminated about 23-24 months after the last top-up, with several notices before',
    rule: RULES.telekom,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-03-01'), topUp: 1500, outcome: 'UNCHANGED', reason: 'EFFECT_UNKNOWN',
        expect: { phase: 'ACTIVE', nextPhase: 'TERMINATED', nextTransitionAt: d('2027-03-01'), activeUntil: d('2027-03-01'), terminationAt: d('2027-03-01') }, notices: [] },
      { at: d('2026-12-06'), notices: [] },
      { at: d('2026-12-07'), expect: { phase: 'ACTIVE' }, notices: [56] },
      { at: d('2027-01-04'), notices: [56, 28] },
      { at: d('2027-02-15'), expect: { phase: 'ACTIVE', daysLeft: 14 }, notices: [56, 28, 7] },
      { at: d('2027-03-01'), expect: { phase: 'TERMINATED', nextPhase: null, daysLeft: 0, unknown: [] }, notices: [] },
      { at: d('2027-04-01'), topUp: 1500, outcome: 'TERMINATED', expect: { phase: 'TERMINATED' } },
    ],
  },
  {
    name: 'congstar: a top-up within 15 months keeps the SIM active',
    rule: RULES.congstar,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-01-10'), expect: { phase: 'ACTIVE', activeUntil: null, unknown: ['validUntil', 'nextTransition'] } },
      { at: d('2025-02-01'), topUp: 1500, outcome: 'EXTENDED', expect: { activeUntil: d('2026-05-01'), nextPhase: 'INACTIVE', nextTransitionAt: d('2026-05-01') } },
      { at: d('2026-01-01'), topUp: 500, outcome: 'EXTENDED', expect: { activeUntil: d('2027-04-01') } },
      { at: d('2027-03-31'), expect: { phase: 'ACTIVE', daysLeft: 1 } },
      { at: d('2027-04-01'), expect: { phase: 'INACTIVE', daysLeft: 0, nextPhase: null, unknown: ['nextTransition'] } },
      { at: d('2027-06-01'), topUp: 1500, outcome: 'UNCHANGED', reason: 'REACTIVATION_UNKNOWN', expect: { phase: 'INACTIVE' } },
    ],
  },
  {
    name: 'Vodafone CallYa: 25 EUR gives at least 15 months; a chargeable connection every 90 days keeps it active',
    rule: RULES.callya,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-01-10'), topUp: 1000, outcome: 'UNCHANGED', reason: 'MONTHS_UNKNOWN' },
      { at: d('2025-01-10'), topUp: 2500, outcome: 'EXTENDED', expect: { activeUntil: d('2026-04-10'), daysLeft: 455 } },
      { at: d('2026-03-01'), use: true, reason: null, expect: { activeUntil: d('2026-05-30') } },
      { at: d('2026-05-20'), use: true, reason: null, expect: { activeUntil: d('2026-08-18') } },
      { at: d('2026-08-17'), expect: { phase: 'ACTIVE', nextPhase: 'INACTIVE', nextTransitionAt: d('2026-08-18') } },
      { at: d('2026-08-18'), expect: { phase: 'INACTIVE', nextPhase: null } },
      { at: d('2026-08-19'), use: true, reason: 'NOT_ACTIVE' },
      { at: d('2027-03-01'), expect: { phase: 'INACTIVE', daysLeft: 0 } },
    ],
  },
  {
    name: 'O2: valid 6 months; each top-up adds 6 months, even 1 cent',
    rule: RULES.o2,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-01-10'), expect: { phase: 'ACTIVE', activeUntil: d('2025-07-10'), daysLeft: 181 } },
      { at: d('2025-03-01'), topUp: 1, outcome: 'EXTENDED', expect: { activeUntil: d('2026-01-10') } },
      { at: d('2025-04-01'), topUp: 1, outcome: 'EXTENDED', expect: { activeUntil: d('2026-07-10') } },
      { at: d('2026-07-09'), expect: { phase: 'ACTIVE', daysLeft: 1, nextPhase: 'INACTIVE', nextTransitionAt: d('2026-07-10') } },
      { at: d('2026-07-10'), expect: { phase: 'INACTIVE' } },
      { at: d('2027-02-10'), expect: { phase: 'INACTIVE', nextPhase: null } },
    ],
  },
  {
    name: 'ALDI Talk: 15 EUR gives 12 months, 30 EUR gives 24 months (maximum)',
    rule: RULES.aldi,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-01-10'), topUp: 1000, outcome: 'UNCHANGED', reason: 'MONTHS_UNKNOWN', expect: { activeUntil: null } },
      { at: d('2025-01-10'), topUp: 1500, outcome: 'EXTENDED', expect: { activeUntil: d('2026-01-10') } },
      { at: d('2025-06-10'), topUp: 3000, outcome: 'EXTENDED', expect: { activeUntil: d('2027-06-10') } },
      { at: d('2025-07-10'), topUp: 1500, outcome: 'UNCHANGED', reason: 'ALREADY_LONGER', expect: { activeUntil: d('2027-06-10') } },
      { at: d('2025-08-10'), topUp: 10000, outcome: 'EXTENDED', expect: { activeUntil: d('2027-08-10') } },
      { at: d('2027-08-09'), expect: { phase: 'ACTIVE' } },
      { at: d('2027-08-10'), expect: { phase: 'INACTIVE' } },
    ],
  },
  {
    name: 'LIDL Connect without a top-up: 12 months usable, 1 month inactive, then deactivated',
    rule: RULES.lidl,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-01-10'), expect: { phase: 'ACTIVE', activeUntil: d('2026-01-10'), nextPhase: 'INACTIVE' } },
      { at: d('2026-01-09'), expect: { phase: 'ACTIVE', nextTransitionAt: d('2026-01-10') } },
      { at: d('2026-01-10'), applyStatus: 'INACTIVE', expect: { phase: 'INACTIVE', nextPhase: 'DEACTIVATED', nextTransitionAt: d('2026-02-10') } },
      { at: d('2026-02-10'), applyStatus: 'DEACTIVATED', expect: { phase: 'DEACTIVATED', nextPhase: null } },
      { at: d('2026-03-01'), topUp: 1500, outcome: 'UNCHANGED', reason: 'REACTIVATION_UNKNOWN', expect: { phase: 'DEACTIVATED' } },
      { at: d('2027-03-01'), expect: { phase: 'DEACTIVATED' } },
    ],
  },
  {
    name: 'LIDL Connect: a top-up in the inactive month restarts the 12 months',
    rule: RULES.lidl,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-05-10'), topUp: 500, outcome: 'EXTENDED', expect: { activeUntil: d('2026-05-10') } },
      { at: d('2026-05-20'), applyStatus: 'INACTIVE', expect: { phase: 'INACTIVE', nextTransitionAt: d('2026-06-10') } },
      { at: d('2026-05-25'), topUp: 100, outcome: 'REACTIVATED', expect: { phase: 'ACTIVE', activeUntil: d('2027-05-25') } },
      { at: d('2027-05-25'), expect: { phase: 'INACTIVE' } },
      { at: d('2027-06-25'), expect: { phase: 'DEACTIVATED' } },
    ],
  },
  {
    name: 'EDEKA smart: 15 months after each top-up, terminated after 15 months without one',
    rule: RULES.edeka,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-01-10'), topUp: 1500, outcome: 'EXTENDED',
        expect: { activeUntil: d('2026-04-10'), nextPhase: 'TERMINATED', nextTransitionAt: d('2026-04-10'), terminationAt: d('2026-04-10') } },
      { at: d('2026-02-13'), notices: [56] },
      { at: d('2026-03-10'), topUp: 1500, outcome: 'EXTENDED', expect: { activeUntil: d('2027-06-10'), terminationAt: d('2027-06-10') }, notices: [] },
      { at: d('2027-06-03'), notices: [56, 28, 7] },
      { at: d('2027-06-10'), expect: { phase: 'TERMINATED' }, notices: [] },
    ],
  },
  {
    name: 'Fonic, Fonic Mobile, Blau, Netzclub, WhatsApp SIM: validity unknown, reported as unknown',
    rule: RULES.unknown,
    activatedAt: d('2025-01-10'),
    steps: [
      { at: d('2025-02-01'), topUp: 1500, outcome: 'UNCHANGED', reason: 'EFFECT_UNKNOWN' },
      { at: d('2027-08-01'), expect: { phase: 'ACTIVE', activeUntil: null, daysLeft: null, terminationAt: null, unknown: ['validUntil', 'nextTransition'] }, notices: [] },
    ],
  },
];

describe('validity engine: section 5, one row per brand rule', () => {
  it.each(TABLE.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    expect(validityRuleSchema.safeParse(row.rule).success).toBe(true);
    let state: ValidityState = validityAtActivation(row.rule, new Date(row.activatedAt));
    for (const step of row.steps) {
      const at = new Date(step.at);
      const label = `${row.name} @ ${step.at}`;
      if (step.applyStatus) state = { ...state, status: step.applyStatus };
      if (step.topUp !== undefined) {
        const result = validityAfterTopUp(row.rule, state, step.topUp, at);
        expect({ label, outcome: result.outcome }).toEqual({ label, outcome: step.outcome });
        if (step.reason !== undefined) expect({ label, reason: result.reason }).toEqual({ label, reason: step.reason });
        state = result.state;
      }
      if (step.use) {
        const result = validityAfterChargeableUse(row.rule, state, at);
        if (step.reason !== undefined) expect({ label, reason: result.reason }).toEqual({ label, reason: step.reason });
        state = result.state;
      }
      if (step.expect) {
        const report = phaseAt(row.rule, state, at);
        const actual = {
          phase: report.phase,
          activeUntil: iso(report.activeUntil),
          nextPhase: report.nextPhase,
          nextTransitionAt: iso(report.nextTransitionAt),
          daysLeft: report.daysLeft,
          terminationAt: iso(report.terminationAt),
          unknown: report.unknown,
        };
        expect({ label, ...actual }).toMatchObject({ label, ...step.expect });
      }
      if (step.notices) {
        expect({ label, notices: noticesDue(row.rule, state, at).map((notice) => notice.daysBefore) }).toEqual({ label, notices: step.notices });
      }
    }
  });
});

describe('validity engine: mechanics', () => {
  const state = (overrides: Partial<ValidityState> = {}): ValidityState => ({
    status: 'ACTIVE',
    validUntil: null,
    lastTopUpAt: null,
    lastChargeableUseAt: null,
    activatedAt: new Date('2025-01-01T00:00:00.000Z'),
    ...overrides,
  });

  it('clamps month ends: a top-up on 31 August with 6 months runs to 28 February', () => {
    const sixMonths: ValidityRule = { ...UNKNOWN, topUp: restart([[1, 6]]) };
    const result = validityAfterTopUp(sixMonths, state({ validUntil: new Date('2025-09-01T00:00:00.000Z') }), 1, new Date('2025-08-31T12:00:00.000Z'));
    expect(result.state.validUntil).toEqual(new Date('2026-02-28T12:00:00.000Z'));
  });

  it('extends O2 from the current end while valid, and from the top-up once the end has passed', () => {
    const valid = validityAfterTopUp(RULES.o2, state({ validUntil: new Date('2025-05-01T00:00:00.000Z') }), 1, new Date('2025-04-01T00:00:00.000Z'));
    expect(valid.state.validUntil).toEqual(new Date('2025-11-01T00:00:00.000Z'));
    const o2Reactivating: ValidityRule = { ...RULES.o2, topUp: { ...RULES.o2.topUp!, reactivatesInactive: true } };
    const lapsed = validityAfterTopUp(o2Reactivating, state({ validUntil: new Date('2025-05-01T00:00:00.000Z') }), 1, new Date('2025-06-15T00:00:00.000Z'));
    expect(lapsed.outcome).toBe('REACTIVATED');
    expect(lapsed.state.validUntil).toEqual(new Date('2025-12-15T00:00:00.000Z'));
  });

  it('never reactivates where the brand forbids it, but still records the top-up', () => {
    const forbidding: ValidityRule = { ...RULES.lidl, topUp: { ...RULES.lidl.topUp!, reactivatesInactive: false } };
    const at = new Date('2026-01-20T00:00:00.000Z');
    const result = validityAfterTopUp(forbidding, state({ validUntil: new Date('2026-01-10T00:00:00.000Z') }), 1500, at);
    expect(result).toMatchObject({ outcome: 'UNCHANGED', reason: 'REACTIVATION_NOT_ALLOWED', phaseBefore: 'INACTIVE' });
    expect(result.state).toMatchObject({ status: 'INACTIVE', lastTopUpAt: at, validUntil: new Date('2026-01-10T00:00:00.000Z') });
  });

  it('keeps a stored phase that is further on than the dates say, until a top-up reactivates it', () => {
    const report = phaseAt(RULES.lidl, state({ status: 'DEACTIVATED', validUntil: new Date('2030-01-01T00:00:00.000Z') }), new Date('2025-06-01T00:00:00.000Z'));
    expect(report).toMatchObject({ phase: 'DEACTIVATED', daysLeft: 0, nextPhase: null });
  });

  it('rejects non-positive and fractional top-up amounts', () => {
    expect(() => validityAfterTopUp(RULES.o2, state(), 0, new Date())).toThrow(RangeError);
    expect(() => validityAfterTopUp(RULES.o2, state(), 1.5, new Date())).toThrow(RangeError);
  });

  it('does not let chargeable use extend validity on a brand whose rule does not say so', () => {
    const at = new Date('2025-03-01T00:00:00.000Z');
    const result = validityAfterChargeableUse(RULES.congstar, state({ validUntil: new Date('2025-04-01T00:00:00.000Z') }), at);
    expect(result).toMatchObject({ extended: false, reason: 'RULE_DOES_NOT_EXTEND' });
    expect(result.state.validUntil).toEqual(new Date('2025-04-01T00:00:00.000Z'));
    expect(result.state.lastChargeableUseAt).toEqual(at);
  });

  it('uses the brand\'s own notice schedule when it has one, keyed by the termination date', () => {
    const rule: ValidityRule = { ...RULES.telekom, termination: { ...RULES.telekom.termination, advanceNoticeDaysBefore: [30, 90] } };
    const schedule = noticeSchedule(rule, state({ lastTopUpAt: new Date('2025-01-01T00:00:00.000Z') }));
    expect(schedule.map((notice) => [notice.daysBefore, notice.dueAt.toISOString(), notice.scheduleSource])).toEqual([
      [90, '2026-09-02T00:00:00.000Z', 'POLICY'],
      [30, '2026-11-01T00:00:00.000Z', 'POLICY'],
    ]);
    expect(new Set(schedule.map((notice) => notice.key)).size).toBe(2);
    expect(schedule[0]!.terminationAt).toEqual(new Date('2027-01-01T00:00:00.000Z'));
  });

  it('goes straight from ACTIVE to TERMINATED when the inactive phase is followed by termination without delay', () => {
    const rule: ValidityRule = { ...UNKNOWN, activationMonths: 3, afterExpiry: { inactiveMonths: 0, then: 'TERMINATED' } };
    expect(lifecycleTimeline(rule, validityAtActivation(rule, new Date('2025-01-01T00:00:00.000Z')))).toEqual([
      { phase: 'ACTIVE', from: null, until: new Date('2025-04-01T00:00:00.000Z') },
      { phase: 'TERMINATED', from: new Date('2025-04-01T00:00:00.000Z'), until: null },
    ]);
  });

  it('cuts a longer timeline at termination', () => {
    const rule: ValidityRule = { ...RULES.lidl, termination: { monthsWithoutTopUpMin: 12, monthsWithoutTopUpMax: 12, advanceNoticeMinimumCount: null, advanceNoticeDaysBefore: null } };
    const timeline = lifecycleTimeline(rule, validityAtActivation(rule, new Date('2025-01-01T00:00:00.000Z')));
    expect(timeline.map((segment) => [segment.phase, iso(segment.from)])).toEqual([
      ['ACTIVE', null],
      ['TERMINATED', '2026-01-01T00:00:00.000Z'],
    ]);
  });
});
