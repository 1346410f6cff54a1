import { setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import {
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/** How long a writer waits for another connection's (or process's) write transaction to finish. */
export const SQLITE_BUSY_WAIT_MS = 15_000;

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs `fn`, and while SQLite answers SQLITE_BUSY (another connection holds the write lock) tries
 * again after a short, random pause, without blocking the event loop, until `waitMs` has passed.
 */
async function whileBusy<T>(fn: () => T, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      return fn();
    } catch (e) {
      if (!isBusy(e) || Date.now() >= deadline) throw e;
      await sleep(pause / 2 + Math.random() * pause);
    }
  }
}

class SqliteConnection implements DatabaseConnection {
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly waitMs: number,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const run = (): QueryResult<R> => {
      const statement = this.db.prepare(query.sql);
      const parameters = query.parameters as unknown[];
      if (statement.reader) return { rows: statement.all(...parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(...parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    };
    // Inside a transaction the write lock is already held (BEGIN IMMEDIATE); outside one, a single
    // statement waits its turn like a transaction does.
    return this.db.inTransaction ? Promise.resolve().then(run) : whileBusy(run, this.waitMs);
  }

  // eslint-disable-next-line require-yield -- streaming is not used by this server
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on SQLite here');
  }
}

/**
 * Kysely's SQLite driver with the two things several writers need: every transaction starts with
 * BEGIN IMMEDIATE (it takes the write lock up front, so it never fails half-way with "database is
 * locked" when another process wrote since it began reading) and waits for the lock without
 * blocking the event loop; and a rollback after SQLite already rolled back on its own (disk full,
 * I/O error) is skipped, so the original error is the one reported.
 */
class SqliteWriteLockDriver implements Driver {
  private readonly connection: SqliteConnection;
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly waitMs: number,
  ) {
    this.connection = new SqliteConnection(db, waitMs);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    // One connection: callers take turns (as in Kysely's own SQLite driver).
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.release = release;
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    await whileBusy(() => this.db.exec('BEGIN IMMEDIATE'), this.waitMs);
  }

  async commitTransaction(): Promise<void> {
    await whileBusy(() => this.db.exec('COMMIT'), this.waitMs);
  }

  async rollbackTransaction(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    this.db.close();
  }
}

// SQLite runs DDL inside transactions; saying so makes Kysely's migrator run each migration in
// one (BEGIN IMMEDIATE) transaction, which also keeps two processes from migrating at once.
class SqliteTransactionalDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** The SQLite dialect of this server (see SqliteWriteLockDriver). */
export class SqliteWriteLockDialect implements Dialect {
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly waitMs = SQLITE_BUSY_WAIT_MS,
  ) {}

  createDriver(): Driver {
    return new SqliteWriteLockDriver(this.db, this.waitMs);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteTransactionalDdlAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
