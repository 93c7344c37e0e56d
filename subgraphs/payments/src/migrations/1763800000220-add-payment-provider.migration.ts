import { Table, TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { centsColumnOptions, timestampColumn, uuidColumn } from '../../../common/src/migration';

/** Stripe as the payment provider: its ids on orders, saved methods, refunds and chargebacks. */
export class AddPaymentProvider1763800000220 implements MigrationInterface {
  name = 'AddPaymentProvider1763800000220';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('top_up_order', [
      new TableColumn({ name: 'provider_session_id', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'provider_checkout_url', type: 'varchar', length: '1024', isNullable: true }),
      new TableColumn({ name: 'provider_payment_id', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'payment_fingerprint', type: 'varchar', length: '128', isNullable: true }),
      new TableColumn({ name: 'provider_refund_id', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn({ name: 'refund_reason', type: 'varchar', length: '255', isNullable: true }),
      new TableColumn(timestampColumn('refund_requested_at', true)),
      new TableColumn(timestampColumn('refunded_at', true)),
    ]);
    await queryRunner.createIndex('top_up_order', new TableIndex({ name: 'ix_top_up_order_provider_payment', columnNames: ['provider_payment_id'] }));
    await queryRunner.addColumn('voucher', new TableColumn({ name: 'releases', type: 'int', default: 0 }));
    await queryRunner.addColumn('auto_top_up_rule', new TableColumn({ name: 'paused_reason', type: 'varchar', length: '255', isNullable: true }));
    await queryRunner.createTable(
      new Table({
        name: 'saved_payment_method',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('account_id'),
          { name: 'brand_code', type: 'varchar', length: '32' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'provider_setup_session_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'provider_customer_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'provider_method_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'method', type: 'varchar', length: '24', isNullable: true },
          { name: 'fingerprint', type: 'varchar', length: '128', isNullable: true },
          { name: 'label', type: 'varchar', length: '64', isNullable: true },
          timestampColumn('consented_at', true),
          timestampColumn('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_saved_payment_method_account', columnNames: ['account_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'payment_dispute',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'provider_dispute_id', type: 'varchar', length: '255', isUnique: true },
          uuidColumn('order_id'),
          uuidColumn('account_id'),
          { name: 'brand_code', type: 'varchar', length: '32' },
          centsColumnOptions('amount_cents'),
          centsColumnOptions('recovered_cents'),
          centsColumnOptions('owed_cents'),
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'reason', type: 'varchar', length: '64' },
          { name: 'payment_method', type: 'varchar', length: '24', isNullable: true },
          { name: 'payment_fingerprint', type: 'varchar', length: '128', isNullable: true },
          timestampColumn('opened_at'),
          timestampColumn('closed_at', true),
        ],
        indices: [new TableIndex({ name: 'ix_payment_dispute_account', columnNames: ['account_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('payment_dispute');
    await queryRunner.dropTable('saved_payment_method');
    await queryRunner.dropColumn('auto_top_up_rule', 'paused_reason');
    await queryRunner.dropColumn('voucher', 'releases');
    await queryRunner.dropIndex('top_up_order', 'ix_top_up_order_provider_payment');
    for (const column of ['refunded_at', 'refund_requested_at', 'refund_reason', 'provider_refund_id', 'payment_fingerprint', 'provider_payment_id', 'provider_checkout_url', 'provider_session_id']) {
      await queryRunner.dropColumn('top_up_order', column);
    }
  }
}
