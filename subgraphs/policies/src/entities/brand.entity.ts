import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'brand' })
export class BrandEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  network!: string | null;

  @Column({ name: 'balance_query_code', type: 'varchar', length: 16, nullable: true })
  balanceQueryCode!: string | null;

  @Column({ name: 'validity_query_code', type: 'varchar', length: 16, nullable: true })
  validityQueryCode!: string | null;

  @Column({ name: 'validity_summary', type: 'varchar', length: 500, nullable: true })
  validitySummary!: string | null;
}
