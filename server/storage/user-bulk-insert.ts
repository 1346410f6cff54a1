import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database-schema';
import type { SqlDialectName } from './migrations';
import type { AuditRecordInput, UserRecord } from './storage';
import { userSortKeys } from './user-sort-keys';

type Db = Kysely<Database> | Transaction<Database>;

const USER_COLUMNS = [
  'id',
  'organisation_id',
  'hsa_id',
  'given_name',
  'surname',
  'email',
  'version',
  'created_at',
  'updated_at',
  'last_login_at',
  'sort_given_name',
  'sort_surname',
  'sort_email',
  'sort_permissions',
  'sort_last_login',
  'search_text',
] as const;
const PERMISSION_COLUMNS = ['user_id', 'eservice_id', 'permission_id', 'ends_on'] as const;
const AUDIT_COLUMNS = [
  'organisation_id',
  'actor',
  'action',
  'target_type',
  'target_id',
  'before_json',
  'after_json',
  'occurred_at',
] as const;

/** PostgreSQL's type of each column for unnest(); text unless named. */
const PG_TYPES: Record<string, string> = { version: 'int' };

function userRow(u: UserRecord): unknown[] {
  const keys = userSortKeys(u, u.permissions);
  return [
    u.id,
    u.organisationId,
    u.hsaId,
    u.givenName,
    u.surname,
    u.email,
    u.version,
    u.createdAt,
    u.updatedAt,
    u.lastLoginAt,
    keys.sort_given_name,
    keys.sort_surname,
    keys.sort_email,
    keys.sort_permissions,
    keys.sort_last_login,
    keys.search_text,
  ];
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

// SQLite statements are cached by (table, rows): one text per chunk size, prepared by the driver.
const sqliteTexts = new Map<string, string>();

/**
 * Inserts rows into `table`: on SQLite multi-row VALUES statements (within the bind-parameter
 * limit), on PostgreSQL one INSERT … SELECT FROM unnest(array per column) per 10,000 rows, with
 * as many parameters as columns whatever the row count. Both skip Kysely's query builder: at a
 * million rows its compiling cost more than the database's work.
 */
async function insertRows(
  db: Db,
  dialect: SqlDialectName,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
): Promise<void> {
  if (dialect === 'postgres') {
    for (let i = 0; i < rows.length; i += 10_000) {
      const chunk = rows.slice(i, i + 10_000);
      const arrays = columns.map((_, c) => chunk.map((r) => r[c]));
      const text =
        `insert into ${table} (${columns.join(', ')}) select * from unnest(` +
        columns.map((c, n) => `$${n + 1}::${PG_TYPES[c] ?? 'text'}[]`).join(', ') +
        ')';
      await db.executeQuery(CompiledQuery.raw(text, arrays));
    }
    return;
  }
  // SQLite allows 32,766 parameters per statement; stay well below.
  const perStatement = Math.floor(8000 / columns.length);
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const key = `${table}:${chunk.length}`;
    let text = sqliteTexts.get(key);
    if (text === undefined) {
      const one = `(${columns.map(() => '?').join(', ')})`;
      text = `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: chunk.length }, () => one).join(', ')}`;
      sqliteTexts.set(key, text);
    }
    await db.executeQuery(CompiledQuery.raw(text, chunk.flat()));
  }
}

/** Inserts the users with their sort keys and their permissions (the list stamps are the caller's). */
export async function insertUserRows(db: Db, dialect: SqlDialectName, users: readonly UserRecord[]): Promise<void> {
  await insertRows(db, dialect, 'users', USER_COLUMNS, users.map(userRow));
  const perms: unknown[][] = [];
  for (const u of users) {
    for (const [eserviceId, ids] of Object.entries(u.permissions))
      for (const p of ids) perms.push([u.id, eserviceId, p, u.endDates?.[eserviceId]?.[p] ?? null]);
  }
  await insertRows(db, dialect, 'user_permissions', PERMISSION_COLUMNS, perms);
}

/** Inserts audit records. */
export async function insertAuditRows(db: Db, dialect: SqlDialectName, records: readonly AuditRecordInput[]): Promise<void> {
  await insertRows(
    db,
    dialect,
    'audit_log',
    AUDIT_COLUMNS,
    records.map((r) => [r.organisationId, r.actor, r.action, r.targetType, r.targetId, json(r.before), json(r.after), r.at]),
  );
}

/** The tables a bulk load fills: their secondary indexes are built after the rows are in. */
const BULK_TABLES = ['users', 'user_permissions', 'audit_log'];

/**
 * The secondary indexes of the bulk-loaded tables as the database's catalogue defines them (name
 * and CREATE statement), leaving out those behind a primary key or unique constraint. Reading the
 * definitions back from the catalogue keeps the migrations the one place that defines them.
 */
export async function secondaryIndexes(db: Db, dialect: SqlDialectName): Promise<{ name: string; definition: string }[]> {
  const tables = sql.join(BULK_TABLES.map((t) => sql.lit(t)));
  if (dialect === 'postgres') {
    const { rows } = await sql<{ name: string; definition: string }>`
      select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
      from pg_index i
      join pg_class c on c.oid = i.indexrelid
      join pg_class t on t.oid = i.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = current_schema() and t.relname in (${tables})
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      order by c.relname`.execute(db);
    return rows;
  }
  // SQLite's own indexes for PRIMARY KEY / UNIQUE have no CREATE statement (sql is null).
  const { rows } = await sql<{ name: string; definition: string }>`
    select name, sql as definition from sqlite_master
    where type = 'index' and tbl_name in (${tables}) and sql is not null
    order by name`.execute(db);
  return rows;
}

/** Drops the indexes (before a bulk load); `restoreIndexes` builds them again from the same list. */
export async function dropIndexes(db: Db, indexes: readonly { name: string }[]): Promise<void> {
  for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(db);
}

/** Builds the indexes again, each from its own CREATE statement. */
export async function restoreIndexes(db: Db, indexes: readonly { definition: string }[]): Promise<void> {
  for (const index of indexes) await sql.raw(index.definition).execute(db);
}
