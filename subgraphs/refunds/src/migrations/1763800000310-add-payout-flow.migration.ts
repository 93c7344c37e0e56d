import { Table, TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { centsColumnOptions, timestampColumn, uuidColumn } from '../../../common/src/migration';
import { createOutboxTable } from '../../../common/src/outbox/outbox-table.migration-helper';

/** Waiver declarations with encrypted bank details, the payout lifecycle, standing orders and SEPA batches. */
export class AddPayoutFlow1763800000310 implements MigrationInterface {
  name = 'AddPayoutFlow1763800000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('payout', [
      new TableColumn({ name: 'holder_name', type: 'varchar', length: '70', isNullable: true }),
      new TableColumn({ name: 'iban_encrypted', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'initiated_by', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'quarter_label', type: 'varchar', length: '8', isNullable: true }),
      new TableColumn({ name: 'open_key', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'quarter_key', type: 'varchar', length: '48', isNullable: true }),
      new TableColumn({ name: 'payout_source', type: 'varchar', length: '16', default: "'REQUEST'" }),
      new TableColumn({ name: 'requested_by', type: 'varchar', length: '200', isNullable: true }),
      new TableColumn({ name: 'status_reason', type: 'varchar', length: '500', isNullable: true }),
      new TableColumn(timestampColumn('approved_at', true)),
      new TableColumn(timestampColumn('debited_at', true)),
      new TableColumn(uuidColumn('batch_id', { isNullable: true })),
      new TableColumn(timestampColumn('paid_at', true)),
      new TableColumn(timestampColumn('rejected_at', true)),
      new TableColumn(timestampColumn('failed_at', true)),
      new TableColumn(timestampColumn('returned_at', true)),
    ]);
    // NULLs never collide in a unique index (SQLite and MariaDB alike): only live keys are unique.
    await queryRunner.createIndex('payout', new TableIndex({ name: 'uq_payout_open_key', columnNames: ['open_key'], isUnique: true }));
    await queryRunner.createIndex('payout', new TableIndex({ name: 'uq_payout_quarter_key', columnNames: ['quarter_key'], isUnique: true }));
    await queryRunner.createIndex('payout', new TableIndex({ name: 'ix_payout_status_created', columnNames: ['status', 'created_at'] }));
    await queryRunner.createIndex('payout', new TableIndex({ name: 'ix_payout_batch', columnNames: ['batch_id'] }));

    await queryRunner.createTable(
      new Table({
        name: 'payout_entitlement',
        columns: [
          uuidColumn('account_id', { isPrimary: true }),
          { name: 'brand_code', type: 'varchar', length: '32' },
          timestampColumn('terminated_at'),
          { name: 'initiated_by', type: 'varchar', length: '16' },
          timestampColumn('created_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'payout_standing_order',
        columns: [
          uuidColumn('account_id', { isPrimary: true }),
          { name: 'brand_code', type: 'varchar', length: '32' },
          { name: 'holder_name', type: 'varchar', length: '70' },
          { name: 'iban_encrypted', type: 'varchar', length: '255' },
          timestampColumn('created_at'),
          timestampColumn('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'payout_batch',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'message_id', type: 'varchar', length: '35' },
          { name: 'execution_date', type: 'varchar', length: '10' },
          { name: 'transaction_count', type: 'int' },
          centsColumnOptions('control_sum_cents'),
          { name: 'created_by', type: 'varchar', length: '200' },
          timestampColumn('created_at'),
        ],
      }),
    );
    await createOutboxTable(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_message');
    await queryRunner.dropTable('payout_batch');
    await queryRunner.dropTable('payout_standing_order');
    await queryRunner.dropTable('payout_entitlement');
    for (const index of ['ix_payout_batch', 'ix_payout_status_created', 'uq_payout_quarter_key', 'uq_payout_open_key']) {
      await queryRunner.dropIndex('payout', index);
    }
    for (const column of [
      'returned_at', 'failed_at', 'rejected_at', 'paid_at', 'batch_id', 'debited_at', 'approved_at', 'status_reason',
      'requested_by', 'payout_source', 'quarter_key', 'open_key', 'quarter_label', 'initiated_by', 'iban_encrypted', 'holder_name',
    ]) {
      await queryRunner.dropColumn('payout', column);
    }
  }
}
