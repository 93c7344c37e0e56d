import { Field, Int, ObjectType } from 'type-graphql';
import type { LifecyclePhase } from '../../../common/src/policy/validity-engine';
import { AccountStatusEnum } from './policy-enums.type';

@ObjectType('AccountValidity', {
  description: 'How long the SIM stays usable and what comes next, under its brand\'s policy in force now. Unknown facts are null.',
})
export class AccountValidityType {
  @Field(() => Date, { nullable: true, description: 'End of the usable period; null when the brand\'s rule does not determine it.' })
  validUntil!: Date | null;

  @Field(() => AccountStatusEnum, { description: 'The phase the SIM is in now.' })
  phase!: LifecyclePhase;

  @Field(() => AccountStatusEnum, { nullable: true, description: 'The phase that follows if nothing happens; null when unknown or none.' })
  nextPhase!: LifecyclePhase | null;

  @Field(() => Date, { nullable: true, description: 'When the next phase starts; null when unknown or none.' })
  nextTransitionAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Whole days of validity left; 0 when not active; null when the end is unknown.' })
  daysLeft!: number | null;

  @Field(() => Date, { nullable: true, description: 'When the SIM is terminated without a further top-up; null when the brand does not terminate or it is unknown.' })
  terminationAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Earliest date the brand may terminate ("about 23-24 months"); advance notices are timed against it.',
  })
  earliestTerminationAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Latest date for the top-up the brand recommends (EDEKA smart: every 12 months); null when none.' })
  recommendedTopUpBy!: Date | null;

  @Field(() => String, { nullable: true, description: 'USSD code that shows this answer on the phone, e.g. *102# on O2; null when the brand has none known.' })
  validityQueryCode!: string | null;

  @Field(() => Int, { description: 'Version of the brand policy the answer was computed with.' })
  policyVersion!: number;

  @Field(() => [String], { description: 'Facts this answer needed but the brand\'s policy does not know, e.g. validUntil, nextTransition.' })
  unknownFacts!: string[];
}
