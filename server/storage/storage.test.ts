import { spawn } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENGINES, engineDatabases, type EngineDatabases } from '../../tests/server-support/storage-engines';
import { auditQuery, type KyselyStorage } from './kysely-storage';
import { openStorage } from './open-storage';
import {
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteDialect,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema';
import {
  boundedWalkQuery,
  DENSE_TERM,
  drivesPage,
  keyedPageQuery,
  pageByStrategy,
  pageStrategy,
  searchPlan,
  userFilterCondition,
  userPageQuery,
} from './user-page-query';
import type { UserRecord } from './storage';
import { USER_SORT_COLUMNS, userSearchText, type UserSortColumn } from '../../common/api/user-list';

// The storage contract, run against both engines: SQLite files and a real PostgreSQL server.

const T0 = '2026-01-01T10:00:00.000Z';
const T1 = '2026-01-01T11:00:00.000Z';
const T2 = '2026-01-01T12:00:00.000Z';

function user(n: number, organisationId = 'kommun-a', permissions: UserRecord['permissions'] = {}): UserRecord {
  return {
    id: `u-${organisationId}-${n}`,
    organisationId,
    hsaId: `SE2321000016-U${String(n).padStart(4, '0')}`,
    givenName: `Förnamn${n}`,
    surname: `Efternamn${String(n).padStart(4, '0')}`,
    email: `u${n}@a.se`,
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    lastLoginAt: null,
    permissions,
  };
}

async function withOrganisations(storage: KyselyStorage): Promise<void> {
  await storage.insertOrganisation({
    id: 'kommun-a',
    name: 'A kommun',
    kind: 'kommun',
    agreements: ['statlig-ersattning'],
    createdAt: T0,
  });
  await storage.insertOrganisation({
    id: 'region-b',
    name: 'Region B',
    kind: 'region',
    agreements: ['landsting'],
    createdAt: T0,
  });
}

describe.each(ENGINES)('storage on %s', (engine) => {
  let dbs: EngineDatabases;
  let storage: KyselyStorage;
  const opened: KyselyStorage[] = [];
  const open = async (db?: string) => {
    const s = await openStorage(db ?? (await dbs.fresh()));
    opened.push(s);
    return s;
  };
  // A Kysely that only compiles, in this engine's SQL (for EXPLAIN of the storage's own statements).
  const compiler = () =>
    new Kysely<Database>({
      dialect: {
        createAdapter: () => (engine === 'postgres' ? new PostgresAdapter() : new SqliteAdapter()),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => (engine === 'postgres' ? new PostgresIntrospector(k) : new SqliteIntrospector(k)),
        createQueryCompiler: () => (engine === 'postgres' ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
      },
    });
  // The engine's plan of a compiled statement, one line per step (PostgreSQL: sequential scans off,
  // so an index that can serve is shown even on a small table).
  const queryPlan = async (db: string, query: CompiledQuery): Promise<string> => {
    if (engine === 'sqlite') {
      const sqlite = new BetterSqlite3(db, { readonly: true });
      try {
        const rows = sqlite.prepare(`explain query plan ${query.sql}`).all(...query.parameters) as { detail: string }[];
        return rows.map((r) => r.detail).join('\n');
      } finally {
        sqlite.close();
      }
    }
    const client = new pg.Client(db);
    await client.connect();
    try {
      await client.query('set enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${query.sql}`, [...query.parameters]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    dbs = await engineDatabases(engine);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await dbs?.dispose();
  });

  it('migrates a new database and is idempotent on the next start', async () => {
    const db = await dbs.fresh();
    storage = await open(db);
    await withOrganisations(storage);
    await storage.close();
    storage = await open(db);
    expect((await storage.listOrganisations()).map((o) => o.id)).toEqual(['kommun-a', 'region-b']);
    expect((await storage.getOrganisation('kommun-a'))?.agreements).toEqual(['statlig-ersattning']);
  });

  it("refuses a list read whose client has gone with the signal's reason, and answers the next", async () => {
    storage = await open();
    await withOrganisations(storage);
    await storage.insertUsers([user(1), user(2)]);
    const request = { limit: 10, sort: 'email' as const, direction: 'asc' as const, filter: { terms: [], inactiveBefore: T0 } };
    const gone = new AbortController();
    gone.abort(new Error('client gone'));
    await expect(storage.listUserPage('kommun-a', request, { signal: gone.signal })).rejects.toThrow('client gone');
    await expect(storage.countUsers('kommun-a', request.filter, undefined, { signal: gone.signal })).rejects.toThrow(
      'client gone',
    );
    expect((await storage.listUserPage('kommun-a', request)).users.map((u) => u.id)).toEqual(['u-kommun-a-1', 'u-kommun-a-2']);
    expect(await storage.countUsers('kommun-a', request.filter)).toEqual({ count: 2, more: false });
  });

  it('lets two instances migrate one new database at the same time', async () => {
    const db = await dbs.fresh();
    const [a, b] = await Promise.all([open(db), open(db)]);
    await withOrganisations(a!);
    expect((await b!.listOrganisations()).length).toBe(2);
  });

  it('stores users with permissions, lists them sorted, and pages', async () => {
    storage = await open();
    await withOrganisations(storage);
    await storage.insertUsers([
      user(3),
      user(1, 'kommun-a', { 'statlig-ersattning': ['las-arenden'] }),
      user(2),
      user(9, 'region-b'),
    ]);
    const all = await storage.listUsers('kommun-a');
    expect(all.total).toBe(3);
    expect(all.users.map((u) => u.id)).toEqual(['u-kommun-a-1', 'u-kommun-a-2', 'u-kommun-a-3']);
    expect(all.users[0]?.permissions).toEqual({ 'statlig-ersattning': ['las-arenden'] });
    expect(all.users[0]?.version).toBe(1);
    const page = await storage.listUsers('kommun-a', { limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3, users: [{ id: 'u-kommun-a-2' }] });
    expect((await storage.findUsersByHsaId(user(9).hsaId)).map((u) => u.organisationId)).toEqual(['region-b']);
  });

  // The index names of the bulk-loaded tables, read from the engine's own catalogue.
  const indexNames = async (db: string): Promise<string[]> => {
    const tables = "('users', 'user_permissions', 'audit_log')";
    if (engine === 'sqlite') {
      const sqlite = new BetterSqlite3(db, { readonly: true });
      try {
        const rows = sqlite.prepare(`select name from sqlite_master where type = 'index' and tbl_name in ${tables}`).all();
        return (rows as { name: string }[]).map((r) => r.name).sort();
      } finally {
        sqlite.close();
      }
    }
    const { rows } = await dbs.server!.query(
      `select indexname as name from pg_indexes where tablename in ${tables}`,
      new URL(db).pathname.slice(1),
    );
    return (rows as { name: string }[]).map((r) => r.name).sort();
  };

  it('bulk-loads users, permissions and audit rows in one go and builds every index again', async () => {
    const db = await dbs.fresh();
    storage = await open(db);
    await withOrganisations(storage);
    const before = await indexNames(db);
    expect(before).toContain('users_page_email');
    const stamp = await storage.userListStamp('kommun-a');
    const audit = (u: UserRecord) => ({
      organisationId: u.organisationId,
      actor: 'SE2321000016-A1B2',
      action: 'user.created' as const,
      targetType: 'user' as const,
      targetId: u.id,
      before: null,
      after: { id: u.id },
      at: T0,
    });
    async function* batches() {
      const first = [user(1, 'kommun-a', { 'statlig-ersattning': ['las-arenden'] }), user(2)];
      yield { users: first, audit: first.map(audit) };
      yield { users: [user(3), user(9, 'region-b')] };
    }
    expect(await storage.bulkLoadUsers(batches())).toBe(4);
    expect(await indexNames(db)).toEqual(before);
    const all = await storage.listUsers('kommun-a');
    expect(all.users.map((u) => u.id)).toEqual(['u-kommun-a-1', 'u-kommun-a-2', 'u-kommun-a-3']);
    expect(all.users[0]?.permissions).toEqual({ 'statlig-ersattning': ['las-arenden'] });
    const page = await storage.listUserPage('kommun-a', {
      limit: 10,
      sort: 'email',
      direction: 'desc',
      filter: { terms: [], inactiveBefore: T0 },
    });
    expect(page.users.map((u) => u.email)).toEqual(['u3@a.se', 'u2@a.se', 'u1@a.se']);
    expect((await storage.listAudit('kommun-a', { limit: 10, targetId: 'u-kommun-a-2' })).length).toBe(1);
    expect(await storage.userListStamp('kommun-a')).not.toBe(stamp);
    // The unique HSA-id per organisation holds during a bulk load too.
    await expect(storage.bulkLoadUsers([{ users: [{ ...user(4), hsaId: user(1).hsaId }] }])).rejects.toThrow();
  });

  it("keeps each organisation's user count through inserts, bulk loads, deletes and a failed load", async () => {
    storage = await open();
    await withOrganisations(storage);
    const all = (organisationId: string) => storage.countUsers(organisationId, { terms: [], inactiveBefore: T0 });
    expect(await all('kommun-a')).toEqual({ count: 0, more: false });
    await storage.insertUsers([user(1), user(2)]);
    await storage.bulkLoadUsers([{ users: [user(3), user(4), user(9, 'region-b')] }, { users: [user(5)] }]);
    expect(await all('kommun-a')).toEqual({ count: 5, more: false });
    expect(await all('region-b')).toEqual({ count: 1, more: false });
    expect(await storage.countUsers('kommun-a', { terms: [], inactiveBefore: T0 }, 3)).toEqual({ count: 3, more: true });
    expect(await storage.deleteUser('kommun-a', user(2).id, 1)).toBe(true);
    expect(await all('kommun-a')).toEqual({ count: 4, more: false });
    await expect(storage.bulkLoadUsers([{ users: [user(6)] }, { users: [user(6)] }])).rejects.toThrow();
    expect(await all('kommun-a')).toEqual({ count: 4, more: false });
    expect((await storage.listUsers('kommun-a')).total).toBe(4);
  });

  it('leaves nothing behind, indexes included, when a bulk load fails half-way', async () => {
    const db = await dbs.fresh();
    storage = await open(db);
    await withOrganisations(storage);
    const before = await indexNames(db);
    async function* failing() {
      yield { users: [user(1), user(2)] };
      throw new Error('the generator broke');
    }
    await expect(storage.bulkLoadUsers(failing())).rejects.toThrow('the generator broke');
    expect(await indexNames(db)).toEqual(before);
    expect((await storage.listUsers('kommun-a')).total).toBe(0);
  });

  it('writes only over the expected version', async () => {
    storage = await open();
    await withOrganisations(storage);
    await storage.insertUser(user(1));
    const fields = { hsaId: user(1).hsaId, givenName: 'Ny', surname: 'Namn', email: 'ny@a.se' };
    expect(await storage.updateUser('kommun-a', 'u-kommun-a-1', 1, fields, T1)).toBe(true);
    expect(await storage.updateUser('kommun-a', 'u-kommun-a-1', 1, fields, T1)).toBe(false);
    expect(await storage.replacePermissions('u-kommun-a-1', 'statlig-ersattning', ['las-arenden', 'attestera'], 2, T2)).toBe(
      true,
    );
    expect(await storage.replacePermissions('u-kommun-a-1', 'statlig-ersattning', [], 2, T2)).toBe(false);
    const stored = await storage.findUser('kommun-a', 'u-kommun-a-1');
    expect(stored).toMatchObject({ givenName: 'Ny', version: 3, updatedAt: T2 });
    expect(stored?.permissions['statlig-ersattning']?.sort()).toEqual(['attestera', 'las-arenden']);
    expect(await storage.deleteUser('kommun-a', 'u-kommun-a-1', 2)).toBe(false);
    expect(await storage.deleteUser('kommun-a', 'u-kommun-a-1', 3)).toBe(true);
    expect(await storage.findUser('kommun-a', 'u-kommun-a-1')).toBeUndefined();
  });

  it('rolls a failed transaction back entirely', async () => {
    storage = await open();
    await withOrganisations(storage);
    await expect(
      storage.transaction(async (tx) => {
        await tx.insertUser(user(1));
        await tx.insertUser(user(1)); // the same id again
      }),
    ).rejects.toThrow();
    expect((await storage.listUsers('kommun-a')).total).toBe(0);
  });

  it('burns a nonce once: ok, then used; unknown and expired told apart', async () => {
    storage = await open();
    await storage.insertChallenge('n1', T0, T1);
    await storage.insertChallenge('n2', T0, T1);
    expect(await storage.consumeChallenge('n1', T0)).toBe('ok');
    expect(await storage.consumeChallenge('n1', T0)).toBe('used');
    expect(await storage.consumeChallenge('nope', T0)).toBe('unknown');
    expect(await storage.consumeChallenge('n2', T2)).toBe('expired');
  });

  it('lets exactly one of two instances burn a nonce', async () => {
    const db = await dbs.fresh();
    const a = await open(db);
    const b = await open(db);
    await a.insertChallenge('shared', T0, T2);
    const outcomes = await Promise.all([a.consumeChallenge('shared', T1), b.consumeChallenge('shared', T1)]);
    expect(outcomes.sort()).toEqual(['ok', 'used']);
  });

  it('shares sessions between instances and purges expired ones', async () => {
    const db = await dbs.fresh();
    const a = await open(db);
    const b = await open(db);
    const session = {
      tokenHash: 'h1',
      administratorHsaId: 'SE2321000016-A1B2',
      organisationId: 'kommun-a',
      createdAt: T0,
      lastSeenAt: T0,
      idleExpiresAt: T1,
      absoluteExpiresAt: T2,
    };
    await a.insertSession(session);
    expect(await b.findSession('h1')).toEqual(session);
    await b.touchSession('h1', T1, T2);
    expect((await a.findSession('h1'))?.idleExpiresAt).toBe(T2);
    await a.purgeExpired(T2, T0);
    expect(await b.findSession('h1')).toBeUndefined();
  });

  it('keeps the audit log newest first, filtered by target and before', async () => {
    storage = await open();
    for (const [i, target] of ['x', 'y', 'x'].entries()) {
      await storage.insertAudit({
        organisationId: 'kommun-a',
        actor: 'SE2321000016-A1B2',
        action: 'user.updated',
        targetType: 'user',
        targetId: target,
        before: { i },
        after: null,
        at: T0,
      });
    }
    const all = await storage.listAudit('kommun-a', { limit: 10 });
    expect(all.map((r) => r.before)).toEqual([{ i: 2 }, { i: 1 }, { i: 0 }]);
    expect(typeof all[0]?.id).toBe('number');
    expect((await storage.listAudit('kommun-a', { limit: 10, targetId: 'x' })).length).toBe(2);
    expect((await storage.listAudit('kommun-a', { limit: 10, before: all[0]!.id })).length).toBe(2);
  });

  it("reads one user's audit entries (GET /audit?user=) through the (organisation, target) index", async () => {
    // Without it the query scanned the organisation's log: 437 ms at a million audit rows.
    const db = await dbs.fresh();
    storage = await open(db);
    const query = auditQuery(compiler(), 'kommun-a', { limit: 50, targetId: 'u-1', before: 1000 }).compile();
    const explained = await queryPlan(db, query);
    expect(explained).toMatch(/audit_org_target/);
  });

  it('keeps the operator message', async () => {
    storage = await open();
    expect(await storage.getOperatorMessage()).toBeNull();
    await storage.setOperatorMessage({ severity: 'warning', text: 'Underhåll i kväll', since: T0 });
    expect(await storage.getOperatorMessage()).toEqual({ severity: 'warning', text: 'Underhåll i kväll', since: T0 });
    await storage.setOperatorMessage(null);
    expect(await storage.getOperatorMessage()).toBeNull();
  });

  it('claims outbox mail with a lease: counted at the claim, retaken only after the lease, marked only by its holder', async () => {
    storage = await open();
    await storage.insertOutbox({ organisationId: 'kommun-a', recipient: 'a@a.se', subject: 'S', body: 'B', createdAt: T0 });
    const claim = (now: string, until: string, claimToken: string) =>
      storage.claimOutbox({ limit: 10, maxAttempts: 2, now, claimedUntil: until, claimToken });
    const first = await claim(T0, T1, 'c1');
    expect(first).toMatchObject([{ recipient: 'a@a.se', attempts: 1, claimToken: 'c1' }]);
    expect(await claim(T0, T1, 'c2')).toEqual([]);
    // The lease ran out (the first holder died): another dispatcher takes it over.
    const second = await claim(T1, T2, 'c2');
    expect(second).toMatchObject([{ attempts: 2 }]);
    expect(await storage.markOutboxSent(first[0]!.id, 'c1', T1)).toBe(false);
    await storage.markOutboxFailed(first[0]!.id, 'c2', 'smtp down', T1);
    // Two attempts used up: never claimed again.
    expect(await claim(T2, T2, 'c3')).toEqual([]);
    await storage.insertOutbox({ organisationId: 'kommun-a', recipient: 'b@a.se', subject: 'S', body: 'B', createdAt: T0 });
    const [b] = await claim(T0, T1, 'c4');
    await storage.markOutboxFailed(b!.id, 'c4', 'smtp down', T2);
    expect(await claim(T1, T2, 'c5')).toEqual([]); // backing off until T2
    const [again] = await claim(T2, T2, 'c6');
    expect(await storage.markOutboxSent(again!.id, 'c6', T2)).toBe(true);
    expect(await storage.pendingOutbox(10, 2)).toEqual([]); // b sent; a gave up
  });

  it('moves the user-list stamp on every write, including a login older than the newest one', async () => {
    storage = await open();
    await withOrganisations(storage);
    await storage.insertUsers([user(1), user(2)]);
    const stamps = new Set<string>([await storage.userListStamp('kommun-a')]);
    const moved = async () => {
      const stamp = await storage.userListStamp('kommun-a');
      const isNew = !stamps.has(stamp);
      stamps.add(stamp);
      return isNew;
    };
    await storage.recordUserLogin(user(1).hsaId, T2);
    expect(await moved()).toBe(true);
    // An earlier login of another user leaves max(last_login_at) where it was.
    await storage.recordUserLogin(user(2).hsaId, T1);
    expect(await moved()).toBe(true);
    await storage.setAgreements('kommun-a', ['statlig-ersattning', 'ensamkommande']);
    expect(await moved()).toBe(true);
    await storage.insertUser(user(3));
    expect(await moved()).toBe(true);
    expect(await storage.deleteUser('kommun-a', user(3).id, 1)).toBe(true);
    expect(await moved()).toBe(true);
  });

  it('drives a page from a term below the square root of a page times the organisation, and never from 20,000 matches', () => {
    expect(drivesPage(1_000, 20_000)).toBe(true);
    expect(drivesPage(1_500, 20_000)).toBe(false);
    expect(drivesPage(5_000, 1_000_000)).toBe(true);
    expect(drivesPage(15_000, 1_000_000)).toBe(false);
    expect(drivesPage(19_999, 10_000_000)).toBe(true);
    expect(drivesPage(DENSE_TERM, 1_000_000_000)).toBe(false);
  });

  describe('search through the trigram index', () => {
    const term = (text: string) => ({ text, permissions: [], never: false, inactive: false });
    const filter = (...texts: string[]) => ({ terms: texts.map(term), inactiveBefore: T0 });
    const emails = async (...texts: string[]) =>
      (
        await storage.listUserPage('kommun-a', {
          limit: DENSE_TERM + 1000,
          sort: 'email',
          direction: 'asc',
          filter: filter(...texts),
        })
      ).users.map((u) => u.email);
    // More users holding "vanlig" than DENSE_TERM: a common term, looked up row by row (SQLite).
    const common = (n: number) => ({ ...user(1000 + n), surname: 'Vanligsson', email: `v${1000 + n}@a.se` });

    let lastDb: string;
    beforeEach(async () => {
      lastDb = await dbs.fresh();
      storage = await open(lastDb);
      await withOrganisations(storage);
      await storage.bulkLoadUsers([
        {
          users: [
            { ...user(1), givenName: 'Greta', surname: 'Garbo', email: 'greta.garbo@film.se' },
            { ...user(2), email: 'x*y?z[1]@a.se' },
            { ...user(3), email: '100%_rabatt@a.se' },
            { ...user(4, 'region-b'), givenName: 'Greta', surname: 'Regionsson' },
            ...Array.from({ length: DENSE_TERM + 100 }, (_, i) => common(i)),
          ],
        },
      ]);
    });

    it('finds rare and common terms, short and long, with wildcard characters taken literally', async () => {
      expect(await emails('garbo')).toEqual(['greta.garbo@film.se']);
      expect(await emails('greta', 'film')).toEqual(['greta.garbo@film.se']);
      expect(await emails('y?z[')).toEqual(['x*y?z[1]@a.se']);
      expect(await emails('x*y')).toEqual(['x*y?z[1]@a.se']);
      expect(await emails('0%_r')).toEqual(['100%_rabatt@a.se']);
      expect(await emails('y?q')).toEqual([]);
      expect(await emails('a"b"c')).toEqual([]);
      expect(await emails('vanligsson')).toHaveLength(DENSE_TERM + 100);
      expect(await emails('vanligsson', 'v1001@')).toEqual(['v1001@a.se']);
      expect(await emails('ga')).toEqual(['greta.garbo@film.se']);
    });

    it('counts up to a cap, saying when more match, and exactly without one', async () => {
      const capped = (texts: string[], cap: number) => storage.countUsers('kommun-a', filter(...texts), cap);
      expect(await capped(['vanligsson'], 50)).toEqual({ count: 50, more: true });
      expect(await capped(['vanligsson'], DENSE_TERM + 1000)).toEqual({ count: DENSE_TERM + 100, more: false });
      expect(await capped(['vanligsson', 'v1001@'], 50)).toEqual({ count: 1, more: false });
      expect(await capped(['garbo'], 50)).toEqual({ count: 1, more: false });
      expect(await capped(['gr'], 50)).toEqual({ count: 1, more: false });
      expect(await capped(['an'], 50)).toEqual({ count: 50, more: true });
      expect(await storage.countUsers('kommun-a', filter())).toEqual({ count: DENSE_TERM + 103, more: false });
    });

    it('answers a rare term from the trigram index, not by reading every user', async () => {
      const condition = filter('garbo');
      const plan = engine === 'postgres' ? ({ dialect: 'postgres' } as const) : { dialect: 'sqlite' as const, drives: 'garbo' };
      const sql = compiler();
      const query = sql
        .selectFrom('users')
        .select('id')
        .where((eb) => userFilterCondition(eb, plan, 'kommun-a', condition))
        .compile();
      const explained = await queryPlan(lastDb, query);
      if (engine === 'sqlite') {
        expect(explained).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
        // The whole page: driven by the rare term's few matches, then sorted, never by walking the
        // organisation's sort index and probing every user (a second at a million users).
        const page = userPageQuery(sql, plan, 'kommun-a', {
          limit: 100,
          sort: 'email',
          direction: 'asc',
          after: { values: ['a'], id: 'u' },
          filter: condition,
        }).compile();
        const pagePlan = await queryPlan(lastDb, page);
        expect(pagePlan).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
        expect(pagePlan).not.toMatch(/users_page_|users_org/);
      } else {
        expect(explained).toMatch(/Bitmap Index Scan on users_search_trgm/);
      }
    });

    it('lets a term drive the page only where it is rare in the organisation, with the same rows either way', async () => {
      // 2,010 of the 20,103 users hold "0@a": walking the sort index finds a page of 100 after
      // about 1,000 rows, where driving would fetch and sort all 2,010 (at a million users, a
      // name like "karin." sorted 15,000 matches on every keystroke).
      if (engine === 'sqlite') {
        const db = new Kysely<Database>({
          dialect: new SqliteDialect({ database: new BetterSqlite3(lastDb, { readonly: true }) }),
        });
        try {
          const common = await searchPlan(db, 'sqlite', 'kommun-a', filter('0@a'));
          expect(common).toEqual({ dialect: 'sqlite', matches: { '0@a': 2010 }, organisationUsers: 20_103 });
          expect(await searchPlan(db, 'sqlite', 'kommun-a', filter('0@a', 'garbo'))).toEqual({
            dialect: 'sqlite',
            drives: 'garbo',
            matches: { '0@a': 2010, garbo: 1 },
            organisationUsers: 20_103,
          });
        } finally {
          await db.destroy();
        }
      }
      const found = await emails('0@a');
      expect(found).toHaveLength(2010);
      expect(found.every((e) => e.endsWith('0@a.se'))).toBe(true);
      expect(await emails('garbo', '@film')).toEqual(['greta.garbo@film.se']);
    });

    it.runIf(engine === 'sqlite')('makes one plan for a page and its count asked at once, and a new one after', async () => {
      const db = new Kysely<Database>({
        dialect: new SqliteDialect({ database: new BetterSqlite3(lastDb, { readonly: true }) }),
      });
      try {
        const first = searchPlan(db, 'sqlite', 'kommun-a', filter('garbo'));
        const others = [
          searchPlan(db, 'sqlite', 'kommun-a', filter('garbo')),
          searchPlan(db, 'sqlite', 'region-b', filter('garbo')),
          searchPlan(db, 'sqlite', 'kommun-a', filter('garb')),
        ];
        expect(others.map((p) => p === first)).toEqual([true, false, false]);
        expect(await first).toEqual({ dialect: 'sqlite', drives: 'garbo', matches: { garbo: 1 }, organisationUsers: 20_103 });
        // Made: the next request plans again (a write in between may have changed the counts).
        const again = searchPlan(db, 'sqlite', 'kommun-a', filter('garbo'));
        expect(again).not.toBe(first);
        await Promise.all([...others, again]);
      } finally {
        await db.destroy();
      }
    });

    it('keeps the index in step with every write: rename, login, delete, insert', async () => {
      const greta = user(1);
      expect(
        await storage.updateUser(
          'kommun-a',
          greta.id,
          1,
          { ...greta, givenName: 'Greta', surname: 'Lovisa', email: 'g@film.se' },
          T1,
        ),
      ).toBe(true);
      expect(await emails('garbo')).toEqual([]);
      expect(await emails('lovisa')).toEqual(['g@film.se']);
      await storage.recordUserLogin(greta.hsaId, '2031-07-04T10:00:00.000Z');
      expect(await emails('2031-07')).toEqual(['g@film.se']);
      expect(await storage.deleteUser('kommun-a', greta.id, 2)).toBe(true);
      expect(await emails('lovisa')).toEqual([]);
      await storage.insertUser({ ...user(5), surname: 'Nyinlagd', email: 'ny@a.se' });
      expect(await emails('nyinlagd')).toEqual(['ny@a.se']);
      if (engine === 'sqlite') {
        // user_search_keys carries each user's organisation and sort keys (migration 0010).
        await storage.updateUser(
          'kommun-a',
          user(2).id,
          1,
          { ...user(2), givenName: 'Åsa', surname: 'Östman', email: 'z@a.se' },
          T1,
        );
        const sqlite = new BetterSqlite3(lastDb, { readonly: true });
        try {
          const columns = ['organisation_id', 'hsa_id', 'sort_given_name', 'sort_surname', 'sort_email'];
          const differing = sqlite
            .prepare(
              `select count(*) as n from users u left join user_search_keys k on k.user_id = u.id
               where ${columns.map((c) => `k.${c} is not u.${c}`).join(' or ')}`,
            )
            .get() as { n: number };
          expect(differing.n).toBe(0);
          const counts = sqlite
            .prepare('select (select count(*) from users) as users, (select count(*) from user_search_keys) as keys')
            .get();
          expect(counts).toEqual({ users: DENSE_TERM + 104, keys: DENSE_TERM + 104 });
        } finally {
          sqlite.close();
        }
      }
    });
  });

  describe('a search walked along the sort index', () => {
    // 600 users whose names cluster in the sort order ("berg" in half the surnames, together when
    // sorted by surname): on SQLite common terms ("berg", 300; "2031-0", 400) are tested row by row
    // while the sort index is walked, rare ones ("ann", 200; "ek27") drive; either way the rows are
    // those of the unsearched list, in its order, that hold the terms in the search document.
    const GIVEN = ['Anna', 'Bo', 'Hanna', 'Örjan', 'Karin', 'Sven'];
    const SUR = ['Andersson', 'Berg', 'Lindberg', 'Öberg', 'Åström', 'Ek'];
    const people = Array.from({ length: 600 }, (_, n) => {
      const givenName = GIVEN[n % 6]!;
      const surname = SUR[Math.floor(n / 100)]!;
      return {
        ...user(n),
        givenName,
        surname,
        email: `${givenName}.${surname}${n}@kommun.se`.toLowerCase(),
        lastLoginAt: n % 3 === 0 ? null : `2031-0${1 + (n % 9)}-1${n % 10}T08:00:00.000Z`,
      };
    });
    const documentOf = (u: UserRecord) => `${userSearchText(u)}\n${u.lastLoginAt?.slice(0, 10) ?? ''}`;
    const term = (text: string) => ({ text, permissions: [], never: false, inactive: false });
    const pages = async (sort: UserSortColumn, direction: 'asc' | 'desc', texts: string[]) => {
      const found: string[] = [];
      let after: { values: string[]; id: string } | undefined;
      for (;;) {
        const page = await storage.listUserPage('kommun-a', {
          limit: 37,
          sort,
          direction,
          filter: { terms: texts.map(term), inactiveBefore: T0 },
          ...(after ? { after } : {}),
        });
        found.push(...page.users.map((u) => u.id));
        if (!page.next) return found;
        after = page.next;
      }
    };

    it('finds what the unsearched list holds, in its order, for every sort and direction', async () => {
      storage = await open();
      await withOrganisations(storage);
      await storage.bulkLoadUsers([{ users: people }]);
      const byId = new Map(people.map((u) => [u.id, u]));
      const searches = [['berg'], ['ann'], ['berg', 'sven'], ['2031-0'], ['-05-1'], ['2-1'], ['ö'], ['berg', '7'], ['ek57']];
      for (const sort of USER_SORT_COLUMNS) {
        for (const direction of ['asc', 'desc'] as const) {
          const all = await pages(sort, direction, []);
          expect(all).toHaveLength(600);
          for (const texts of searches) {
            const expected = all.filter((id) => texts.every((t) => documentOf(byId.get(id)!).includes(t)));
            expect(expected.length, texts.join(' ')).toBeGreaterThan(0);
            expect(await pages(sort, direction, texts), `${sort} ${direction} ${texts.join(' ')}`).toEqual(expected);
          }
        }
      }
    });

    it.runIf(engine === 'sqlite')(
      'walks a lone term within a budget of rows and then sorts its matches from user_search_keys: the same pages',
      async () => {
        // The two ways a page of plain terms is found besides the plan's own, forced here (600 users
        // are too few for the walk's budget to run out on its own, or to split the keyed sort): a
        // budget of 10 rows never holds a page of 37 ("berg" is in half the rows), so each page
        // falls back to the keyed sort, whole or in parts of the FTS rowids.
        const file = await dbs.fresh();
        storage = await open(file);
        await withOrganisations(storage);
        await storage.bulkLoadUsers([{ users: people }]);
        const byId = new Map(people.map((u) => [u.id, u]));
        const db = new Kysely<Database>({
          dialect: new SqliteDialect({ database: new BetterSqlite3(file, { readonly: true }) }),
        });
        try {
          const keyedSorts = ['givenName', 'surname', 'hsaId', 'email'] as const;
          for (const sort of keyedSorts) {
            for (const direction of ['asc', 'desc'] as const) {
              const all = await pages(sort, direction, []);
              for (const texts of [['berg'], ['ann'], ['ek57'], ['berg', 'ann'], ['ann', '-05-1'], ['berg', 'qqq']]) {
                const expected = all.filter((id) => texts.every((t) => documentOf(byId.get(id)!).includes(t)));
                for (const strategy of [
                  { kind: 'keyed', texts, parts: 1 },
                  { kind: 'keyed', texts, parts: 2 },
                  { kind: 'keyed', texts, parts: 3 },
                  { kind: 'walk-then-keyed', texts, budget: 10, parts: 1 },
                  { kind: 'walk-then-keyed', texts, budget: 10, parts: 2 },
                  { kind: 'walk-then-keyed', texts, budget: 10_000, parts: 1 },
                ] as const) {
                  const found: string[] = [];
                  let after: { values: string[]; id: string } | undefined;
                  for (;;) {
                    const request = { limit: 37, sort, direction, filter: { terms: texts.map(term), inactiveBefore: T0 }, after };
                    const plan = await searchPlan(db, 'sqlite', 'kommun-a', request.filter);
                    const rows = await pageByStrategy(db, plan, 'kommun-a', request, strategy);
                    found.push(...rows.slice(0, 37).map((r) => r.id));
                    if (rows.length <= 37) break;
                    const last = rows[36]!;
                    after = { values: [last.sort_0, ...('sort_1' in last ? [String(last.sort_1)] : [])], id: last.id };
                  }
                  expect(found, `${sort} ${direction} ${JSON.stringify(strategy)}`).toEqual(expected);
                }
              }
            }
          }
          // The walk is bounded: 10 rows hold fewer than a page of "berg", 600 hold all 300.
          const request = {
            limit: 37,
            sort: 'surname' as const,
            direction: 'asc' as const,
            filter: { terms: [term('berg')], inactiveBefore: T0 },
          };
          expect((await boundedWalkQuery(db, 'kommun-a', request, ['berg'], 10).execute()).length).toBeLessThan(10);
          expect(await boundedWalkQuery(db, 'kommun-a', request, ['berg'], 600).execute()).toHaveLength(38);
          // The keyed page reads the FTS index and user_search_keys, never walks a users index; the
          // bounded walk reads only the sort index (it carries the search text).
          const keyedPlan = await queryPlan(file, keyedPageQuery(compiler(), 'kommun-a', request, ['berg', 'ann']).compile());
          expect(keyedPlan).toMatch(/VIRTUAL TABLE INDEX \d+:M/);
          expect(keyedPlan).not.toMatch(/users_page_|users_org/);
          const walkPlan = await queryPlan(file, boundedWalkQuery(compiler(), 'kommun-a', request, ['berg'], 10).compile());
          expect(walkPlan).toMatch(/COVERING INDEX users_page_surname/);
          // Plain terms in a large organisation walk first (a budget from the rarest term); permissions
          // and last login are not keyed, nor terms with a filter, nor a term too common to sort.
          const plan = { dialect: 'sqlite' as const, matches: { ann: 30_000 }, organisationUsers: 1_000_000 };
          const lone = { ...request, filter: { terms: [term('ann')], inactiveBefore: T0 } };
          expect(pageStrategy(plan, 'kommun-a', lone)).toEqual({
            kind: 'walk-then-keyed',
            texts: ['ann'],
            budget: 13_336,
            parts: 2,
          });
          expect(pageStrategy(plan, 'kommun-a', { ...lone, sort: 'lastLogin' })).toEqual({ kind: 'plan' });
          expect(pageStrategy(plan, 'kommun-a', { ...lone, filter: { ...lone.filter, eserviceId: 'x' } })).toEqual({
            kind: 'plan',
          });
          expect(pageStrategy({ ...plan, matches: { ann: 200_000 } }, 'kommun-a', lone)).toEqual({ kind: 'plan' });
          const both = { ...request, filter: { terms: [term('berg'), term('ann')], inactiveBefore: T0 } };
          // Two terms: the walk's budget from the users holding both if they were independent (80,001
          // × 60,000 / 1,000,000 = 4,800: "berg ann" by surname has its page after 61,500 rows at a
          // million users, where the rarest term alone would have allowed 6,648); sorted at once when
          // that guess is small beside the rarest term's matches.
          expect(pageStrategy({ ...plan, matches: { berg: 80_001, ann: 60_000 } }, 'kommun-a', both)).toEqual({
            kind: 'walk-then-keyed',
            texts: ['berg', 'ann'],
            budget: 83_336,
            parts: 2,
          });
          expect(pageStrategy({ ...plan, matches: { berg: 40_001, ann: 30_000 } }, 'kommun-a', both)).toEqual({
            kind: 'keyed',
            texts: ['berg', 'ann'],
            parts: 2,
          });
          expect(pageStrategy({ ...plan, drives: 'ann' }, 'kommun-a', both)).toEqual({
            kind: 'keyed',
            texts: ['berg', 'ann'],
            parts: 2,
          });
          const rare = { ...plan, drives: 'ann', matches: { berg: 40_001, ann: 5_000 } };
          expect(pageStrategy(rare, 'kommun-a', both)).toEqual({ kind: 'keyed', texts: ['berg', 'ann'], parts: 1 });
        } finally {
          await db.destroy();
        }
      },
    );

    it.runIf(engine === 'sqlite')(
      'tests a walked row from the sort index alone: the name, e-mail and HSA-id indexes carry the search text',
      async () => {
        // Reading each walked user's row for its search text cost 0.2-0.8 s for "berg" sorted by
        // surname at a million users (60,000 rows walked before the first Berg).
        const db = await dbs.fresh();
        storage = await open(db);
        const sqlite = new BetterSqlite3(db, { readonly: true });
        try {
          for (const index of ['users_page_given_name', 'users_page_surname', 'users_page_email', 'users_page_hsa_id']) {
            const columns = (sqlite.prepare(`pragma index_info(${index})`).all() as { name: string }[]).map((c) => c.name);
            expect(columns, index).toContain('search_text');
          }
        } finally {
          sqlite.close();
        }
      },
    );
  });

  describe('permissions ending soon', () => {
    const ending = (eserviceIds: string[] = ['statlig-ersattning']) => ({
      terms: [],
      inactiveBefore: T0,
      ending: { after: '2026-01-01', until: '2026-01-15', eserviceIds },
    });
    // 400 users: every 40th holds a permission ending in the window (10: few, they drive the page
    // on SQLite), users 300-399 one ending later; with `many`, 300 end in it (they do not drive).
    const load = async (many: boolean) => {
      const db = await dbs.fresh();
      storage = await open(db);
      await withOrganisations(storage);
      const endsOn = (n: number) => (n >= 300 ? '2026-03-01' : many || n % 40 === 0 ? '2026-01-10' : undefined);
      await storage.bulkLoadUsers([
        {
          users: Array.from({ length: 400 }, (_, n) => {
            const u = user(n, 'kommun-a', { 'statlig-ersattning': ['attestera'] });
            const on = endsOn(n);
            return on ? { ...u, endDates: { 'statlig-ersattning': { attestera: on } } } : u;
          }),
        },
      ]);
      return db;
    };
    const expected = (many: boolean) =>
      Array.from({ length: 300 }, (_, n) => n)
        .filter((n) => many || n % 40 === 0)
        .map((n) => `u${n}@a.se`)
        .sort();
    const allEmails = async (direction: 'asc' | 'desc', eserviceIds?: string[]) => {
      const found: string[] = [];
      let after: { values: string[]; id: string } | undefined;
      for (;;) {
        const page = await storage.listUserPage('kommun-a', {
          limit: 7,
          sort: 'email',
          direction,
          filter: ending(eserviceIds),
          ...(after ? { after } : {}),
        });
        found.push(...page.users.map((u) => u.email));
        if (!page.next) return found;
        after = page.next;
      }
    };

    it.each([false, true])('lists and counts the same users whether few or many end (many: %s)', async (many) => {
      await load(many);
      expect(await allEmails('asc')).toEqual(expected(many));
      expect(await allEmails('desc')).toEqual(expected(many).reverse());
      expect(await allEmails('asc', ['landsting'])).toEqual([]);
      expect(await storage.countUsers('kommun-a', ending(), 1000)).toEqual({ count: expected(many).length, more: false });
      expect(await storage.countUsers('kommun-a', ending())).toEqual({ count: expected(many).length, more: false });
    });

    it.runIf(engine === 'sqlite')(
      'finds them through the end-date index, and drives the page from it when they are few',
      async () => {
        // Through the e-service filter index instead, a million users' permissions were read to find
        // none ending (20-60 s at 1M users).
        const explain = async (db: string, many: boolean) => {
          const reader = new Kysely<Database>({
            dialect: new SqliteDialect({ database: new BetterSqlite3(db, { readonly: true }) }),
          });
          try {
            const plan = await searchPlan(reader, 'sqlite', 'kommun-a', ending());
            expect(plan.drivesEnding ?? false).toBe(!many);
            const page = userPageQuery(reader, plan, 'kommun-a', {
              limit: 100,
              sort: 'email',
              direction: 'asc',
              filter: ending(),
            }).compile();
            const { rows } = await reader.executeQuery<{ detail: string }>({ ...page, sql: `explain query plan ${page.sql}` });
            return rows.map((r) => r.detail).join('\n');
          } finally {
            await reader.destroy();
          }
        };
        const few = await explain(await load(false), false);
        expect(few).toMatch(/user_permissions_ends_on/);
        expect(few).not.toMatch(/users_page_/);
        const many = await explain(await load(true), true);
        expect(many).toMatch(/user_permissions_ends_on/);
        expect(many).toMatch(/users_page_email/);
      },
    );
  });
});

/** Fresh SQLite database files for a describe block that runs on SQLite only, disposed after it. */
function sqliteDatabases(): () => EngineDatabases {
  let dbs: EngineDatabases | undefined;
  beforeAll(async () => {
    dbs = await engineDatabases('sqlite');
  });
  afterAll(async () => {
    await dbs?.dispose();
  });
  return () => {
    if (!dbs) throw new Error('the SQLite databases are made in beforeAll');
    return dbs;
  };
}
describe("the SQLite reader's queue", () => {
  const sqliteFiles = sqliteDatabases();

  it('drops a queued read whose signal aborts: it never reaches the worker, its caller gets the reason, the next read answers', async () => {
    const storage = await openStorage(await sqliteFiles().fresh());
    // What the reader's worker is handed, and a gate that holds it back (the worker itself is real).
    const posted: unknown[][] = [];
    let held: (() => void)[] | null = null;
    const postMessage = Worker.prototype.postMessage;
    const spy = vi.spyOn(Worker.prototype, 'postMessage').mockImplementation(function (this: Worker, ...args) {
      const message = args[0] as { sql?: unknown; parameters?: unknown[] };
      if (typeof message.sql === 'string') posted.push(message.parameters ?? []);
      const send = () => postMessage.apply(this, args);
      if (held) held.push(send);
      else send();
    });
    const turns = async (n: number) => {
      for (let i = 0; i < n; i += 1) await sleep(0);
    };
    try {
      await withOrganisations(storage);
      await storage.insertUsers([user(1), user(2)]);
      const filter = { terms: [], inactiveBefore: T0 };
      const request = { limit: 10, sort: 'email' as const, direction: 'asc' as const, filter };
      const queued = {
        ...request,
        filter: { ...filter, terms: [{ text: 'zzqueued', permissions: [], never: false, inactive: false }] },
      };
      // The worker is up and idle (its first read loads the driver).
      expect(await storage.countUsers('kommun-a', filter)).toEqual({ count: 2, more: false });
      held = [];
      const before = posted.length;
      // The reader's threads (two, or one on a single core) are busy with the first two reads (held
      // back) while the next waits behind them.
      const first = storage.listUserPage('kommun-a', request);
      const alongside = storage.countUsers('kommun-a', filter);
      await turns(5);
      expect(posted.length).toBeGreaterThanOrEqual(before + 1);
      expect(posted.length).toBeLessThanOrEqual(before + 2);
      const gone = new AbortController();
      const second = storage.listUserPage('kommun-a', queued, { signal: gone.signal }).then(
        () => 'answered',
        (error: unknown) => error,
      );
      await turns(5);
      const next = storage.countUsers('kommun-a', filter);
      await turns(5);
      gone.abort(new Error('client gone'));
      expect(await second).toEqual(new Error('client gone'));
      const release = held;
      held = null;
      release.forEach((send) => send());
      expect((await first).users.map((u) => u.id)).toEqual(['u-kommun-a-1', 'u-kommun-a-2']);
      expect(await alongside).toEqual({ count: 2, more: false });
      expect(await next).toEqual({ count: 2, more: false });
      expect(posted.slice(before).some((parameters) => JSON.stringify(parameters).includes('zzqueued'))).toBe(false);
      expect(posted.slice(before).length).toBeGreaterThanOrEqual(3);
    } finally {
      spy.mockRestore();
      held?.forEach((send) => send());
      await storage.close();
    }
  });
});

describe('SQLite shared by two processes', () => {
  const sqliteFiles = sqliteDatabases();

  it("waits for another process's write instead of failing with 'database is locked'", async () => {
    const file = await sqliteFiles().fresh();
    const storage = await openStorage(file);
    try {
      await withOrganisations(storage);
      let childOutput = '';
      let childExit: Promise<number | null> = Promise.resolve(null);
      const written = storage.transaction(async (tx) => {
        await tx.findUser('kommun-a', 'u-kommun-a-1');
        // Another process writes while this transaction is open (between its read and its write).
        const script = `
          const db = require('better-sqlite3')(${JSON.stringify(file)});
          db.pragma('busy_timeout = 10000');
          console.log('ready');
          db.prepare("insert into organisations (id, name, kind, created_at) values ('kommun-c', 'C', 'kommun', '${T0}')").run();
          console.log('done');`;
        const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (d: Buffer) => (childOutput += d.toString()));
        child.stderr.on('data', (d: Buffer) => (childOutput += d.toString()));
        childExit = new Promise((resolve) => child.once('exit', resolve));
        while (!childOutput.includes('ready') && child.exitCode === null) await sleep(20);
        await sleep(300);
        await tx.insertUser(user(1));
      });
      await expect(written).resolves.toBeUndefined();
      expect(await childExit, childOutput).toBe(0);
      expect((await storage.findUser('kommun-a', 'u-kommun-a-1'))?.id).toBe('u-kommun-a-1');
      expect((await storage.getOrganisation('kommun-c'))?.name).toBe('C');
    } finally {
      await storage.close();
    }
  });
});
