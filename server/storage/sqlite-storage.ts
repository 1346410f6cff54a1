import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from './database-schema';
import { KyselyStorage } from './kysely-storage';
import { SqliteWriteLockDialect } from './sqlite-dialect';

/**
 * Opens (creating if needed) the SQLite file and migrates it. ":memory:" gives a private
 * in-memory database, which tests use; `readonly` opens an existing file read-only, as is.
 */
export async function createSqliteStorage(file: string, options: { readonly?: boolean } = {}): Promise<KyselyStorage> {
  if (file !== ':memory:' && !options.readonly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BetterSqlite3(file, { readonly: options.readonly ?? false });
  // Opening may meet another process's write (or its crash recovery): wait for it here, once.
  sqlite.pragma('busy_timeout = 5000');
  if (!options.readonly) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  // Waiting for another writer happens in SqliteWriteLockDialect, asynchronously; a busy
  // timeout here would block the event loop instead.
  sqlite.pragma('busy_timeout = 0');
  // WAL + NORMAL is durable across application crashes, which is what a reference server needs.
  sqlite.pragma('synchronous = NORMAL');
  const storage = new KyselyStorage(new Kysely<Database>({ dialect: new SqliteWriteLockDialect(sqlite) }), 'sqlite', {
    location: file,
  });
  // A read-only open (tests of a database that cannot be written) uses the schema as it is.
  if (!options.readonly) await storage.migrate();
  return storage;
}
