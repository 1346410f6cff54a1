import { AsyncLocalStorage } from 'node:async_hooks';
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

// Kysely passes no signal to its connection: the reads of one request carry theirs in this context.
const readSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `read` with `signal` for its queries on the SQLite reader: a query still waiting for the
 * reader when the signal aborts leaves the queue unrun and fails with the signal's reason (a query
 * the worker has begun runs to its end: better-sqlite3 cannot be interrupted).
 */
export function withReadSignal<T>(signal: AbortSignal | undefined, read: () => Promise<T>): Promise<T> {
  return signal ? readSignal.run(signal, read) : read();
}

interface Queued {
  id: number;
  sql: string;
  parameters: readonly unknown[];
  resolve(rows: unknown[]): void;
  reject(e: unknown): void;
}

interface Reply {
  id: number;
  rows?: unknown[];
  error?: string;
}

/**
 * A read-only SQLite connection in a worker thread: long reads never hold the server's event loop.
 * The worker gets one query at a time; the others wait here, where an aborted one can leave.
 */
class WorkerConnection implements DatabaseConnection {
  private readonly worker: Worker;
  private readonly queue: Queued[] = [];
  private running: Queued | null = null;
  private next = 1;

  constructor(file: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const running = this.running;
      if (!running || running.id !== reply.id) return;
      this.running = null;
      if (reply.error !== undefined) running.reject(new Error(reply.error));
      else running.resolve(reply.rows ?? []);
      this.pump();
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => this.failAll(new Error('the SQLite reader stopped')));
  }

  private failAll(error: Error): void {
    const waiting = [...(this.running ? [this.running] : []), ...this.queue.splice(0)];
    this.running = null;
    for (const query of waiting) query.reject(error);
  }

  /** Hands the worker the next query when it is free; the worker is kept alive only while one waits. */
  private pump(): void {
    if (this.running) return;
    const query = this.queue.shift();
    if (!query) {
      this.worker.unref();
      return;
    }
    this.running = query;
    this.worker.ref();
    this.worker.postMessage({ id: query.id, sql: query.sql, parameters: query.parameters });
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const signal = readSignal.getStore();
    return new Promise<QueryResult<R>>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        const at = this.queue.indexOf(query);
        if (at < 0) return;
        this.queue.splice(at, 1);
        reject(signal?.reason);
      };
      const done = () => signal?.removeEventListener('abort', onAbort);
      const query: Queued = {
        id: this.next++,
        sql: compiled.sql,
        parameters: compiled.parameters,
        resolve: (rows) => (done(), resolve({ rows: rows as R[] })),
        reject: (error) => (done(), reject(error)),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(query);
      this.pump();
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
