import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { DomainError } from '../../../common/src/errors';
import { Money } from '../../../common/src/money';
import type { PoliciesContext } from '../schema';
import type { BrandPolicyVersion } from '../services/policy.service';
import { BrandPolicyVersionType } from '../types/brand-policy-version.type';
import { BrandType } from '../types/brand.type';
import { TopUpOptionsType } from '../types/top-up-options.type';

const money = (cents: number | null): Money | null => (cents === null ? null : Money.ofCents(cents));

@Resolver(() => BrandType)
export class BrandPolicyResolver {
  @FieldResolver(() => BrandPolicyVersionType, { description: 'The policy version in force now.' })
  async policy(@Root() brand: BrandType, @Ctx() { loaders, services }: PoliciesContext): Promise<BrandPolicyVersion> {
    const current = services.policies.inForce(await loaders.policyVersionsByBrand.load(brand.code));
    if (!current) throw new DomainError('INTERNAL_SERVER_ERROR', `Brand ${brand.code} has no policy in force`);
    return current;
  }

  @FieldResolver(() => BrandPolicyVersionType, {
    nullable: true,
    description: 'The policy version that was (or will be) in force at a moment; past events are judged by it. Null before the first version.',
  })
  async policyAt(
    @Root() brand: BrandType,
    @Arg('at', () => Date, { description: 'The moment to look at, e.g. when a top-up happened.' }) at: Date,
    @Ctx() { loaders, services }: PoliciesContext,
  ): Promise<BrandPolicyVersion | null> {
    return services.policies.inForce(await loaders.policyVersionsByBrand.load(brand.code), at);
  }

  @FieldResolver(() => [BrandPolicyVersionType], { description: 'Every published version, newest first, including scheduled ones.' })
  async policyHistory(@Root() brand: BrandType, @Ctx() { loaders }: PoliciesContext): Promise<BrandPolicyVersion[]> {
    return [...(await loaders.policyVersionsByBrand.load(brand.code))].reverse();
  }

  @FieldResolver(() => TopUpOptionsType, { description: 'Top-up channels and the amounts each accepts, under the policy in force now.' })
  async topUpOptions(@Root() brand: BrandType, @Ctx() context: PoliciesContext): Promise<TopUpOptionsType> {
    const { topUp } = (await this.policy(brand, context)).policy;
    const bound = (channel: number | null, brandWide: number | null, pick: (a: number, b: number) => number): number | null =>
      channel === null ? brandWide : brandWide === null ? channel : pick(channel, brandWide);
    return {
      minimum: money(topUp.minimumCents),
      maximum: money(topUp.maximumCents),
      knownAmounts: topUp.knownAmountsCents.map((cents) => Money.ofCents(cents)),
      channelListComplete: topUp.channelListComplete,
      channels: topUp.channels.map((channel) => ({
        kind: channel.kind,
        exactAmounts: channel.exactAmountsCents?.map((cents) => Money.ofCents(cents)) ?? null,
        minimum: money(bound(channel.minimumCents, topUp.minimumCents, Math.max)),
        maximum: money(bound(channel.maximumCents, topUp.maximumCents, Math.min)),
        worksAbroad: channel.worksAbroad,
        contact: channel.contact,
        paymentMethods: channel.paymentMethods,
      })),
    };
  }
}
