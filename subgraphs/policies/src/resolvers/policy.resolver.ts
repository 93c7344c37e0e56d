import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Allow } from '../../../common/src/access';
import type { PoliciesContext } from '../schema';
import type { BrandPolicyAuditRecord, BrandPolicyVersion } from '../services/policy.service';
import { BrandPolicyAuditRecordType, BrandPolicyVersionType } from '../types/brand-policy-version.type';
import { BrandPolicyInput } from '../types/brand-policy.type';

@Resolver()
export class PolicyResolver {
  @Allow('service')
  @Query(() => [BrandPolicyVersionType], {
    description: 'For other subgraphs: the policy version of each brand in force at a moment, in the order of the codes asked for.',
  })
  brandPolicies(
    @Arg('codes', () => [ID], { description: 'Brand codes, e.g. ["O2", "ALDI_TALK"].' }) codes: string[],
    @Arg('at', () => Date, { nullable: true, description: 'The moment to judge (e.g. when the event happened); now when omitted.' })
    at: Date | null,
    @Ctx() { services }: PoliciesContext,
  ): Promise<BrandPolicyVersion[]> {
    return services.policies.inForceFor(codes, at ?? null);
  }

  @Allow('admin', 'operator')
  @Query(() => [BrandPolicyAuditRecordType], { description: 'Changes to brand policies, newest first.' })
  brandPolicyAudit(
    @Arg('brand', () => ID, { nullable: true, description: 'Only this brand\'s changes; all brands when omitted.' }) brand: string | null,
    @Arg('first', () => Int, { defaultValue: 50, description: 'How many records to return (1-500).' }) first: number,
    @Ctx() { services }: PoliciesContext,
  ): Promise<BrandPolicyAuditRecord[]> {
    return services.policies.auditTrail(brand ?? null, first);
  }

  @Allow('admin')
  @Mutation(() => BrandPolicyVersionType, { description: 'Publishes a new version of a brand\'s policy; validated and audited.' })
  publishBrandPolicy(
    @Arg('brand', () => ID, { description: 'Code of the brand, e.g. O2.' }) brand: string,
    @Arg('effectiveFrom', () => Date, {
      nullable: true,
      description: 'From when the version governs events; not in the past. Immediate when omitted.',
    })
    effectiveFrom: Date | null,
    @Arg('policy', () => BrandPolicyInput, { description: 'The complete policy document.' }) policy: BrandPolicyInput,
    @Ctx() { principal, services }: PoliciesContext,
  ): Promise<BrandPolicyVersion> {
    return services.policies.publish(principal, brand, effectiveFrom ?? null, policy);
  }
}
