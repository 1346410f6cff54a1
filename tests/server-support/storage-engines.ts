import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgresServer, type PostgresServer } from '../fixtures/postgres-server';
import type { KyselyStorage } from '../../server/storage/kysely-storage';
import { createPostgresStorage } from '../../server/storage/postgres-storage';
import { createSqliteStorage } from '../../server/storage/sqlite-storage';

export type EngineName = 'sqlite' | 'postgres';
export const ENGINES: readonly EngineName[] = ['sqlite', 'postgres'];

/**
 * Fresh databases of one engine for a test file: a SQLite file in a temporary directory, or a new
 * database on a private PostgreSQL server (started on first use, stopped by dispose()).
 */
export interface EngineDatabases {
  readonly engine: EngineName;
  /** A new, empty database: what `--db` takes (a file path or a postgres:// URL). */
  fresh(): Promise<string>;
  /** The PostgreSQL server, when the engine is postgres. */
  readonly server: PostgresServer | undefined;
  dispose(): Promise<void>;
}

let counter = 0;

/** Databases for `engine`; call dispose() in afterAll. */
export async function engineDatabases(engine: EngineName): Promise<EngineDatabases> {
  if (engine === 'postgres') {
    const server = await startPostgresServer();
    return { engine, server, fresh: () => server.createDatabase(), dispose: () => server.stop() };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-sqlite-'));
  return {
    engine,
    server: undefined,
    fresh: async () => path.join(dir, `db-${++counter}.sqlite`),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A second storage on `db` that cannot write: SQLite opened read-only; PostgreSQL with the
 * database's default_transaction_read_only on (new sessions, as after a fail-over to a standby).
 */
export async function openReadOnly(dbs: EngineDatabases, db: string): Promise<KyselyStorage> {
  if (dbs.engine === 'sqlite') return createSqliteStorage(db, { readonly: true });
  const name = new URL(db).pathname.slice(1);
  await dbs.server!.query(`ALTER DATABASE "${name}" SET default_transaction_read_only = on`);
  return createPostgresStorage(db, { migrate: false });
}
