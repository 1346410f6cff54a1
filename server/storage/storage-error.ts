import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** What went wrong with the database itself, as an operator needs to hear it. */
export type StorageFaultKind = 'disk-full' | 'read-only' | 'cannot-open' | 'io-error' | 'unreachable' | 'busy';

const DESCRIPTION: Record<StorageFaultKind, string> = {
  'disk-full': 'disk full: the database cannot grow',
  'read-only': 'the database is read-only (read-only file, mount or database)',
  'cannot-open': 'the database cannot be opened',
  'io-error': 'I/O error on the database',
  unreachable: 'the database cannot be reached',
  busy: 'the database stayed locked by another writer',
};

/**
 * A database fault (not a rule or constraint): names the kind and where the data lives, and keeps
 * the driver's error as `cause` (and its `code`). The HTTP layer answers 503; logs show all of it.
 */
export class StorageError extends Error {
  readonly code: string | undefined;

  constructor(
    readonly kind: StorageFaultKind,
    readonly location: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${DESCRIPTION[kind]} (${location}): ${detail}`, { cause });
    this.name = 'StorageError';
    this.code = (cause as { code?: string } | null)?.code;
  }
}

/** The fault kind of a driver error (better-sqlite3, node-postgres, the socket), or null for the rest. */
export function storageFaultKind(e: unknown): StorageFaultKind | null {
  const code = String((e as { code?: unknown } | null)?.code ?? '');
  if (code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC') return 'disk-full';
  if (code.startsWith('SQLITE_READONLY') || code === '25006' || code === 'EROFS') return 'read-only';
  if (code.startsWith('SQLITE_CANTOPEN') || code === '3D000') return 'cannot-open';
  if (code.startsWith('SQLITE_IOERR') || code === '58030' || code === 'EIO') return 'io-error';
  if (code.startsWith('SQLITE_BUSY')) return 'busy';
  if (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE)$/.test(code) || /^(08|57P)/.test(code)) {
    return 'unreachable';
  }
  // node-postgres reports a dead connection without a code.
  if (e instanceof Error && /Connection terminated|connection is closed|Client was closed/i.test(e.message)) {
    return 'unreachable';
  }
  return null;
}

/** `e` as a StorageError when it is a database fault; anything else unchanged. */
export function classifyStorageError(e: unknown, location: string): unknown {
  if (e instanceof StorageError) return e;
  const kind = storageFaultKind(e);
  return kind ? new StorageError(kind, location, e) : e;
}

async function classified<T>(location: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw classifyStorageError(e, location);
  }
}

class ClassifyingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly location: string,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return classified(this.location, () => this.inner.executeQuery<R>(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class ClassifyingDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, ClassifyingConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly location: string,
  ) {}

  private unwrap(connection: DatabaseConnection): DatabaseConnection {
    return connection instanceof ClassifyingConnection ? connection.inner : connection;
  }

  init(): Promise<void> {
    return classified(this.location, () => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await classified(this.location, () => this.inner.acquireConnection());
    let wrapper = this.wrapped.get(connection);
    if (!wrapper) this.wrapped.set(connection, (wrapper = new ClassifyingConnection(connection, this.location)));
    return wrapper;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return classified(this.location, () => this.inner.beginTransaction(this.unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return classified(this.location, () => this.inner.commitTransaction(this.unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return classified(this.location, () => this.inner.rollbackTransaction(this.unwrap(connection)));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(this.unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** Wraps a dialect so every database fault it raises becomes a StorageError naming `location`. */
export class ClassifyingDialect implements Dialect {
  constructor(
    private readonly inner: Dialect,
    private readonly location: string,
  ) {}

  createDriver(): Driver {
    return new ClassifyingDriver(this.inner.createDriver(), this.location);
  }

  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return this.inner.createIntrospector(db);
  }
}
