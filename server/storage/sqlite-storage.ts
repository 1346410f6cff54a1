import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from './database-schema';
import { KyselyStorage } from './kysely-storage';
import { SqliteWriteLockDialect } from './sqlite-dialect';
import { sqliteReaderDialect } from './sqlite-reader';
import { ClassifyingDialect, StorageError, storageFaultKind } from './storage-error';

function open(file: string, location: string, readonly: boolean): BetterSqlite3.Database {
  try {
    if (file !== ':memory:' && !readonly) mkdirSync(path.dirname(location), { recursive: true });
    const sqlite = new BetterSqlite3(file, { readonly });
    // Opening may meet another process's write (or its crash recovery): wait for it here, once.
    sqlite.pragma('busy_timeout = 5000');
    if (!readonly) sqlite.pragma('journal_mode = WAL');
    return sqlite;
  } catch (e) {
    // SQLite says only "unable to open database file": name the file (and a read-only mount or
    // directory, where WAL cannot create its -wal and -shm files next to it).
    throw new StorageError(storageFaultKind(e) === 'read-only' ? 'read-only' : 'cannot-open', location, e);
  }
}

/**
 * Opens (creating if needed) the SQLite file and migrates it. ":memory:" gives a private
 * in-memory database, which tests use; `readonly` opens an existing file read-only, as is.
 */
export async function createSqliteStorage(file: string, options: { readonly?: boolean } = {}): Promise<KyselyStorage> {
  const location = file === ':memory:' ? file : path.resolve(file);
  const sqlite = open(file, location, options.readonly ?? false);
  sqlite.pragma('foreign_keys = ON');
  // Waiting for another writer happens in SqliteWriteLockDialect, asynchronously; a busy
  // timeout here would block the event loop instead.
  sqlite.pragma('busy_timeout = 0');
  // WAL + NORMAL is durable across application crashes, which is what a reference server needs.
  sqlite.pragma('synchronous = NORMAL');
  const dialect = new ClassifyingDialect(new SqliteWriteLockDialect(sqlite), location);
  const kysely = new Kysely<Database>({ dialect });
  // A private in-memory database cannot be opened a second time: there the list reads share the
  // main connection (tests); a file gets its reader on a worker thread.
  const reader =
    file === ':memory:'
      ? kysely
      : new Kysely<Database>({ dialect: new ClassifyingDialect(sqliteReaderDialect(location), location) });
  const storage = new KyselyStorage(kysely, 'sqlite', { location }, reader);
  // A read-only open (tests of a database that cannot be written) uses the schema as it is.
  if (!options.readonly) {
    try {
      await storage.migrate();
    } catch (e) {
      await storage.close();
      throw e;
    }
  }
  // The reader's thread starts now, not with the first list read: loading the driver in a new
  // thread and reading the schema took 0.15-0.4 s of the first page after a start (loaded machine).
  // A failure here shows again, with its error, on the first real read.
  if (reader !== kysely) {
    const warm = reader.selectFrom('users').select('id').limit(1);
    void warm.execute().catch(() => undefined);
  }
  return storage;
}
