import { Table, TableIndex } from 'typeorm';
import type { QueryRunner } from 'typeorm';
import { autoIncrementId, timestampColumn } from '../migration';

/** The outbox table, created by each subgraph's own migration that needs one. */
export async function createOutboxTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.createTable(
    new Table({
      name: 'outbox_message',
      columns: [
        autoIncrementId(queryRunner),
        { name: 'topic', type: 'varchar', length: '64' },
        { name: 'dedupe_key', type: 'varchar', length: '160' },
        { name: 'payload', type: 'text' },
        { name: 'attempts', type: 'int', default: 0 },
        timestampColumn('next_attempt_at'),
        timestampColumn('lease_until', true),
        { name: 'lease_owner', type: 'varchar', length: '64', isNullable: true },
        timestampColumn('delivered_at', true),
        { name: 'last_error', type: 'varchar', length: '500', isNullable: true },
        timestampColumn('created_at'),
      ],
      indices: [
        new TableIndex({ name: 'uq_outbox_message_dedupe_key', columnNames: ['dedupe_key'], isUnique: true }),
        new TableIndex({ name: 'ix_outbox_message_due', columnNames: ['delivered_at', 'next_attempt_at'] }),
      ],
    }),
  );
}
