import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { bigintColumn } from '../../../common/src/data-source';

/** One published version of a brand's policy. Rows are never updated: a change is a new version. */
@Entity({ name: 'brand_policy' })
@Index('uq_brand_policy_brand_version', ['brandCode', 'version'], { unique: true })
export class BrandPolicyEntity {
  @PrimaryColumn({ type: 'bigint', transformer: bigintColumn })
  @Generated('increment')
  id!: number;

  @Column({ name: 'brand_code', type: 'varchar', length: 32 })
  brandCode!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ name: 'effective_from', type: 'datetime', precision: 3 })
  effectiveFrom!: Date;

  /** The policy document as JSON, validated by the zod schema on the way in and out. */
  @Column({ type: 'text' })
  document!: string;

  @Column({ name: 'published_at', type: 'datetime', precision: 3 })
  publishedAt!: Date;

  @Column({ name: 'published_by', type: 'varchar', length: 200 })
  publishedBy!: string;
}
