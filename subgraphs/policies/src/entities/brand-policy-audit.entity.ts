import { Column, Entity, Generated, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

/** Who changed a brand's policy, when, and from what to what; written in the same transaction as the version. */
@Entity({ name: 'brand_policy_audit' })
export class BrandPolicyAuditEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintColumn })
  @Generated('increment')
  id!: number;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 32 })
  action!: string;

  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  @Column({ name: 'actor_role', type: 'varchar', length: 16 })
  actorRole!: string;

  @Column({ name: 'acted_at', type: 'datetime', precision: 3 })
  actedAt!: Date;

  @Column({ name: 'effective_from', type: 'datetime', precision: 3 })
  effectiveFrom!: Date;

  @Column({ name: 'before_version', type: 'int', nullable: true })
  beforeVersion!: number | null;

  @Column({ name: 'before_document', type: 'text', nullable: true })
  beforeDocument!: string | null;

  @Column({ name: 'after_document', type: 'text' })
  afterDocument!: string;
}
