import { Table, TableIndex } from 'typeorm';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { centsColumnOptions, timestampColumn, uuidColumn } from '../../../common/src/migration';

/** Booked options and packages with their paid periods. */
export class AddOptions1763800000020 implements MigrationInterface {
  name = 'AddOptions1763800000020';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'account_option',
        columns: [
          uuidColumn('id', { isPrimary: true }),
          uuidColumn('account_id'),
          { name: 'code', type: 'varchar', length: '32' },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'kind', type: 'varchar', length: '16' },
          centsColumnOptions('fee_cents'),
          { name: 'term_months', type: 'int' },
          { name: 'covers', type: 'varchar', length: '128' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'renews', type: 'boolean' },
          { name: 'paid_periods', type: 'int' },
          timestampColumn('period_start'),
          timestampColumn('period_end'),
          timestampColumn('booked_at'),
          timestampColumn('updated_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_account_option_status_period', columnNames: ['status', 'period_end'] }),
          new TableIndex({ name: 'ix_account_option_account', columnNames: ['account_id', 'status'] }),
        ],
        foreignKeys: [
          {
            name: 'fk_account_option_account',
            columnNames: ['account_id'],
            referencedTableName: 'account',
            referencedColumnNames: ['id'],
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('account_option');
  }
}
