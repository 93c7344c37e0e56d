import { Table, TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { autoIncrementId, timestampColumn, uuidColumn } from '../../../common/src/migration';
import { createOutboxTable } from '../../../common/src/outbox/outbox-table.migration-helper';

/** Validity lifecycle: notifications, the automatic top-up threshold and the outbox to payments and refunds. */
export class AddLifecycle1763800000030 implements MigrationInterface {
  name = 'AddLifecycle1763800000030';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'account',
      new TableColumn({ name: 'auto_top_up_threshold_cents', type: 'bigint', isNullable: true }),
    );
    // The lifecycle job walks the accounts that can still change phase, in id order.
    await queryRunner.createIndex('account', new TableIndex({ name: 'ix_account_status_id', columnNames: ['status', 'id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'notification',
        columns: [
          autoIncrementId(queryRunner),
          uuidColumn('account_id'),
          { name: 'kind', type: 'varchar', length: '64' },
          { name: 'message', type: 'varchar', length: '1000' },
          { name: 'reference', type: 'varchar', length: '160' },
          timestampColumn('created_at'),
          timestampColumn('read_at', true),
        ],
        indices: [
          new TableIndex({ name: 'uq_notification_account_reference', columnNames: ['account_id', 'reference'], isUnique: true }),
          new TableIndex({ name: 'ix_notification_account_id', columnNames: ['account_id', 'id'] }),
        ],
        foreignKeys: [
          { name: 'fk_notification_account', columnNames: ['account_id'], referencedTableName: 'account', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await createOutboxTable(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('outbox_message');
    await queryRunner.dropTable('notification');
    await queryRunner.dropIndex('account', 'ix_account_status_id');
    await queryRunner.dropColumn('account', 'auto_top_up_threshold_cents');
  }
}
