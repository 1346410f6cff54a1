import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema';
import { KyselyStorage } from './kysely-storage';
import { ClassifyingDialect } from './storage-error';

/** True for a `postgres://` or `postgresql://` connection string (anything else is a SQLite file). */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(db);
}

/** The URL without its password, for logs and messages. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Connects to PostgreSQL (a pool of `poolSize` connections) and migrates the schema; several
 * server instances may do this at once (the migrator holds an advisory lock).
 */
export async function createPostgresStorage(
  url: string,
  options: { poolSize?: number; migrate?: boolean } = {},
): Promise<KyselyStorage> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const location = redactPostgresUrl(url);
  const dialect = new ClassifyingDialect(new PostgresDialect({ pool }), location);
  const storage = new KyselyStorage(new Kysely<Database>({ dialect }), 'postgres', { location });
  try {
    if (options.migrate !== false) await storage.migrate();
  } catch (e) {
    await storage.close();
    throw e;
  }
  return storage;
}
