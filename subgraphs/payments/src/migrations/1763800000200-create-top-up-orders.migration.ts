import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { centsColumnOptions, timestampColumn, uuidColumn } from '../../../common/src/migration';

export class CreateTopUpOrders1763800000200 implements MigrationInterface {
  name = 'CreateTopUpOrders1763800000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'top_up_order',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('account_id'),
          { name: 'brand_code', type: 'varchar', length: '32' },
          centsColumnOptions('amount_cents'),
          { name: 'channel', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'idempotency_key', type: 'varchar', length: '128' },
          timestampColumn('created_at'),
          timestampColumn('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_top_up_order_account_created', columnNames: ['account_id', 'created_at'] }),
          new TableIndex({ name: 'uq_top_up_order_account_key', columnNames: ['account_id', 'idempotency_key'], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('top_up_order');
  }
}
