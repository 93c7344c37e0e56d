import type { Clock } from '../../../common/src/clock';
import type { PolicyDocument } from '../../../common/src/policy/policy-document';
import type { ChargingService } from '../entities/charging-session.entity';
import type { PoliciesPort } from '../ports/policies.port';
import { SpecChargingRules } from './charging-rules.provider';
import type { ChargingRules, DelayedChargeClass, OptionOffer, Tariff } from './charging-rules.provider';

/** Which charging services a policy's zero-rated service covers. */
const ZERO_RATED_CHARGING_SERVICES: Record<PolicyDocument['zeroRatedServices'][number], readonly ChargingService[]> = {
  WHATSAPP_MESSAGES: ['WHATSAPP_TEXT'],
};

/**
 * Charging rules from the brand policy in force now: low-balance threshold, negative-balance
 * classes and zero-rated services. Policies have no prices, session validity or option catalogue
 * yet, so those (and a threshold the policy leaves unknown) come from the fallback rules.
 */
export class PolicyChargingRules implements ChargingRules {
  constructor(
    private readonly policies: PoliciesPort,
    private readonly clock: Clock,
    private readonly fallback: SpecChargingRules = new SpecChargingRules(),
  ) {}

  async lowBalanceThresholdCents(brandCode: string): Promise<number> {
    const policy = await this.policy(brandCode);
    return policy.lowBalanceThresholdCents ?? this.fallback.lowBalanceThresholdCents();
  }

  async allowsNegativeBalance(brandCode: string, chargeClass: DelayedChargeClass): Promise<boolean> {
    const policy = await this.policy(brandCode);
    return policy.negativeBalanceServiceClasses.includes(chargeClass);
  }

  async tariff(brandCode: string, service: ChargingService): Promise<Tariff> {
    const policy = await this.policy(brandCode);
    const zeroRated = policy.zeroRatedServices.some((free) => ZERO_RATED_CHARGING_SERVICES[free].includes(service));
    return zeroRated ? { unitPriceCents: 0, zeroRated: true } : { unitPriceCents: this.fallback.unitPriceCents(service), zeroRated: false };
  }

  sessionValidityMs(): number {
    return this.fallback.sessionValidityMs();
  }

  optionOffer(brandCode: string, code: string): OptionOffer | null {
    return this.fallback.optionOffer(brandCode, code);
  }

  private policy(brandCode: string): Promise<PolicyDocument> {
    return this.policies.policyAt(brandCode, this.clock.now());
  }
}
