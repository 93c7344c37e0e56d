import { randomUUID } from 'node:crypto';
import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { DataSource } from 'typeorm';
import { isDuplicateKeyError, openDataSource } from '../../common/src/data-source';
import { EntitySql } from '../../common/src/entity-sql';
import { createTestConfig, testDatabaseKind } from '../../common/src/testing/test-database';
import { TransactionRunner } from '../../common/src/transaction';
import { createAccountsSubgraph } from '../src/accounts.subgraph';
import { AccountOptionEntity } from '../src/entities/account-option.entity';
import { AccountEntity } from '../src/entities/account.entity';
import { ChargingSessionEntity } from '../src/entities/charging-session.entity';
import { LedgerEntryEntity } from '../src/entities/ledger-entry.entity';
import { uniqueMsisdn } from './support/accounts-harness';

/** Has an automatic creation date, which EntitySql does not reproduce: it must refuse the entity. */
@Entity({ name: 'entity_sql_refused' })
class WithCreateDateEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}

// Beyond 32 bits, so a driver or column that narrowed to INT would show.
const BIG = 2 ** 40 + 7;
const WITH_MS = new Date('2025-03-01T10:00:00.123Z');
const LATER_MS = new Date('2025-09-30T23:59:59.999Z');
const SESSION_OF_ACCOUNT = 'SELECT session.account_id FROM charging_session session WHERE session.id = ?';

const mariaDbOnly = testDatabaseKind() === 'mysql' ? it : it.skip;

function accountRow(overrides: Partial<AccountEntity> = {}): AccountEntity {
  return Object.assign(new AccountEntity(), {
    id: randomUUID(),
    msisdn: uniqueMsisdn(),
    brandCode: 'CONGSTAR',
    status: 'ACTIVE',
    statusChangedAt: WITH_MS,
    balanceCents: BIG,
    reservedCents: 2 ** 32 + 1,
    validUntil: null,
    lastTopUpAt: WITH_MS,
    lastChargeableUseAt: null,
    thirdPartyBlock: true,
    autoTopUpThresholdCents: null,
    createdAt: WITH_MS,
    updatedAt: LATER_MS,
    ...overrides,
  });
}

function sessionRow(accountId: string, overrides: Partial<ChargingSessionEntity> = {}): ChargingSessionEntity {
  return Object.assign(new ChargingSessionEntity(), {
    id: `entity-sql;${randomUUID()}`,
    accountId,
    service: 'DATA',
    status: 'OPEN',
    zeroRated: false,
    unitPriceCents: 24,
    grantedUnits: BIG,
    lastGrantedUnits: 3,
    usedUnits: 0,
    finalGrant: true,
    lowBalance: false,
    reservedCents: 2 ** 44,
    chargedCents: 0,
    lastRequestNumber: 2 ** 31 - 1,
    startedAt: WITH_MS,
    expiresAt: LATER_MS,
    endedAt: null,
    updatedAt: WITH_MS,
    ...overrides,
  });
}

function entryRow(accountId: string, overrides: Partial<LedgerEntryEntity> = {}): LedgerEntryEntity {
  return Object.assign(new LedgerEntryEntity(), {
    accountId,
    kind: 'USAGE',
    cause: null,
    amountCents: -BIG,
    balanceAfterCents: -(2 ** 33),
    reference: `entity-sql:${randomUUID()}`,
    reason: 'Round trip',
    createdAt: WITH_MS,
    ...overrides,
  });
}

/** Everything but the key: two rows written the two ways must read back alike. */
function withoutId<T extends { id: unknown }>(row: T | null): Omit<T, 'id'> {
  expect(row).not.toBeNull();
  const { id: _id, ...rest } = row!;
  return rest;
}

describe(`EntitySql on the accounts entities (${testDatabaseKind()})`, () => {
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;
  let transactions: TransactionRunner;
  let accounts: EntitySql<AccountEntity>;
  let sessions: EntitySql<ChargingSessionEntity>;
  let entries: EntitySql<LedgerEntryEntity>;

  beforeAll(async () => {
    const test = createTestConfig();
    cleanup = test.cleanup;
    const definition = createAccountsSubgraph();
    dataSource = await openDataSource({
      target: test.config.databases.accounts,
      // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
      entities: [...(definition.entities as Function[]), WithCreateDateEntity],
      migrations: definition.migrations,
      poolSize: 5,
    });
    await dataSource.runMigrations({ transaction: 'each' });
    transactions = new TransactionRunner(dataSource);
    accounts = EntitySql.of(dataSource, AccountEntity);
    sessions = EntitySql.of(dataSource, ChargingSessionEntity);
    entries = EntitySql.of(dataSource, LedgerEntryEntity);
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await cleanup?.();
  });

  it('is one instance per data source and entity', () => {
    expect(EntitySql.of(dataSource, AccountEntity)).toBe(accounts);
    expect(EntitySql.of(dataSource, LedgerEntryEntity)).not.toBe(accounts);
  });

  it('reads accounts exactly as the repository does: big cents, nulls, booleans, milliseconds', async () => {
    const repository = dataSource.getRepository(AccountEntity);
    const first = accountRow();
    const second = accountRow({
      balanceCents: -(2 ** 35),
      reservedCents: 0,
      validUntil: LATER_MS,
      lastTopUpAt: null,
      lastChargeableUseAt: WITH_MS,
      thirdPartyBlock: false,
      autoTopUpThresholdCents: 2 ** 31 + 5,
    });
    // One at a time: a multi-row insert re-reads the default columns and may merge them into the wrong object.
    await repository.insert(first);
    await repository.insert(second);
    for (const written of [first, second]) {
      const byRepository = await repository.findOneBy({ id: written.id });
      const byHelper = await accounts.findById(dataSource.manager, written.id);
      expect(byHelper).toBeInstanceOf(AccountEntity);
      expect(byHelper).toEqual(byRepository);
      expect(byHelper).toEqual(written);
      expect(byHelper!.statusChangedAt.getTime()).toBe(WITH_MS.getTime());
      const locked = await transactions.run((manager) => accounts.findById(manager, written.id, { forUpdate: true }));
      expect(locked).toEqual(byRepository);
    }
    expect(await accounts.findById(dataSource.manager, randomUUID())).toBeNull();
  });

  it('finds the rows matching a condition in the given order, as the repository does', async () => {
    const account = accountRow();
    await dataSource.getRepository(AccountEntity).insert(account);
    const options = dataSource.getRepository(AccountOptionEntity);
    const option = (overrides: Partial<AccountOptionEntity>): AccountOptionEntity =>
      Object.assign(new AccountOptionEntity(), {
        id: randomUUID(),
        accountId: account.id,
        code: 'DATA_OPTION',
        name: 'Data option',
        kind: 'DATA',
        feeCents: 2 ** 33 + 3,
        termMonths: 1,
        covers: 'DATA,WHATSAPP_TEXT',
        status: 'ACTIVE',
        renews: true,
        paidPeriods: 1,
        periodStart: WITH_MS,
        periodEnd: LATER_MS,
        bookedAt: WITH_MS,
        updatedAt: WITH_MS,
        ...overrides,
      });
    // Booked in another order than inserted, one with the same booking time (the id decides), one ended.
    const written = [
      option({ bookedAt: LATER_MS, renews: false }),
      option({ bookedAt: WITH_MS, id: 'ffffffff-0000-4000-8000-000000000000' }),
      option({ bookedAt: WITH_MS, id: '00000000-0000-4000-8000-00000000000a' }),
      option({ status: 'ENDED' }),
    ];
    for (const row of written) await options.insert(row);
    const byRepository = await options.find({ where: { accountId: account.id, status: 'ACTIVE' }, order: { bookedAt: 'ASC', id: 'ASC' } });
    const byHelper = await EntitySql.of(dataSource, AccountOptionEntity).findWhere(
      dataSource.manager,
      'account_id = ? AND status = ?',
      [account.id, 'ACTIVE'],
      'booked_at ASC, id ASC',
    );
    expect(byRepository.map(({ id }) => id)).toEqual([written[2]!.id, written[1]!.id, written[0]!.id]);
    expect(byHelper).toEqual(byRepository);
    expect(byHelper.every((row) => row instanceof AccountOptionEntity)).toBe(true);
    expect(await EntitySql.of(dataSource, AccountOptionEntity).findWhere(dataSource.manager, 'account_id = ? AND status = ?', [randomUUID(), 'ACTIVE'])).toEqual([]);
  });

  it('updates accounts as the repository does, leaving undefined values out', async () => {
    const repository = dataSource.getRepository(AccountEntity);
    const mine = accountRow();
    const twin = accountRow();
    await repository.insert(mine);
    await repository.insert(twin);
    const change: Partial<AccountEntity> = {
      balanceCents: -(2 ** 33) - 1,
      reservedCents: 2 ** 41,
      lastTopUpAt: null,
      validUntil: LATER_MS,
      thirdPartyBlock: false,
      autoTopUpThresholdCents: 2 ** 32,
      msisdn: undefined,
      updatedAt: new Date('2025-12-31T12:34:56.789Z'),
    };
    await transactions.run((manager) => accounts.updateById(manager, mine.id, change));
    await repository.update({ id: twin.id }, change);
    const afterHelper = await repository.findOneBy({ id: mine.id });
    const afterRepository = await repository.findOneBy({ id: twin.id });
    expect({ ...withoutId(afterHelper), msisdn: null }).toEqual({ ...withoutId(afterRepository), msisdn: null });
    expect(afterHelper).toEqual({ ...mine, ...change, msisdn: mine.msisdn });
    await expect(accounts.updateById(dataSource.manager, mine.id, { msisdn: undefined })).rejects.toThrow(/Nothing to update/);
  });

  it('inserts, reads and updates charging sessions as the repository does', async () => {
    const account = accountRow();
    await dataSource.getRepository(AccountEntity).insert(account);
    const repository = dataSource.getRepository(ChargingSessionEntity);
    const mine = sessionRow(account.id);
    const twin = sessionRow(account.id);
    await transactions.run((manager) => sessions.insert(manager, mine));
    await repository.insert(twin);
    expect(withoutId(await repository.findOneBy({ id: mine.id }))).toEqual(withoutId(await repository.findOneBy({ id: twin.id })));
    const read = await sessions.findById(dataSource.manager, mine.id);
    expect(read).toBeInstanceOf(ChargingSessionEntity);
    expect(read).toEqual(await repository.findOneBy({ id: mine.id }));
    expect(read).toEqual(mine);

    const close: Partial<ChargingSessionEntity> = {
      status: 'TERMINATED',
      usedUnits: 2 ** 34,
      chargedCents: 2 ** 39,
      reservedCents: 0,
      zeroRated: true,
      finalGrant: false,
      lowBalance: true,
      endedAt: LATER_MS,
      updatedAt: LATER_MS,
    };
    await transactions.run((manager) => sessions.updateById(manager, mine.id, close));
    await repository.update({ id: twin.id }, close);
    const closed = await sessions.findById(dataSource.manager, mine.id);
    expect(closed).toEqual({ ...mine, ...close });
    expect(withoutId(closed)).toEqual(withoutId(await repository.findOneBy({ id: twin.id })));
  });

  it('finds the account of a session through the subquery, locked where there are row locks', async () => {
    const account = accountRow();
    await dataSource.getRepository(AccountEntity).insert(account);
    const session = sessionRow(account.id);
    await dataSource.getRepository(ChargingSessionEntity).insert(session);
    // On SQLite this also shows no FOR UPDATE is sent: it would be a syntax error there.
    const found = await transactions.run((manager) => accounts.findByIdSubquery(manager, SESSION_OF_ACCOUNT, [session.id], { forUpdate: true }));
    expect(found).toEqual(account);
    expect(await accounts.findByIdSubquery(dataSource.manager, SESSION_OF_ACCOUNT, ['no-such-session'])).toBeNull();
  });

  it('inserts ledger entries with the generated id written back, as the repository does', async () => {
    const account = accountRow();
    await dataSource.getRepository(AccountEntity).insert(account);
    const repository = dataSource.getRepository(LedgerEntryEntity);
    const first = entryRow(account.id);
    await repository.insert(first);
    const mine = entryRow(account.id, { cause: 'DATA_PER_MB', amountCents: BIG, balanceAfterCents: 0 });
    await transactions.run((manager) => entries.insert(manager, mine));
    // The repository writes a generated BIGINT back as a string (TypeORM #720); this goes through the
    // column's transformer, so the fresh entity has the number every later read returns.
    expect(typeof mine.id).toBe('number');
    expect(mine.id).toBe(Number(first.id) + 1);
    const read = await repository.findOneBy({ id: mine.id });
    expect(read).toEqual(mine);
    expect(await entries.findById(dataSource.manager, mine.id)).toEqual(read);
    const twin = entryRow(account.id, { cause: 'DATA_PER_MB', amountCents: BIG, balanceAfterCents: 0 });
    await repository.insert(twin);
    expect(withoutId(await repository.findOneBy({ id: twin.id }))).toEqual({ ...withoutId(read), reference: twin.reference });
  });

  it('raises duplicate keys as errors isDuplicateKeyError recognises', async () => {
    const account = accountRow();
    await dataSource.getRepository(AccountEntity).insert(account);
    const session = sessionRow(account.id);
    await sessions.insert(dataSource.manager, session);
    const samePrimaryKey = await transactions.run((manager) => sessions.insert(manager, sessionRow(account.id, { id: session.id }))).catch((error: unknown) => error);
    expect(isDuplicateKeyError(samePrimaryKey)).toBe(true);
    const entry = entryRow(account.id);
    await entries.insert(dataSource.manager, entry);
    const sameReference = await transactions.run((manager) => entries.insert(manager, entryRow(account.id, { reference: entry.reference }))).catch((error: unknown) => error);
    expect(isDuplicateKeyError(sameReference)).toBe(true);
    expect(await dataSource.getRepository(LedgerEntryEntity).countBy({ accountId: account.id })).toBe(1);
  });

  it('refuses an insert with a column left undefined rather than guessing a default', async () => {
    const account = accountRow();
    await dataSource.getRepository(AccountEntity).insert(account);
    const session = sessionRow(account.id, { endedAt: undefined as unknown as null });
    await expect(sessions.insert(dataSource.manager, session)).rejects.toThrow(/endedAt has no value/);
    expect(await dataSource.getRepository(ChargingSessionEntity).existsBy({ id: session.id })).toBe(false);
  });

  it('refuses entities whose repository does more than plain column writes', async () => {
    const refused = EntitySql.of(dataSource, WithCreateDateEntity);
    await expect(refused.findById(dataSource.manager, 'x')).rejects.toThrow(/automatic date or version columns/);
  });

  mariaDbOnly('refuses FOR UPDATE outside a transaction, where the lock would end at once', async () => {
    await expect(accounts.findById(dataSource.manager, randomUUID(), { forUpdate: true })).rejects.toThrow(/needs a transaction/);
  });

  mariaDbOnly('FOR UPDATE blocks a second locker until the first commits; a plain read does not wait', async () => {
    const account = accountRow({ balanceCents: 1000 });
    const session = sessionRow(account.id);
    await dataSource.getRepository(AccountEntity).insert(account);
    await dataSource.getRepository(ChargingSessionEntity).insert(session);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalLocked!: () => void;
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    const first = transactions.run(async (manager) => {
      await accounts.findById(manager, account.id, { forUpdate: true });
      signalLocked();
      await held;
      await accounts.updateById(manager, account.id, { balanceCents: 777 });
    });
    await locked;

    const order: string[] = [];
    const byId = transactions.run(async (manager) => {
      const seen = await accounts.findById(manager, account.id, { forUpdate: true });
      order.push('byId');
      return seen;
    });
    const bySession = transactions.run(async (manager) => {
      const seen = await accounts.findByIdSubquery(manager, SESSION_OF_ACCOUNT, [session.id], { forUpdate: true });
      order.push('bySession');
      return seen;
    });
    const plain = await transactions.run((manager) => accounts.findById(manager, account.id));
    expect(plain?.balanceCents).toBe(1000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(order).toEqual([]);

    order.push('commit');
    release();
    await first;
    const [afterById, afterBySession] = await Promise.all([byId, bySession]);
    expect(order[0]).toBe('commit');
    expect(order).toHaveLength(3);
    // A locking read sees the committed row, not its snapshot from before the wait.
    expect(afterById?.balanceCents).toBe(777);
    expect(afterBySession?.balanceCents).toBe(777);
  });
});
