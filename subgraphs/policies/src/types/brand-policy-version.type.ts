import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BrandPolicyType } from './brand-policy.type';

@ObjectType('BrandPolicyVersion', { description: 'One published version of a brand\'s policy.' })
export class BrandPolicyVersionType {
  @Field(() => ID, { description: 'Code of the brand, e.g. O2.' })
  brandCode!: string;

  @Field(() => Int, { description: 'Version number, 1 for the catalogue from the domain rules, counting up per brand.' })
  version!: number;

  @Field({ description: 'From when this version governs events; an event is judged by the version in force at its time.' })
  effectiveFrom!: Date;

  @Field({ description: 'When the version was published.' })
  publishedAt!: Date;

  @Field(() => BrandPolicyType, { description: 'The policy document.' })
  policy!: BrandPolicyType;
}

@ObjectType('BrandPolicyAuditRecord', { description: 'A change to a brand\'s policy: who published what, when, replacing what.' })
export class BrandPolicyAuditRecordType {
  @Field(() => ID, { description: 'Stable id of the record.' })
  id!: string;

  @Field(() => ID, { description: 'Code of the brand.' })
  brandCode!: string;

  @Field(() => Int, { description: 'The version the change created.' })
  version!: number;

  @Field({ description: 'What happened: PUBLISHED by an admin, or SEEDED from the catalogue by a migration.' })
  action!: string;

  @Field({ description: 'Who made the change: the principal\'s subject, or system:catalogue.' })
  actor!: string;

  @Field({ description: 'Role the actor had.' })
  actorRole!: string;

  @Field({ description: 'When the change was made.' })
  at!: Date;

  @Field({ description: 'From when the new version governs events.' })
  effectiveFrom!: Date;

  @Field(() => Int, { nullable: true, description: 'The latest version before the change; null for the first.' })
  beforeVersion!: number | null;

  @Field(() => BrandPolicyType, { nullable: true, description: 'The policy before the change; null for the first version.' })
  before!: BrandPolicyType | null;

  @Field(() => BrandPolicyType, { description: 'The policy after the change.' })
  after!: BrandPolicyType;

  @Field(() => [String], { description: 'Paths of the fields that differ between before and after, e.g. validity.topUp.tiers[0].months.' })
  changedFields!: string[];
}
