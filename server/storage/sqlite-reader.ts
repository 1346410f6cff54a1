import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  type CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';

// The worker is plain CommonJS evaluated from this string, so it runs the same under tsx, the
// esbuild bundle and vitest. It opens its own read-only connection (WAL lets it read while the
// main connection writes) and answers one query at a time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// The file mapped into memory (as far as the build allows, 2 GB): a page walking a million users'
// sort index read each page through a system call into a 2 MB cache (0.7 s for 60,000 rows, 0.15 s mapped).
db.pragma('mmap_size = 2147418112');
db.defaultSafeIntegers(false);
parentPort.on('message', (m) => {
  try {
    const statement = db.prepare(m.sql);
    if (!statement.reader) throw new Error('the reader only reads');
    parentPort.postMessage({ id: m.id, rows: statement.all(m.parameters) });
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String(error && error.message ? error.message : error) });
  }
});
`;

interface Reply {
  id: number;
  rows?: unknown[];
  error?: string;
}

/** A read-only SQLite connection in a worker thread: long reads never hold the server's event loop. */
class WorkerConnection implements DatabaseConnection {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(rows: unknown[]): void; reject(e: Error): void }>();
  private next = 1;

  constructor(file: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply.rows ?? []);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => this.failAll(new Error('the SQLite reader stopped')));
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const id = this.next++;
    return new Promise<QueryResult<R>>((resolve, reject) => {
      this.waiting.set(id, { resolve: (rows) => resolve({ rows: rows as R[] }), reject });
      // The worker is only kept alive while a query is waiting for it.
      this.worker.ref();
      this.worker.postMessage({ id, sql: compiled.sql, parameters: compiled.parameters });
    }).finally(() => {
      if (this.waiting.size === 0) this.worker.unref();
    });
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('The SQLite reader does not stream; read in keyset pages');
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

class WorkerDriver implements Driver {
  private connection: WorkerConnection | null = null;

  constructor(private readonly file: string) {}

  async init(): Promise<void> {
    this.connection = new WorkerConnection(this.file);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (!this.connection) throw new Error('the SQLite reader is closed');
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    throw new Error('The SQLite reader has no transactions');
  }

  async commitTransaction(): Promise<void> {}

  async rollbackTransaction(): Promise<void> {}

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    await this.connection?.close();
    this.connection = null;
  }
}

/** A dialect whose (read-only) queries run on a worker thread over `file`. */
export function sqliteReaderDialect(file: string): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new WorkerDriver(file),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}
