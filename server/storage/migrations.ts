import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { userSortKeys } from './user-sort-keys';

export type SqlDialectName = 'sqlite' | 'postgres';

/**
 * A user's search document: the search text (four columns, one line each) and the last login
 * date, on one more line. Migration 0005 indexes exactly this expression on PostgreSQL (a query
 * uses the index only when it writes the same), and feeds the same text to SQLite's FTS table.
 */
export const USER_SEARCH_DOCUMENT = sql<string>`search_text || ${sql.lit('\n')} || coalesce(substr(last_login_at, 1, 10), '')`;

/** The sort indexes whose sort value is part of the search text (migration 0009), and their sort columns. */
const WALKED_SORT_INDEXES: [string, string[]][] = [
  ['users_page_given_name', ['sort_given_name', 'sort_surname']],
  ['users_page_surname', ['sort_surname', 'sort_given_name']],
  ['users_page_hsa_id', ['hsa_id']],
  ['users_page_email', ['sort_email']],
];

/**
 * The users' columns each row of SQLite's user_search_keys carries beside the user id (migration
 * 0010): the organisation and the sort keys of the name, e-mail and HSA-id orders, under the
 * users table's own names.
 */
export const SEARCH_KEY_COLUMNS = ['organisation_id', 'hsa_id', 'sort_given_name', 'sort_surname', 'sort_email'] as const;

/**
 * Schema migrations, in code so they ship with the server, and the same for SQLite and PostgreSQL:
 * only the auto-increment key differs; everything else is portable SQL (text timestamps in ISO
 * 8601 UTC, which sort as text in both). Each migration runs in one transaction on both engines.
 */
export function migrationProvider(dialect: SqlDialectName): MigrationProvider {
  const serialKey = (db: Kysely<unknown>, table: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn('id', 'serial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  const migrations: Record<string, Migration> = {
    '0001-initial': {
      async up(db) {
        await db.schema
          .createTable('organisations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('kommun', 'region')`))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('agreements')
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
          .addColumn('eservice_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('agreements_pk', ['organisation_id', 'eservice_id'])
          .execute();
        await db.schema
          .createTable('administrators')
          // One organisation per administrator; the HSA-id is unique among administrators.
          .addColumn('hsa_id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
          .addColumn('given_name', 'text', (c) => c.notNull())
          .addColumn('surname', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_login_at', 'text')
          .execute();
        await db.schema.createIndex('administrators_org').on('administrators').column('organisation_id').execute();
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
          .addColumn('hsa_id', 'text', (c) => c.notNull())
          .addColumn('given_name', 'text', (c) => c.notNull())
          .addColumn('surname', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('last_login_at', 'text')
          // One user per HSA-id per organisation, also under concurrent inserts.
          .addUniqueConstraint('users_org_hsa_unique', ['organisation_id', 'hsa_id'])
          .execute();
        await db.schema.createIndex('users_hsa').on('users').column('hsa_id').execute();
        await db.schema
          .createIndex('users_org_sort')
          .on('users')
          .columns(['organisation_id', 'surname', 'given_name', 'id'])
          .execute();
        await db.schema
          .createTable('user_permissions')
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('eservice_id', 'text', (c) => c.notNull())
          .addColumn('permission_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('user_permissions_pk', ['user_id', 'eservice_id', 'permission_id'])
          .execute();
        await serialKey(db, 'audit_log')
          .addColumn('organisation_id', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target_type', 'text', (c) => c.notNull())
          .addColumn('target_id', 'text', (c) => c.notNull())
          .addColumn('before_json', 'text')
          .addColumn('after_json', 'text')
          .addColumn('occurred_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_org_id').on('audit_log').columns(['organisation_id', 'id']).execute();
        await serialKey(db, 'outbox')
          .addColumn('organisation_id', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('sent_at', 'text')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .execute();
        await db.schema.createIndex('outbox_pending').on('outbox').columns(['sent_at', 'id']).execute();
        await db.schema
          .createTable('challenges')
          .addColumn('nonce', 'text', (c) => c.primaryKey())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('administrator_hsa_id', 'text', (c) => c.notNull())
          .addColumn('organisation_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_seen_at', 'text', (c) => c.notNull())
          .addColumn('idle_expires_at', 'text', (c) => c.notNull())
          .addColumn('absolute_expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_admin').on('sessions').column('administrator_hsa_id').execute();
        await db.schema
          .createTable('operator_messages')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('since', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // The user-list change stamp (count, max updated_at, sum of versions, max last login) reads
    // only this index, not 100,000 rows.
    '0002-user-list-stamp-index': {
      async up(db) {
        await db.schema
          .createIndex('users_org_stamp')
          .on('users')
          .columns(['organisation_id', 'updated_at', 'version', 'last_login_at'])
          .execute();
      },
    },
    // Several instances on one database: a change stamp per organisation that every write to its
    // users, permissions or agreements moves (the list caches of all instances key on it), outbox
    // claims with a lease and back-off, and a row each instance writes to prove it can write.
    '0003-multi-instance': {
      async up(db) {
        await db.schema
          .createTable('list_stamps')
          .addColumn('organisation_id', 'text', (c) => c.primaryKey())
          .addColumn('stamp', 'integer', (c) => c.notNull())
          .execute();
        await db.schema.alterTable('outbox').addColumn('claim_token', 'text').execute();
        await db.schema.alterTable('outbox').addColumn('claimed_until', 'text').execute();
        await db.schema.alterTable('outbox').addColumn('next_attempt_at', 'text').execute();
        await db.schema
          .createTable('write_probes')
          .addColumn('instance_id', 'text', (c) => c.primaryKey())
          .addColumn('written_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // The paged user list: a sort key per column (Swedish order as plain binary order, so both
    // databases sort the same way and an index serves every column, both directions), the search
    // text, and the indexes for keyset pages, the e-service/permission filter and the audit of one user.
    '0004-user-list-paging': {
      async up(db) {
        for (const column of [
          'sort_given_name',
          'sort_surname',
          'sort_email',
          'sort_permissions',
          'sort_last_login',
          'search_text',
        ]) {
          // Binary order on PostgreSQL too, whatever the database's locale: the keys are made for it.
          await db.schema
            .alterTable('users')
            .addColumn(column, dialect === 'postgres' ? sql`text collate "C"` : 'text', (c) => c.notNull().defaultTo(''))
            .execute();
        }
        // Existing users get their keys in batches (keyset over the primary key).
        const kdb = db as Kysely<MigrationDb>;
        let after = '';
        for (;;) {
          const rows = await kdb
            .selectFrom('users')
            .select(['id', 'given_name', 'surname', 'hsa_id', 'email', 'last_login_at'])
            .where('id', '>', after)
            .orderBy('id')
            .limit(1000)
            .execute();
          if (rows.length === 0) break;
          const perms = await kdb
            .selectFrom('user_permissions')
            .select(['user_id', 'eservice_id', 'permission_id'])
            .where(
              'user_id',
              'in',
              rows.map((r) => r.id),
            )
            .execute();
          for (const r of rows) {
            const permissions: Record<string, string[]> = {};
            for (const p of perms) if (p.user_id === r.id) (permissions[p.eservice_id] ??= []).push(p.permission_id);
            const keys = userSortKeys(
              { givenName: r.given_name, surname: r.surname, hsaId: r.hsa_id, email: r.email, lastLoginAt: r.last_login_at },
              permissions,
            );
            await kdb.updateTable('users').set(keys).where('id', '=', r.id).execute();
          }
          after = rows[rows.length - 1]!.id;
        }
        await db.schema.dropIndex('users_org_sort').execute();
        const sortIndexes: [string, string[]][] = [
          ['users_page_given_name', ['sort_given_name', 'sort_surname']],
          ['users_page_surname', ['sort_surname', 'sort_given_name']],
          ['users_page_hsa_id', ['hsa_id']],
          ['users_page_email', ['sort_email']],
          ['users_page_permissions', ['sort_permissions']],
          ['users_page_last_login', ['sort_last_login']],
        ];
        for (const [name, columns] of sortIndexes) {
          await db.schema
            .createIndex(name)
            .on('users')
            .columns(['organisation_id', ...columns, 'id'])
            .execute();
        }
        await db.schema
          .createIndex('user_permissions_filter')
          .on('user_permissions')
          .columns(['eservice_id', 'permission_id', 'user_id'])
          .execute();
        await db.schema.createIndex('audit_org_target').on('audit_log').columns(['organisation_id', 'target_id', 'id']).execute();
      },
    },
    // Time-limited permissions (source 003): the date a permission ends on (YYYY-MM-DD, Swedish
    // time), null for none; the expiry job finds what is due through the index.
    '0005-permission-end-dates': {
      async up(db) {
        await db.schema.alterTable('user_permissions').addColumn('ends_on', 'text').execute();
        await db.schema.createIndex('user_permissions_ends_on').on('user_permissions').columns(['ends_on', 'user_id']).execute();
      },
    },
    // Search at a million users: a trigram index over each user's search document (the four text
    // columns and the last login date, see USER_SEARCH_DOCUMENT). PostgreSQL: pg_trgm's GIN index
    // on that expression. SQLite: an FTS5 table with the trigram tokenizer, kept by triggers; its
    // rowid comes from user_search_keys (a stable integer per user id), not from users' own rowid,
    // which VACUUM may renumber (users has a text primary key).
    '0006-user-search-index': {
      async up(db) {
        if (dialect === 'postgres') {
          await sql`create extension if not exists pg_trgm`.execute(db);
          await sql`create index users_search_trgm on users using gin ((${USER_SEARCH_DOCUMENT}) gin_trgm_ops)`.execute(db);
          return;
        }
        const doc = (row: 'new' | 'u') =>
          sql.raw(`${row}.search_text || char(10) || coalesce(substr(${row}.last_login_at, 1, 10), '')`);
        await sql`create table user_search_keys (n integer primary key, user_id text not null unique)`.execute(db);
        // case_sensitive 1: the document is lower case already, and GLOB (which the index serves
        // then) needs no ESCAPE clause, which would keep LIKE from using it.
        await sql`create virtual table user_search using fts5(document, tokenize = 'trigram case_sensitive 1')`.execute(db);
        await sql`insert into user_search_keys (user_id) select id from users order by id`.execute(db);
        await sql`insert into user_search (rowid, document)
          select k.n, ${doc('u')} from users u join user_search_keys k on k.user_id = u.id`.execute(db);
        await sql`create trigger users_search_insert after insert on users begin
          insert into user_search_keys (user_id) values (new.id);
          insert into user_search (rowid, document)
            values ((select n from user_search_keys where user_id = new.id), ${doc('new')});
        end`.execute(db);
        await sql`create trigger users_search_update after update of search_text, last_login_at on users begin
          update user_search set document = ${doc('new')}
            where rowid = (select n from user_search_keys where user_id = new.id);
        end`.execute(db);
        await sql`create trigger users_search_delete after delete on users begin
          delete from user_search where rowid = (select n from user_search_keys where user_id = old.id);
          delete from user_search_keys where user_id = old.id;
        end`.execute(db);
      },
    },
    // Roles (source 004): an administrator row is now a person's role in one organisation —
    // 'administrator' or 'authorised-orderer' (behörig beställare) — one role per person and
    // organisation, and a person may hold roles in several organisations (several "arbetsgivarkoder").
    // An organisation may have ended (still readable, nothing new granted).
    '0007-roles-and-organisations': {
      async up(db) {
        await db.schema
          .createTable('administrators_v2')
          .addColumn('hsa_id', 'text', (c) => c.notNull())
          .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
          .addColumn('role', 'text', (c) =>
            c
              .notNull()
              .defaultTo('administrator')
              .check(sql`role in ('administrator', 'authorised-orderer')`),
          )
          .addColumn('given_name', 'text', (c) => c.notNull())
          .addColumn('surname', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_login_at', 'text')
          .addPrimaryKeyConstraint('administrators_v2_pk', ['hsa_id', 'organisation_id'])
          .execute();
        await sql`insert into administrators_v2 (hsa_id, organisation_id, role, given_name, surname, email, created_at, last_login_at)
          select hsa_id, organisation_id, 'administrator', given_name, surname, email, created_at, last_login_at from administrators`.execute(
          db,
        );
        await db.schema.dropTable('administrators').execute();
        await db.schema.alterTable('administrators_v2').renameTo('administrators').execute();
        await db.schema
          .createIndex('administrators_org_role')
          .on('administrators')
          .columns(['organisation_id', 'role'])
          .execute();
        await db.schema.alterTable('organisations').addColumn('ended_at', 'text').execute();
      },
    },
    // The organisation's user count, kept by triggers: the list's first page shows it, and
    // count(*) over a million users' index took 0.5 s on both engines. PostgreSQL counts a
    // statement's rows at once (transition tables), so a bulk load pays one update, not a million.
    '0008-organisation-user-counts': {
      async up(db) {
        await db.schema
          .createTable('organisation_user_counts')
          .addColumn('organisation_id', 'text', (c) => c.primaryKey())
          .addColumn('users', 'integer', (c) => c.notNull())
          .execute();
        await sql`insert into organisation_user_counts (organisation_id, users)
          select organisation_id, count(*) from users group by organisation_id`.execute(db);
        if (dialect === 'postgres') {
          await sql`create function count_organisation_users() returns trigger language plpgsql as $$
            begin
              if tg_op = 'INSERT' then
                insert into organisation_user_counts (organisation_id, users)
                  select organisation_id, count(*) from changed group by organisation_id
                  on conflict (organisation_id) do update set users = organisation_user_counts.users + excluded.users;
              else
                update organisation_user_counts c set users = c.users - d.n
                  from (select organisation_id, count(*) as n from changed group by organisation_id) d
                  where c.organisation_id = d.organisation_id;
              end if;
              return null;
            end $$`.execute(db);
          await sql`create trigger users_count_insert after insert on users referencing new table as changed
            for each statement execute function count_organisation_users()`.execute(db);
          await sql`create trigger users_count_delete after delete on users referencing old table as changed
            for each statement execute function count_organisation_users()`.execute(db);
          return;
        }
        await sql`create trigger users_count_insert after insert on users begin
          insert into organisation_user_counts (organisation_id, users) values (new.organisation_id, 1)
            on conflict (organisation_id) do update set users = users + 1;
        end`.execute(db);
        await sql`create trigger users_count_delete after delete on users begin
          update organisation_user_counts set users = users - 1 where organisation_id = old.organisation_id;
        end`.execute(db);
      },
    },
    // SQLite: the name, e-mail and HSA-id sort indexes carry the search text, so that a common
    // term is tested on each row the page walks along the index without reading the row (SQLite
    // defers the row until the test passes). A term clustered in the order ("berg" sorted by
    // surname) walked 60,000 rows before its first match at a million users: 0.2-0.8 s reading
    // rows, 30 ms in the index. PostgreSQL's pages use its trigram index and keep their indexes.
    '0009-sort-indexes-carry-search-text': {
      async up(db) {
        if (dialect === 'postgres') return;
        for (const [name, columns] of WALKED_SORT_INDEXES) {
          await db.schema.dropIndex(name).execute();
          await db.schema
            .createIndex(name)
            .on('users')
            .columns(['organisation_id', ...columns, 'id', 'search_text'])
            .execute();
        }
      },
    },
    // SQLite: each row of user_search_keys (one per FTS document) carries its user's organisation
    // and the name, e-mail and HSA-id sort keys, kept by triggers, so that a page driven by a
    // term's matches sorts them without reading each user's row by its text id: "karin." (20,000
    // matches at a million users) sorted by e-mail cost 115 ms through the rows, 60 ms through
    // the integer key. The table is rebuilt with the columns; the FTS rowids stay.
    '0010-search-keys-carry-sort-keys': {
      async up(db) {
        if (dialect === 'postgres') return;
        const doc = sql.raw(`new.search_text || char(10) || coalesce(substr(new.last_login_at, 1, 10), '')`);
        for (const trigger of ['users_search_insert', 'users_search_update', 'users_search_delete']) {
          await sql`drop trigger ${sql.id(trigger)}`.execute(db);
        }
        await sql`create table user_search_keys_v2 (n integer primary key, user_id text not null unique,
          ${sql.raw(SEARCH_KEY_COLUMNS.map((c) => `${c} text not null`).join(', '))})`.execute(db);
        await sql`insert into user_search_keys_v2 (n, user_id, ${sql.raw(SEARCH_KEY_COLUMNS.join(', '))})
          select k.n, k.user_id, ${sql.raw(SEARCH_KEY_COLUMNS.map((c) => `u.${c}`).join(', '))}
          from user_search_keys k join users u on u.id = k.user_id order by k.n`.execute(db);
        await sql`drop table user_search_keys`.execute(db);
        await sql`alter table user_search_keys_v2 rename to user_search_keys`.execute(db);
        await sql`create trigger users_search_insert after insert on users begin
          insert into user_search_keys (user_id, ${sql.raw(SEARCH_KEY_COLUMNS.join(', '))})
            values (new.id, ${sql.raw(SEARCH_KEY_COLUMNS.map((c) => `new.${c}`).join(', '))});
          insert into user_search (rowid, document)
            values ((select n from user_search_keys where user_id = new.id), ${doc});
        end`.execute(db);
        await sql`create trigger users_search_update after update of search_text, last_login_at on users begin
          update user_search set document = ${doc}
            where rowid = (select n from user_search_keys where user_id = new.id);
        end`.execute(db);
        await sql`create trigger users_search_keys_update after update of ${sql.raw(SEARCH_KEY_COLUMNS.join(', '))} on users begin
          update user_search_keys set ${sql.raw(SEARCH_KEY_COLUMNS.map((c) => `${c} = new.${c}`).join(', '))}
            where user_id = new.id;
        end`.execute(db);
        await sql`create trigger users_search_delete after delete on users begin
          delete from user_search where rowid = (select n from user_search_keys where user_id = old.id);
          delete from user_search_keys where user_id = old.id;
        end`.execute(db);
      },
    },
  };
  return { getMigrations: async () => migrations };
}

/** The tables as migration 0003 reads and writes them. */
interface MigrationDb {
  users: {
    id: string;
    given_name: string;
    surname: string;
    hsa_id: string;
    email: string;
    last_login_at: string | null;
    sort_given_name: string;
    sort_surname: string;
    sort_email: string;
    sort_permissions: string;
    sort_last_login: string;
    search_text: string;
  };
  user_permissions: { user_id: string; eservice_id: string; permission_id: string };
}
