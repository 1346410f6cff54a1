import type { KyselyStorage } from './kysely-storage';
import { createPostgresStorage, isPostgresUrl } from './postgres-storage';
import { createSqliteStorage } from './sqlite-storage';

/**
 * The storage `--db` names: a `postgres://user@host:port/db` URL selects PostgreSQL, anything else
 * is a SQLite file (the embedded default for one machine). Both run the same migrations.
 */
export function openStorage(db: string): Promise<KyselyStorage> {
  return isPostgresUrl(db) ? createPostgresStorage(db) : createSqliteStorage(db);
}
