import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { autoIncrementId, centsColumnOptions, timestampColumn, uuidColumn } from '../../../common/src/migration';

export class CreateAccounts1763800000000 implements MigrationInterface {
  name = 'CreateAccounts1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'account',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          { name: 'msisdn', type: 'varchar', length: '16', isUnique: true },
          { name: 'brand_code', type: 'varchar', length: '32' },
          { name: 'status', type: 'varchar', length: '16' },
          timestampColumn('status_changed_at'),
          { ...centsColumnOptions('balance_cents'), default: 0 },
          timestampColumn('valid_until', true),
          timestampColumn('last_top_up_at', true),
          timestampColumn('last_chargeable_use_at', true),
          { name: 'third_party_block', type: 'boolean', default: false },
          timestampColumn('created_at'),
          timestampColumn('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_account_brand_status', columnNames: ['brand_code', 'status', 'id'] }),
          new TableIndex({ name: 'ix_account_brand_balance', columnNames: ['brand_code', 'balance_cents', 'id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'ledger_entry',
        columns: [
          autoIncrementId(queryRunner),
          uuidColumn('account_id'),
          { name: 'kind', type: 'varchar', length: '32' },
          centsColumnOptions('amount_cents'),
          centsColumnOptions('balance_after_cents'),
          { name: 'reference', type: 'varchar', length: '128' },
          { name: 'reason', type: 'varchar', length: '255' },
          timestampColumn('created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'uq_ledger_entry_account_reference',
            columnNames: ['account_id', 'reference'],
            isUnique: true,
          }),
          new TableIndex({ name: 'ix_ledger_entry_account_id', columnNames: ['account_id', 'id'] }),
        ],
        foreignKeys: [
          { name: 'fk_ledger_entry_account', columnNames: ['account_id'], referencedTableName: 'account', referencedColumnNames: ['id'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('ledger_entry');
    await queryRunner.dropTable('account');
  }
}
