import { Table, TableColumn, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { centsColumnOptions, timestampColumn, uuidColumn } from '../../../common/src/migration';

/** Reservations for online charging, ledger causes for "where did my credit go", and the session table. */
export class AddCharging1763800000010 implements MigrationInterface {
  name = 'AddCharging1763800000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('account', new TableColumn({ ...centsColumnOptions('reserved_cents'), default: 0 }));
    await queryRunner.addColumn(
      'ledger_entry',
      new TableColumn({ name: 'cause', type: 'varchar', length: '32', isNullable: true }),
    );
    await queryRunner.createIndex(
      'ledger_entry',
      new TableIndex({ name: 'ix_ledger_entry_account_kind', columnNames: ['account_id', 'kind', 'id'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'charging_session',
        columns: [
          { name: 'id', type: 'varchar', length: '128', isPrimary: true },
          uuidColumn('account_id'),
          { name: 'service', type: 'varchar', length: '32' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'zero_rated', type: 'boolean' },
          centsColumnOptions('unit_price_cents'),
          { name: 'granted_units', type: 'bigint' },
          { name: 'last_granted_units', type: 'bigint' },
          { name: 'used_units', type: 'bigint' },
          { name: 'final_grant', type: 'boolean' },
          { name: 'low_balance', type: 'boolean' },
          centsColumnOptions('reserved_cents'),
          centsColumnOptions('charged_cents'),
          { name: 'last_request_number', type: 'int' },
          timestampColumn('started_at'),
          timestampColumn('expires_at'),
          timestampColumn('ended_at', true),
          timestampColumn('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_charging_session_status_expires', columnNames: ['status', 'expires_at'] }),
          new TableIndex({ name: 'ix_charging_session_account', columnNames: ['account_id', 'status'] }),
        ],
        foreignKeys: [
          {
            name: 'fk_charging_session_account',
            columnNames: ['account_id'],
            referencedTableName: 'account',
            referencedColumnNames: ['id'],
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('charging_session');
    await queryRunner.dropIndex('ledger_entry', 'ix_ledger_entry_account_kind');
    await queryRunner.dropColumn('ledger_entry', 'cause');
    await queryRunner.dropColumn('account', 'reserved_cents');
  }
}
