import { Table } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { BRAND_CATALOGUE } from '../catalogue/brand-catalogue';

export class CreateBrands1763800000100 implements MigrationInterface {
  name = 'CreateBrands1763800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'brand',
        columns: [
          { name: 'code', type: 'varchar', length: '32', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'network', type: 'varchar', length: '16', isNullable: true },
          { name: 'balance_query_code', type: 'varchar', length: '16', isNullable: true },
          { name: 'validity_query_code', type: 'varchar', length: '16', isNullable: true },
          { name: 'validity_summary', type: 'varchar', length: '500', isNullable: true },
        ],
      }),
    );
    // The catalogue is reference data from the domain rules, so it ships with the schema.
    for (const brand of BRAND_CATALOGUE) {
      await queryRunner.query(
        'INSERT INTO brand (code, name, network, balance_query_code, validity_query_code, validity_summary) VALUES (?, ?, ?, ?, ?, ?)',
        [brand.code, brand.name, brand.network, brand.balanceQueryCode, brand.validityQueryCode, brand.validitySummary],
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('brand');
  }
}
