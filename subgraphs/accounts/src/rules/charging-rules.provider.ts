import type { ChargingService } from '../entities/charging-session.entity';

export const DELAYED_CHARGE_CLASSES = ['ROAMING', 'PREMIUM', 'VALUE_ADDED'] as const;
export type DelayedChargeClass = (typeof DELAYED_CHARGE_CLASSES)[number];

export interface Tariff {
  /** Whole cents per unit (see ChargingService for the unit); 0 only when zero-rated. */
  unitPriceCents: number;
  /** Works without credit (e.g. WhatsApp texts on WHATSAPP_SIM, or data inside a data option). */
  zeroRated: boolean;
  /** Paid by a booked option: needs no credit, but is still a chargeable connection (validity rules count it). */
  coveredByOption?: boolean;
}

export const OPTION_KINDS = ['OPTION', 'PACKAGE'] as const;
export type OptionKind = (typeof OPTION_KINDS)[number];

/** Something a customer can book: a monthly option or a 6-/12-month package paid upfront. */
export interface OptionOffer {
  code: string;
  name: string;
  kind: OptionKind;
  /** Charged at booking and at every renewal, for the whole term. */
  feeCents: number;
  termMonths: number;
  /** Services that need no credit while the option runs. */
  covers: readonly ChargingService[];
}

/** Policy-backed rules answer asynchronously (the policies subgraph, cached); fixed ones at once. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The brand-dependent numbers charging needs. The default implementation reads them from the
 * policies subgraph (PolicyChargingRules); accounts reads them through this interface only, so tests
 * can inject fixed rules and nothing else changes.
 */
export interface ChargingRules {
  /** Below this available credit the caller is told to play the low-balance announcement. */
  lowBalanceThresholdCents(brandCode: string): MaybePromise<number>;
  /** BGH III ZR 33/14: only if the brand's terms say so, and only for these delayed classes. */
  allowsNegativeBalance(brandCode: string, chargeClass: DelayedChargeClass): MaybePromise<boolean>;
  tariff(brandCode: string, service: ChargingService): MaybePromise<Tariff>;
  /** How long a session's reservation lives without a report from the network. */
  sessionValidityMs(brandCode: string): MaybePromise<number>;
  /** The offer with this code for the brand, or null when the brand has none. */
  optionOffer(brandCode: string, code: string): MaybePromise<OptionOffer | null>;
}

/** Placeholder prices: the spec names no tariff, so these only make charging observable and testable. */
export const DEFAULT_UNIT_PRICES_CENTS: Record<ChargingService, number> = {
  VOICE: 9,
  SMS: 9,
  DATA: 24,
  WHATSAPP_TEXT: 24,
};

/** Placeholder offers (the spec names the kinds, not the prices); the same for every brand until policies has them. */
export const DEFAULT_OPTION_OFFERS: readonly OptionOffer[] = [
  { code: 'ALLNET_FLAT', name: 'Allnet Flat', kind: 'OPTION', feeCents: 999, termMonths: 1, covers: ['VOICE', 'SMS'] },
  { code: 'DATA_OPTION', name: 'Data option', kind: 'OPTION', feeCents: 499, termMonths: 1, covers: ['DATA', 'WHATSAPP_TEXT'] },
  { code: 'PACKAGE_6M', name: '6-month package', kind: 'PACKAGE', feeCents: 5400, termMonths: 6, covers: ['VOICE', 'SMS', 'DATA', 'WHATSAPP_TEXT'] },
  { code: 'PACKAGE_12M', name: '12-month package', kind: 'PACKAGE', feeCents: 9900, termMonths: 12, covers: ['VOICE', 'SMS', 'DATA', 'WHATSAPP_TEXT'] },
];

export const DEFAULT_LOW_BALANCE_THRESHOLD_CENTS = 200;
export const DEFAULT_SESSION_VALIDITY_MS = 15 * 60 * 1000;

export interface SpecChargingRulesOptions {
  /** Brands whose terms allow a negative balance for the given delayed classes. */
  negativeBalanceAllowed?: Partial<Record<string, readonly DelayedChargeClass[]>>;
  unitPricesCents?: Partial<Record<ChargingService, number>>;
  lowBalanceThresholdCents?: number;
  sessionValidityMs?: number;
  optionOffers?: readonly OptionOffer[];
}

/**
 * What docs/domain-rules.md states, and conservative defaults for what it does not:
 * no brand is documented to allow a negative balance, so none does unless configured.
 */
export class SpecChargingRules implements ChargingRules {
  private readonly negative: Partial<Record<string, readonly DelayedChargeClass[]>>;
  private readonly prices: Record<ChargingService, number>;
  private readonly threshold: number;
  private readonly validityMs: number;
  private readonly offers: readonly OptionOffer[];

  constructor(options: SpecChargingRulesOptions = {}) {
    this.negative = options.negativeBalanceAllowed ?? {};
    this.prices = { ...DEFAULT_UNIT_PRICES_CENTS, ...options.unitPricesCents };
    this.threshold = options.lowBalanceThresholdCents ?? DEFAULT_LOW_BALANCE_THRESHOLD_CENTS;
    this.validityMs = options.sessionValidityMs ?? DEFAULT_SESSION_VALIDITY_MS;
    this.offers = options.optionOffers ?? DEFAULT_OPTION_OFFERS;
  }

  lowBalanceThresholdCents(): number {
    return this.threshold;
  }

  allowsNegativeBalance(brandCode: string, chargeClass: DelayedChargeClass): boolean {
    return this.negative[brandCode]?.includes(chargeClass) ?? false;
  }

  tariff(brandCode: string, service: ChargingService): Tariff {
    // Spec section 1: WhatsApp texts are free on WhatsApp SIM; elsewhere they are ordinary data.
    if (service === 'WHATSAPP_TEXT' && brandCode === 'WHATSAPP_SIM') return { unitPriceCents: 0, zeroRated: true };
    return { unitPriceCents: this.unitPriceCents(service), zeroRated: false };
  }

  /** The placeholder price, for rules that take everything else from a brand policy. */
  unitPriceCents(service: ChargingService): number {
    return this.prices[service];
  }

  sessionValidityMs(): number {
    return this.validityMs;
  }

  optionOffer(_brandCode: string, code: string): OptionOffer | null {
    return this.offers.find((offer) => offer.code === code) ?? null;
  }
}
