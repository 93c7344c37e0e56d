import type { DataSource, EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { hasRowLocks } from './data-source';

export type PrimaryKey = string | number;

export interface ReadOptions {
  /**
   * SELECT … FOR UPDATE where the database has row locks, like `TransactionRunner.forUpdate`; on
   * SQLite the lock is left out because its transactions are queued.
   */
  forUpdate?: boolean;
}

interface MappedColumn {
  column: ColumnMetadata;
  databaseName: string;
  propertyName: string;
}

// Both drivers bind `?` positionally; another driver would need its own placeholders and result shapes.
const SUPPORTED_DRIVERS = new Set(['mysql', 'mariadb', 'better-sqlite3']);

const cache = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, EntitySql<ObjectLiteral>>>();

/**
 * Reads and writes single rows of one entity with SQL built once from its metadata, for the hottest
 * paths: TypeORM's query builders rebuild the same statement on every call, which costs more CPU
 * than sending it. Statements go through `manager.query`, so they run in the caller's transaction,
 * and every value goes through the driver's own conversions (transformers, booleans, dates), so rows
 * read and written here are the same as with the repository. Entities with features this does not
 * reproduce (relations, embeddeds, listeners, automatic dates or versions) are refused.
 */
export class EntitySql<Entity extends ObjectLiteral> {
  private built: Built | undefined;
  private readonly selects = new Map<string, string>();
  private readonly updates = new Map<string, { sql: string; columns: ColumnMetadata[] }>();

  private constructor(
    private readonly dataSource: DataSource,
    private readonly target: EntityTarget<Entity>,
  ) {}

  /** One per data source and entity, so the statements are built once per process. */
  static of<Entity extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<Entity>): EntitySql<Entity> {
    let perDataSource = cache.get(dataSource);
    if (!perDataSource) {
      perDataSource = new Map();
      cache.set(dataSource, perDataSource);
    }
    let helper = perDataSource.get(target as EntityTarget<ObjectLiteral>);
    if (!helper) {
      helper = new EntitySql<ObjectLiteral>(dataSource, target as EntityTarget<ObjectLiteral>);
      perDataSource.set(target as EntityTarget<ObjectLiteral>, helper);
    }
    return helper as unknown as EntitySql<Entity>;
  }

  /** The row with this primary key, or null. */
  async findById(manager: EntityManager, id: PrimaryKey, options: ReadOptions = {}): Promise<Entity | null> {
    const built = this.build(manager);
    const key = this.dataSource.driver.preparePersistentValue(id, built.primary);
    return this.selectOne(manager, built, `${built.primaryKey} = ?`, [key], options);
  }

  /**
   * The row whose primary key a scalar subquery returns, in one statement (e.g. an account locked
   * through its session's id). The subquery must be constant SQL with `?` for its parameters: it
   * is part of the cache key.
   */
  async findByIdSubquery(
    manager: EntityManager,
    subquery: string,
    parameters: readonly unknown[],
    options: ReadOptions = {},
  ): Promise<Entity | null> {
    const built = this.build(manager);
    return this.selectOne(manager, built, `${built.primaryKey} = (${subquery})`, parameters, options);
  }

  /**
   * The rows matching a constant condition in database column names with `?` parameters, in the
   * given order (e.g. `account_id = ? AND status = ?`, `booked_at, id`): condition and order are
   * part of the cache key, so they must not be built from values.
   */
  async findWhere(manager: EntityManager, condition: string, parameters: readonly unknown[], orderBy?: string): Promise<Entity[]> {
    const built = this.build(manager);
    const key = orderBy ? `${condition} ORDER BY ${orderBy}` : condition;
    const rows = await this.query(manager, built, key, parameters);
    return rows.map((row) => this.hydrate(manager, built, row));
  }

  /**
   * Inserts the entity with every column set (undefined is refused rather than guessed as DEFAULT)
   * and writes a generated increment key back to it, as `Repository.insert` does, but through the
   * column's transformer: the repository writes a BIGINT key back as a string, unlike every read.
   */
  async insert(manager: EntityManager, entity: Entity): Promise<void> {
    const built = this.build(manager);
    const { driver } = this.dataSource;
    const parameters = built.insertColumns.map(({ column, propertyName }) => {
      const value: unknown = entity[propertyName];
      if (value === undefined) throw new Error(`${built.metadata.name}.${propertyName} has no value to insert`);
      return driver.preparePersistentValue(value, column);
    });
    const raw: unknown = await manager.query(built.insertSql, parameters);
    if (built.generated) {
      // mysql2 answers an INSERT with a result header, better-sqlite3 (through TypeORM) with the rowid.
      const insertId = built.mysqlFamily ? (raw as { insertId?: unknown }).insertId : raw;
      (entity as ObjectLiteral)[built.generated.propertyName] = driver.prepareHydratedValue(insertId, built.generated.column);
    }
  }

  /** UPDATE … WHERE primary key; undefined values are left out, as with `Repository.update`. */
  async updateById(manager: EntityManager, id: PrimaryKey, values: Partial<Entity>): Promise<void> {
    const built = this.build(manager);
    const { driver } = this.dataSource;
    const names = Object.keys(values).filter((name) => values[name] !== undefined);
    const key = names.join(',');
    let update = this.updates.get(key);
    if (!update) {
      if (names.length === 0) throw new Error(`Nothing to update in ${built.metadata.name}`);
      const columns = names.map((name) => {
        const column = built.byProperty.get(name);
        if (!column || !column.isUpdate) throw new Error(`${built.metadata.name}.${name} is not an updatable column`);
        return column;
      });
      const assignments = columns.map((column) => `${driver.escape(column.databaseName)} = ?`).join(', ');
      update = { sql: `UPDATE ${built.table} SET ${assignments} WHERE ${built.primaryKey} = ?`, columns };
      this.updates.set(key, update);
    }
    const parameters = update.columns.map((column) => driver.preparePersistentValue(values[column.propertyName], column));
    parameters.push(driver.preparePersistentValue(id, built.primary));
    await manager.query(update.sql, parameters);
  }

  private async selectOne(
    manager: EntityManager,
    built: Built,
    where: string,
    parameters: readonly unknown[],
    options: ReadOptions,
  ): Promise<Entity | null> {
    const lock = options.forUpdate === true && hasRowLocks(this.dataSource);
    // As TypeORM's query builder: a row lock outside a transaction would be released at once.
    if (lock && !manager.queryRunner?.isTransactionActive) throw new Error('SELECT … FOR UPDATE needs a transaction');
    const rows = await this.query(manager, built, lock ? `${where} FOR UPDATE` : where, parameters);
    const row = rows[0];
    return row ? this.hydrate(manager, built, row) : null;
  }

  private async query(manager: EntityManager, built: Built, clauses: string, parameters: readonly unknown[]): Promise<Record<string, unknown>[]> {
    let sql = this.selects.get(clauses);
    if (!sql) {
      sql = `SELECT ${built.selectList} FROM ${built.table} WHERE ${clauses}`;
      this.selects.set(clauses, sql);
    }
    return (await manager.query(sql, parameters as unknown[])) as Record<string, unknown>[];
  }

  private hydrate(manager: EntityManager, built: Built, row: Record<string, unknown>): Entity {
    const { driver } = this.dataSource;
    // As TypeORM hydrates: an instance of the class without running its constructor.
    const entity = built.metadata.create(manager.queryRunner, { fromDeserializer: true }) as Entity;
    for (const { column, databaseName, propertyName } of built.selectColumns) {
      (entity as ObjectLiteral)[propertyName] = driver.prepareHydratedValue(row[databaseName], column);
    }
    return entity;
  }

  private build(manager: EntityManager): Built {
    if (manager.dataSource !== this.dataSource) throw new Error('EntitySql used with a manager of another data source');
    this.built ??= buildStatements(this.dataSource, this.dataSource.getMetadata(this.target));
    return this.built;
  }
}

interface Built {
  metadata: EntityMetadata;
  mysqlFamily: boolean;
  table: string;
  primary: ColumnMetadata;
  primaryKey: string;
  selectColumns: MappedColumn[];
  selectList: string;
  insertColumns: MappedColumn[];
  insertSql: string;
  generated: MappedColumn | undefined;
  byProperty: Map<string, ColumnMetadata>;
}

function buildStatements(dataSource: DataSource, metadata: EntityMetadata): Built {
  const { driver } = dataSource;
  const type = String(dataSource.options.type);
  if (!SUPPORTED_DRIVERS.has(type)) throw new Error(`EntitySql does not support the ${type} driver`);
  assertPlainEntity(dataSource, metadata);
  if (metadata.primaryColumns.length !== 1) throw new Error(`EntitySql needs exactly one primary column (${metadata.name})`);
  const primary = metadata.primaryColumns[0]!;
  const escape = (name: string) => driver.escape(name);
  const map = (column: ColumnMetadata): MappedColumn => ({ column, databaseName: column.databaseName, propertyName: column.propertyName });

  const selectColumns = metadata.columns.filter((column) => column.isSelect).map(map);
  const generated = metadata.columns.find((column) => column.isGenerated);
  const insertColumns = metadata.columns.filter((column) => column.isInsert && column !== generated).map(map);
  const table = metadata.tablePath.split('.').map(escape).join('.');
  return {
    metadata,
    mysqlFamily: type !== 'better-sqlite3',
    table,
    primary,
    primaryKey: escape(primary.databaseName),
    selectColumns,
    selectList: selectColumns.map((column) => escape(column.databaseName)).join(', '),
    insertColumns,
    insertSql: `INSERT INTO ${table} (${insertColumns.map((column) => escape(column.databaseName)).join(', ')}) VALUES (${insertColumns
      .map(() => '?')
      .join(', ')})`,
    generated: generated && map(generated),
    byProperty: new Map(metadata.columns.map((column) => [column.propertyName, column])),
  };
}

/** Refuses what `Repository` would do on top of plain column reads and writes, so nothing is silently skipped. */
function assertPlainEntity(dataSource: DataSource, metadata: EntityMetadata): void {
  const refuse = (why: string): never => {
    throw new Error(`EntitySql cannot handle ${metadata.name}: ${why}`);
  };
  if (metadata.tableType !== 'regular') refuse(`table type ${metadata.tableType}`);
  if (metadata.relations.length > 0) refuse('relations');
  if (metadata.embeddeds.length > 0) refuse('embedded columns');
  if (metadata.discriminatorColumn || metadata.treeType) refuse('inheritance or tree');
  if (metadata.listeners.length > 0) refuse('entity listeners');
  if (metadata.createDateColumn || metadata.updateDateColumn || metadata.deleteDateColumn || metadata.versionColumn) {
    refuse('automatic date or version columns');
  }
  if (dataSource.subscribers.some((subscriber) => !subscriber.listenTo || subscriber.listenTo() === metadata.target)) {
    refuse('entity subscribers');
  }
  for (const column of metadata.columns) {
    if (column.isVirtual || column.isVirtualProperty || column.asExpression !== undefined) {
      refuse(`column ${column.propertyName} is not a plain column`);
    }
    if (column.isGenerated && column.generationStrategy !== 'increment') {
      refuse(`${column.generationStrategy} generation of ${column.propertyName}`);
    }
  }
  if (metadata.columns.filter((column) => column.isGenerated).length > 1) refuse('more than one generated column');
}
