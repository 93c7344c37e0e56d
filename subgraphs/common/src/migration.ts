import type { QueryRunner, TableColumnOptions } from 'typeorm';

/** Column helpers for hand-written migrations that must run on both SQLite and MariaDB. */
export function isSqliteRunner(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.options.type === 'better-sqlite3';
}

/** SQLite only auto-increments an INTEGER PRIMARY KEY; MariaDB wants a BIGINT. */
export function autoIncrementId(queryRunner: QueryRunner, name = 'id'): TableColumnOptions {
  return {
    name,
    type: isSqliteRunner(queryRunner) ? 'integer' : 'bigint',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  };
}

export const uuidColumn = (name: string, options: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  ...options,
});

export const timestampColumn = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  isNullable: nullable,
});

export const centsColumnOptions = (name: string): TableColumnOptions => ({ name, type: 'bigint' });
