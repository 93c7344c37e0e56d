import { Table, TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { centsColumnOptions, timestampColumn, uuidColumn } from '../../../common/src/migration';
import { createOutboxTable } from '../../../common/src/outbox/outbox-table.migration-helper';

export class AddPaymentFlow1763800000210 implements MigrationInterface {
  name = 'AddPaymentFlow1763800000210';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('top_up_order', [
      new TableColumn({ name: 'request_fingerprint', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'payment_token', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'payment_method', type: 'varchar', length: '24', isNullable: true }),
      new TableColumn({ name: 'failure_reason', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'auto_top_up_rule_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn(timestampColumn('expires_at', true)),
      new TableColumn(timestampColumn('paid_at', true)),
      new TableColumn(timestampColumn('credited_at', true)),
      new TableColumn(timestampColumn('failed_at', true)),
      new TableColumn(timestampColumn('expired_at', true)),
      new TableColumn(timestampColumn('canceled_at', true)),
    ]);
    await queryRunner.createIndex(
      'top_up_order',
      new TableIndex({ name: 'uq_top_up_order_payment_token', columnNames: ['payment_token'], isUnique: true }),
    );
    await queryRunner.createIndex(
      'top_up_order',
      new TableIndex({ name: 'ix_top_up_order_status_expires', columnNames: ['status', 'expires_at'] }),
    );
    await queryRunner.createIndex(
      'top_up_order',
      new TableIndex({ name: 'ix_top_up_order_brand_created', columnNames: ['brand_code', 'created_at'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'payment_event',
        columns: [
          { name: 'event_id', type: 'varchar', length: '64', isPrimary: true },
          uuidColumn('order_id'),
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'outcome', type: 'varchar', length: '120' },
          timestampColumn('received_at'),
        ],
      }),
    );
    await createOutboxTable(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'whatsapp_message',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'direction', type: 'varchar', length: '8' },
          { name: 'msisdn', type: 'varchar', length: '16' },
          { name: 'provider_message_id', type: 'varchar', length: '128', isNullable: true, isUnique: true },
          { name: 'text', type: 'varchar', length: '1000' },
          uuidColumn('order_id', { isNullable: true }),
          timestampColumn('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_whatsapp_message_msisdn', columnNames: ['msisdn', 'created_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'voucher_batch',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'brand_code', type: 'varchar', length: '32' },
          centsColumnOptions('value_cents'),
          { name: 'size', type: 'int' },
          { name: 'created_by', type: 'varchar', length: '100' },
          timestampColumn('created_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'voucher',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('batch_id'),
          { name: 'code_hash', type: 'varchar', length: '64' },
          { name: 'brand_code', type: 'varchar', length: '32' },
          centsColumnOptions('value_cents'),
          timestampColumn('redeemed_at', true),
          uuidColumn('redeemed_account_id', { isNullable: true }),
          uuidColumn('order_id', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'uq_voucher_code_hash', columnNames: ['code_hash'], isUnique: true }),
          new TableIndex({ name: 'ix_voucher_batch', columnNames: ['batch_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'voucher_attempt',
        columns: [uuidColumn('id', { isPrimary: true }), uuidColumn('account_id'), timestampColumn('attempted_at')],
        indices: [new TableIndex({ name: 'ix_voucher_attempt_account_time', columnNames: ['account_id', 'attempted_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'auto_top_up_rule',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('account_id', { isUnique: true }),
          { name: 'brand_code', type: 'varchar', length: '32' },
          { name: 'trigger_kind', type: 'varchar', length: '16' },
          { ...centsColumnOptions('threshold_cents'), isNullable: true },
          { name: 'day_of_month', type: 'int', isNullable: true },
          centsColumnOptions('amount_cents'),
          { name: 'payment_method_ref', type: 'varchar', length: '64' },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'armed', type: 'boolean', default: true },
          { name: 'last_fired_period', type: 'varchar', length: '7', isNullable: true },
          { name: 'consecutive_failures', type: 'int', default: 0 },
          timestampColumn('retry_after', true),
          timestampColumn('created_at'),
          timestampColumn('updated_at'),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['auto_top_up_rule', 'voucher_attempt', 'voucher', 'voucher_batch', 'whatsapp_message', 'outbox_message', 'payment_event']) {
      await queryRunner.dropTable(table);
    }
    for (const index of ['ix_top_up_order_brand_created', 'ix_top_up_order_status_expires', 'uq_top_up_order_payment_token']) {
      await queryRunner.dropIndex('top_up_order', index);
    }
    for (const column of ['canceled_at', 'expired_at', 'failed_at', 'credited_at', 'paid_at', 'expires_at', 'auto_top_up_rule_id', 'failure_reason', 'payment_method', 'payment_token', 'request_fingerprint']) {
      await queryRunner.dropColumn('top_up_order', column);
    }
  }
}
