import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { centsColumnOptions, timestampColumn, uuidColumn } from '../../../common/src/migration';

export class CreatePayouts1763800000300 implements MigrationInterface {
  name = 'CreatePayouts1763800000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'payout',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('account_id'),
          { name: 'brand_code', type: 'varchar', length: '32' },
          centsColumnOptions('amount_cents'),
          { name: 'reason', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          timestampColumn('created_at'),
          timestampColumn('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ix_payout_account_created', columnNames: ['account_id', 'created_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('payout');
  }
}
