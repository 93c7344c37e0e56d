import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/src/errors';
import type { ValidityRule } from '../../../common/src/policy/policy-document';
import { phaseAt, validityAfterChargeableUse, validityAfterTopUp, validityAtActivation } from '../../../common/src/policy/validity-engine';
import type { ChargeableUseResult, PhaseReport, TopUpValidityResult, ValidityState } from '../../../common/src/policy/validity-engine';
import { AccountEntity } from '../entities/account.entity';
import type { PoliciesPort } from '../ports/policies.port';

/** The engine's view of an account: the columns of the same names, activation = opening. */
export function validityStateOf(account: AccountEntity): ValidityState {
  return {
    status: account.status,
    validUntil: account.validUntil,
    lastTopUpAt: account.lastTopUpAt,
    lastChargeableUseAt: account.lastChargeableUseAt,
    activatedAt: account.createdAt,
  };
}

export function simInactive(status: string): DomainError {
  return new DomainError('SIM_INACTIVE', 'SIM inaktiv: the SIM is not active and connects to nothing', { status });
}

/**
 * Applies the brand's validity rule (the policy in force at the event's time) to an account whose
 * row the caller holds locked, writing the result in the caller's transaction.
 */
export class ValidityService {
  constructor(private readonly policies: PoliciesPort) {}

  async ruleAt(brandCode: string, at: Date): Promise<ValidityRule> {
    return (await this.policies.policyAt(brandCode, at)).validity;
  }

  /** Validity end of a SIM activated at `at` (null when the brand's rule does not give one). */
  async initialValidUntil(brandCode: string, at: Date): Promise<Date | null> {
    return validityAtActivation(await this.ruleAt(brandCode, at), at).validUntil;
  }

  async phaseOf(account: AccountEntity, at: Date): Promise<PhaseReport> {
    return phaseAt(await this.ruleAt(account.brandCode, at), validityStateOf(account), at);
  }

  /**
   * Before a top-up's ledger entry: extends or restarts the validity, reactivates where the brand
   * allows it, and restarts the clock towards termination. A terminated contract takes no credit.
   */
  async applyTopUp(manager: EntityManager, account: AccountEntity, amountCents: number, at: Date): Promise<TopUpValidityResult> {
    const result = validityAfterTopUp(await this.ruleAt(account.brandCode, at), validityStateOf(account), amountCents, at);
    if (result.outcome === 'TERMINATED') {
      throw new DomainError('SIM_INACTIVE', 'The contract has ended: no top-up is accepted; remaining credit is paid out on request', {
        status: 'TERMINATED',
      });
    }
    await this.store(manager, account, result.state, at);
    return result;
  }

  /** A chargeable connection starts: refused unless the SIM is active; keeps it alive where the rule says so. */
  async applyChargeableUse(manager: EntityManager, account: AccountEntity, at: Date): Promise<ChargeableUseResult> {
    const result = await this.chargeableUseInMemory(account, at);
    await this.store(manager, account, result.state, at);
    return result;
  }

  /**
   * The same rule, applied to the locked in-memory account only: for a caller that writes the
   * account once anyway (charging start), so the validity change costs no UPDATE of its own.
   * The caller must persist status, statusChangedAt, validUntil, lastTopUpAt and lastChargeableUseAt.
   */
  async chargeableUseInMemory(account: AccountEntity, at: Date): Promise<ChargeableUseResult> {
    const result = validityAfterChargeableUse(await this.ruleAt(account.brandCode, at), validityStateOf(account), at);
    if (result.reason === 'NOT_ACTIVE') throw simInactive(result.state.status);
    this.assign(account, result.state, at);
    return result;
  }

  /** Refuses any connection (also zero-rated) once the rule says the SIM is no longer active, even before the job ran. */
  async assertUsable(account: AccountEntity, at: Date): Promise<void> {
    if (account.status !== 'ACTIVE') throw simInactive(account.status);
    const { phase } = await this.phaseOf(account, at);
    if (phase !== 'ACTIVE') throw simInactive(phase);
  }

  private assign(account: AccountEntity, state: ValidityState, at: Date): void {
    const statusChanged = state.status !== account.status;
    account.status = state.status;
    if (statusChanged) account.statusChangedAt = at;
    account.validUntil = state.validUntil;
    account.lastTopUpAt = state.lastTopUpAt;
    account.lastChargeableUseAt = state.lastChargeableUseAt;
    account.updatedAt = at;
  }

  private async store(manager: EntityManager, account: AccountEntity, state: ValidityState, at: Date): Promise<void> {
    this.assign(account, state, at);
    await manager.getRepository(AccountEntity).update(
      { id: account.id },
      {
        status: account.status,
        statusChangedAt: account.statusChangedAt,
        validUntil: account.validUntil,
        lastTopUpAt: account.lastTopUpAt,
        lastChargeableUseAt: account.lastChargeableUseAt,
        updatedAt: at,
      },
    );
  }
}
