import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
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
// esbuild bundle and vitest. Each thread opens its own read-only connection (WAL lets it read
// while the main connection writes) and answers one query at a time.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// The file mapped into memory (as far as the build allows, 2 GB): a page walking a million users'
// sort index read each page through a system call into a 2 MB cache (0.7 s for 60,000 rows, 0.15 s mapped).
db.pragma('mmap_size = 2147418112');
// Beyond the map (a million users' file is 2.7 GB) pages are read one system call each into the
// page cache: at the default 2 MB, 20,000 reads into user_search_keys cost 60 ms every time, 24 ms
// once they stay cached. Up to 256 MB a thread, taken only as such pages are read.
db.pragma('cache_size = -262144');
db.defaultSafeIntegers(false);
// Warm-up: user_search_keys read once into the page cache, 20,000 rows a step, queries answered
// between steps: the keyed sort reads it at random (cold, the first search after a start took
// 1.5 s at a million users, beyond the map). Stops at the end, or at once where it does not exist.
let warmStep = null;
try {
  warmStep = db.prepare('select max(n) as top from (select n from user_search_keys where n > ? order by n limit 20000)');
} catch {}
const warm = (after) => {
  try {
    const top = warmStep && warmStep.get(after).top;
    if (typeof top === 'number') setImmediate(warm, top);
  } catch {}
};
if (warmStep) setImmediate(warm, 0);
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

/** One reader thread and the query it is running. */
interface Reader {
  worker: Worker;
  running: Queued | null;
  /** The thread failed or stopped: it gets no more queries. */
  gone?: true;
}

/**
 * Read-only SQLite connections in worker threads: long reads never hold the server's event loop,
 * and a page and its count (or two administrators' reads) run side by side, one per thread. Each
 * thread gets one query at a time; the others wait here, where an aborted one can leave.
 */
class WorkerConnection implements DatabaseConnection {
  private readonly readers: Reader[];
  private readonly queue: Queued[] = [];
  private next = 1;
  private failure: Error | null = null;

  constructor(file: string, threads: number) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.readers = Array.from({ length: threads }, () => {
      const reader: Reader = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } }), running: null };
      reader.worker.unref();
      reader.worker.on('message', (reply: Reply) => {
        const running = reader.running;
        if (!running || running.id !== reply.id) return;
        reader.running = null;
        if (reply.error !== undefined) running.reject(new Error(reply.error));
        else running.resolve(reply.rows ?? []);
        this.pump();
      });
      reader.worker.on('error', (error) => this.fail(reader, error));
      reader.worker.on('exit', () => this.fail(reader, new Error('the SQLite reader stopped')));
      return reader;
    });
  }

  /** A reader thread failed: its query, and (no thread being sure to answer them) every waiting one, fail. */
  private fail(reader: Reader, error: Error): void {
    const waiting = [...(reader.running ? [reader.running] : []), ...this.queue.splice(0)];
    reader.running = null;
    reader.gone = true;
    this.failure = error;
    for (const query of waiting) query.reject(error);
  }

  /** Hands each free thread the next query; a thread is kept alive only while it runs one. */
  private pump(): void {
    for (const reader of this.readers) {
      if (reader.running || reader.gone) continue;
      const query = this.queue.shift();
      if (!query) {
        reader.worker.unref();
        continue;
      }
      reader.running = query;
      reader.worker.ref();
      reader.worker.postMessage({ id: query.id, sql: query.sql, parameters: query.parameters });
    }
  }

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const signal = readSignal.getStore();
    return new Promise<QueryResult<R>>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      if (this.readers.every((r) => r.gone)) {
        reject(this.failure ?? new Error('the SQLite reader stopped'));
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

  async close(): Promise<void> {
    await Promise.all(this.readers.map((r) => r.worker.terminate()));
  }
}

class WorkerDriver implements Driver {
  private connection: WorkerConnection | null = null;

  constructor(
    private readonly file: string,
    private readonly threads: number,
  ) {}

  async init(): Promise<void> {
    this.connection = new WorkerConnection(this.file, this.threads);
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

/**
 * Reader threads by default: two, one for a page and one for its count (on one thread they
 * queued: a search's answer took their sum), or one on a single-core machine.
 */
const READER_THREADS = Math.min(2, availableParallelism());

/** A dialect whose (read-only) queries run on `threads` worker threads over `file`. */
export function sqliteReaderDialect(file: string, threads = READER_THREADS): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new WorkerDriver(file, threads),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}
