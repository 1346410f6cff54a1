import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays, ENDING_SOON_DAYS, swedishDate, type User, type UserPage } from '../../common/api/index';
import { MATCHED_COUNT_CAP } from './administration-service';
import { ENGINES, engineDatabases, type EngineDatabases } from '../../tests/server-support/storage-engines';
import { ALVA, createTestContext, RUT, sessionFor, type TestContext } from '../../tests/server-support/test-context';

// The paged user list over HTTP on both engines: a SQLite file (whose list reads run on the
// reader's worker thread, as in the server) and a real PostgreSQL server.

let ctx: TestContext;
let alva: string;

async function get(url: string, token = alva) {
  const res = await ctx.app.fastify.inject({
    method: 'GET',
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.statusCode, body: res.body, headers: res.headers, json: () => res.json() as Record<string, unknown> };
}

async function page(query: Record<string, string | number>, token = alva): Promise<UserPage> {
  const res = await get(
    `/users?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
    token,
  );
  expect(res.status, res.body).toBe(200);
  return res.json() as unknown as UserPage;
}

/** Every page in turn, following nextCursor. */
async function allPages(query: Record<string, string | number>): Promise<User[]> {
  const users: User[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p: UserPage = await page({ ...query, ...(cursor ? { cursor } : {}) });
    users.push(...p.users);
    cursor = p.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return users;
}

async function add(
  givenName: string,
  surname: string,
  suffix: string,
  email = `${suffix.toLowerCase()}@testkommunen.se`,
): Promise<User> {
  const res = await ctx.app.fastify.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { authorization: `Bearer ${alva}` },
    payload: { givenName, surname, hsaId: `SE2321000016-${suffix}`, email },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function grant(user: User, permissions: string[], endDates?: Record<string, string>): Promise<User> {
  const res = await ctx.app.fastify.inject({
    method: 'PUT',
    url: `/api/v1/users/${user.id}/permissions/statlig-ersattning`,
    headers: { authorization: `Bearer ${alva}`, 'if-match': `"${user.version}"` },
    payload: { permissions, ...(endDates ? { endDates } : {}) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/**
 * Alva administers the region too (Rakel, Dora; Rakel holds a landsting permission) besides her
 * kommun (Kalle, Berta); a third organisation (Xena) is not hers.
 */
async function twoOrganisations(): Promise<void> {
  await ctx.agency.addAdministrator({ organisationId: 'region-testland', ...ALVA, email: 'alva@regiontestland.se' });
  await ctx.agency.addOrganisation({
    id: 'kommun-annan',
    name: 'Annan kommun',
    kind: 'kommun',
    agreements: ['statlig-ersattning'],
  });
  const now = ctx.clock.now().toISOString();
  const stored = (id: string, organisationId: string, givenName: string, hsaId: string) => ({
    id,
    organisationId,
    hsaId,
    givenName,
    surname: 'Orgsson',
    email: `${id}@example.se`,
    version: 1,
    createdAt: now,
    updatedAt: now,
    lastLoginAt: null,
    permissions: {},
  });
  await ctx.storage.transaction(async (tx) => {
    await tx.insertUser(stored('r1', 'region-testland', 'Rakel', 'SE2321000131-U1'));
    await tx.insertUser(stored('r2', 'region-testland', 'Dora', 'SE2321000131-U2'));
    await tx.insertUser(stored('x1', 'kommun-annan', 'Xena', 'SE2321000999-U1'));
    expect(await tx.replacePermissions('r1', 'landsting', ['attestera'], 1, now)).toBe(true);
  });
  await add('Kalle', 'Orgsson', 'K1');
  await add('Berta', 'Orgsson', 'K2');
}

const collator = new Intl.Collator('sv');

describe.each(ENGINES)('the paged user list on %s', (engine) => {
  let dbs: EngineDatabases;
  let dbName: string;

  beforeAll(async () => {
    dbs = await engineDatabases(engine);
  });
  afterAll(async () => {
    await dbs?.dispose();
  });
  beforeEach(async () => {
    dbName = await dbs.fresh();
    ctx = await createTestContext({ db: dbName });
    alva = await sessionFor(ctx, ALVA.hsaId);
  });
  afterEach(async () => {
    await ctx?.close();
  });

  describe('GET /users: a keyset page', () => {
    it('sorts on every column, both ways, in Swedish order, and the pages join up without gaps or repeats', async () => {
      const people = [
        ['Östen', 'Ödman', 'A1', 'osten@b.se'],
        ['anna', 'Andersson', 'A2', 'anna@c.se'],
        ['Åsa', 'Åberg', 'A3', 'asa@a.se'],
        ['Bertil', 'Berg', 'A4', 'zeta@a.se'],
        ['Ärla', 'Ärlig', 'A5', 'arla@d.se'],
        ['Émile', 'Eriksson', 'A6', 'emile@e.se'],
        ['Cecilia', 'Berg', 'A7', 'cecilia@a.se'],
      ] as const;
      for (const [g, s, h, e] of people) await add(g, s, h, e);
      for (const [sort, of] of [
        ['givenName', (u: User) => u.givenName],
        ['surname', (u: User) => u.surname],
        ['email', (u: User) => u.email],
        ['hsaId', (u: User) => u.hsaId],
      ] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const users = await allPages({ sort, direction, limit: 2 });
          expect(users).toHaveLength(people.length);
          expect(new Set(users.map((u) => u.id)).size).toBe(people.length);
          const expected = users.map(of).sort(collator.compare);
          expect(users.map(of), `${sort} ${direction}`).toEqual(direction === 'asc' ? expected : expected.reverse());
        }
      }
      const first = await page({ limit: 2 });
      expect(first).toMatchObject({ matched: 7, total: 7 });
      expect(first.users.map((u) => u.surname)).toEqual(['Andersson', 'Berg']);
      const second = await page({ limit: 2, cursor: first.nextCursor! });
      expect(second).toMatchObject({ matched: null, total: null });
    });

    it('stays stable while another administrator adds and removes users between two pages', async () => {
      for (const [i, name] of ['Adam', 'Berit', 'Carl', 'David', 'Eva', 'Fia'].entries()) await add(name, 'Test', `B${i}`);
      const first = await page({ sort: 'givenName', limit: 3 });
      expect(first.users.map((u) => u.givenName)).toEqual(['Adam', 'Berit', 'Carl']);
      // Before the cursor: a new user and a deletion; with offsets the next page would skip or repeat.
      await add('Aaron', 'Test', 'C1');
      const adam = first.users[0]!;
      const del = await ctx.app.fastify.inject({
        method: 'DELETE',
        url: `/api/v1/users/${adam.id}`,
        headers: { authorization: `Bearer ${alva}`, 'if-match': `"${adam.version}"` },
      });
      expect(del.statusCode).toBe(204);
      const second = await page({ sort: 'givenName', limit: 3, cursor: first.nextCursor! });
      expect(second.users.map((u) => u.givenName)).toEqual(['David', 'Eva', 'Fia']);
      expect(second.nextCursor).toBeNull();
    });

    it('shows a change on the next fetch: a renamed user moves, new permissions sort and filter', async () => {
      const bo = await add('Bo', 'Zetterberg', 'D1');
      await add('Ada', 'Lind', 'D2');
      expect((await page({ sort: 'surname' })).users.map((u) => u.surname)).toEqual(['Lind', 'Zetterberg']);
      const renamed = await ctx.app.fastify.inject({
        method: 'PATCH',
        url: `/api/v1/users/${bo.id}`,
        headers: { authorization: `Bearer ${alva}`, 'if-match': `"${bo.version}"` },
        payload: { surname: 'Alm' },
      });
      expect(renamed.statusCode).toBe(200);
      expect((await page({ sort: 'surname' })).users.map((u) => u.surname)).toEqual(['Alm', 'Lind']);
      await grant(renamed.json(), ['attestera']);
      const byPermissions = await page({ sort: 'permissions', direction: 'desc' });
      expect(byPermissions.users.map((u) => u.surname)).toEqual(['Alm', 'Lind']);
      expect((await page({ eservice: 'statlig-ersattning', permission: 'attestera' })).users.map((u) => u.surname)).toEqual([
        'Alm',
      ]);
      await ctx.agency.recordUserLogin('SE2321000016-D2');
      expect((await page({ sort: 'lastLogin', direction: 'desc' })).users.map((u) => u.surname)).toEqual(['Lind', 'Alm']);
    });

    it('refuses a cursor that is garbage, tampered with, or from another order, search or filter', async () => {
      for (const [i, name] of ['Adam', 'Berit', 'Carl'].entries()) await add(name, 'Test', `E${i}`);
      const first = await page({ sort: 'givenName', limit: 1, search: 'test' });
      const cursor = first.nextCursor!;
      const bad = [
        `/users?cursor=${encodeURIComponent('not a cursor!')}`,
        `/users?cursor=${Buffer.from('{"v":1}').toString('base64url')}`,
        `/users?cursor=${cursor}&sort=givenName&limit=1`,
        `/users?cursor=${cursor}&sort=surname&limit=1&search=test`,
        `/users?cursor=${cursor}&sort=givenName&direction=desc&limit=1&search=test`,
        `/users?cursor=${cursor}&sort=givenName&limit=1&search=tes`,
        `/users?cursor=${cursor}&sort=givenName&limit=1&search=test&eservice=statlig-ersattning`,
      ];
      for (const url of bad) {
        const res = await get(url);
        expect(res.status, url).toBe(400);
        expect(Object.keys((res.json().error as { fields: Record<string, string> }).fields), url).toEqual(['query.cursor']);
      }
      expect((await get(`/users?cursor=${cursor}&sort=givenName&limit=1&search=test`)).status).toBe(200);
    });

    it('refuses bad sizes, columns, a permission without its e-service and an e-service without agreement', async () => {
      for (const [url, field] of [
        ['/users?limit=0', 'query.limit'],
        ['/users?limit=1001', 'query.limit'],
        ['/users?sort=password', 'query.sort'],
        ['/users?direction=up', 'query.direction'],
        ['/users?permission=attestera', 'query.permission'],
        ['/users?eservice=ensamkommande', 'query.eservice'],
        ['/users?eservice=statlig-ersattning&permission=se-ansvar', 'query.permission'],
        ['/users?offset=10', 'query.offset'],
      ] as const) {
        const res = await get(url);
        expect(res.status, url).toBe(400);
        expect(Object.keys((res.json().error as { fields: Record<string, string> }).fields), url).toContain(field);
      }
    });
  });

  describe('GET /users: search and filters in the database', () => {
    it('matches any part of any column: names, HSA-id, e-mail, permission and e-service names, last login', async () => {
      const greta = await add('Greta', 'Garbo', 'G1', 'greta.garbo@film.se');
      await add('Harry', 'Holm', 'H1', 'harry@testkommunen.se');
      await grant(greta, ['attestera']);
      await ctx.agency.recordUserLogin('SE2321000016-H1');
      const names = async (search: string) => (await page({ search })).users.map((u) => u.givenName);
      expect(await names('garbo')).toEqual(['Greta']);
      expect(await names('se2321000016-h')).toEqual(['Harry']);
      expect(await names('@film')).toEqual(['Greta']);
      expect(await names('attestera ansökan')).toEqual(['Greta']);
      expect(await names('statlig')).toEqual(['Greta']);
      expect(await names('aldrig')).toEqual(['Greta']);
      expect(await names(ctx.clock.now().toISOString().slice(0, 7))).toEqual(['Harry']);
      expect(await names('greta holm')).toEqual([]);
      expect(await names('100%')).toEqual([]);
      expect(await names('_')).toEqual([]);
      const counted = await page({ search: 'a', limit: 1 });
      expect(counted).toMatchObject({ matched: 2, total: 2 });
    });

    it('filters on e-service, then permission, with the counts of what passes and of all', async () => {
      const a = await add('Alma', 'A', 'F1');
      const b = await add('Bea', 'B', 'F2');
      await add('Cleo', 'C', 'F3');
      await grant(a, ['attestera', 'las-arenden']);
      await grant(b, ['las-arenden']);
      const service = await page({ eservice: 'statlig-ersattning' });
      expect(service.users.map((u) => u.givenName)).toEqual(['Alma', 'Bea']);
      expect(service).toMatchObject({ matched: 2, total: 3 });
      const attest = await page({ eservice: 'statlig-ersattning', permission: 'attestera' });
      expect(attest.users.map((u) => u.givenName)).toEqual(['Alma']);
      expect(attest).toMatchObject({ matched: 1, total: 3 });
    });

    it('keeps the users with a permission ending within 14 days (ending=soon), with the e-service filters and counts', async () => {
      const today = swedishDate(ctx.clock.now());
      const tomorrow = await add('Ada', 'Imorgon', 'S1');
      const fortnight = await add('Bea', 'Fjorton', 'S2');
      const later = await add('Cleo', 'Femton', 'S3');
      const permanent = await add('Dan', 'Alltid', 'S4');
      const reading = await add('Eva', 'Läser', 'S5');
      await grant(tomorrow, ['attestera'], { attestera: addDays(today, 1) });
      await grant(fortnight, ['attestera', 'las-arenden'], { 'las-arenden': addDays(today, ENDING_SOON_DAYS) });
      await grant(later, ['attestera'], { attestera: addDays(today, ENDING_SOON_DAYS + 2) });
      await grant(permanent, ['attestera']);
      await grant(reading, ['las-arenden'], { 'las-arenden': addDays(today, 3) });
      const names = async (query: Record<string, string | number>) =>
        (await allPages({ ending: 'soon', sort: 'givenName', limit: 2, ...query })).map((u) => u.givenName);
      expect(await names({})).toEqual(['Ada', 'Bea', 'Eva']);
      expect(await page({ ending: 'soon' })).toMatchObject({ matched: 3, total: 5 });
      expect(await names({ eservice: 'statlig-ersattning', permission: 'attestera' })).toEqual(['Ada']);
      expect(await names({ eservice: 'statlig-ersattning', permission: 'las-arenden' })).toEqual(['Bea', 'Eva']);
      expect(await names({ search: 'fjorton' })).toEqual(['Bea']);
      // The day after: Ada's permission has ended (the expiry job removes it; until then it is not "ending").
      ctx.clock.advance(24 * 3600_000);
      alva = await sessionFor(ctx, ALVA.hsaId);
      expect(await names({})).toEqual(['Bea', 'Eva']);
      // The day Cleo's end date comes within 14 days, she joins.
      ctx.clock.advance(24 * 3600_000);
      alva = await sessionFor(ctx, ALVA.hsaId);
      expect(await names({})).toEqual(['Bea', 'Cleo', 'Eva']);
      // A cursor of the unfiltered list is not one of the filtered list, and an unknown value is refused.
      const first = await page({ sort: 'givenName', limit: 1 });
      expect((await get(`/users?sort=givenName&limit=1&ending=soon&cursor=${first.nextCursor!}`)).status).toBe(400);
      const bad = await get('/users?ending=later');
      expect(bad.status).toBe(400);
      expect(Object.keys((bad.json().error as { fields: Record<string, string> }).fields)).toEqual(['query.ending']);
    });

    it('counts matches up to the cap and says "at least"; the organisation\'s total stays exact', async () => {
      const now = ctx.clock.now().toISOString();
      const many = Array.from({ length: MATCHED_COUNT_CAP + 5 }, (_, i) => ({
        id: `m-${String(i).padStart(5, '0')}`,
        organisationId: 'kommun-testkommunen',
        hsaId: `SE2321000016-M${i}`,
        givenName: `Många${i}`,
        surname: 'Mängdsson',
        email: `m${i}@testkommunen.se`,
        version: 1,
        createdAt: now,
        updatedAt: now,
        lastLoginAt: null,
        permissions: {},
      }));
      await ctx.storage.bulkLoadUsers([{ users: many }]);
      const all = await page({ limit: 1 });
      const total = all.total!;
      expect(total).toBeGreaterThanOrEqual(MATCHED_COUNT_CAP + 5);
      expect(all).toMatchObject({ matched: total });
      expect(all.matchedAtLeast).toBeUndefined();
      const searched = await page({ search: 'mängdsson', limit: 1 });
      expect(searched).toMatchObject({ matched: MATCHED_COUNT_CAP, matchedAtLeast: true, total });
      const few = await page({ search: 'många100', limit: 1 });
      expect(few.matched).toBeLessThan(MATCHED_COUNT_CAP);
      expect(few.matchedAtLeast).toBeUndefined();
    });

    it('lists all the organisations a person administers (scope=all) with the organisation of each user and its filter, and no other', async () => {
      await twoOrganisations();
      const sessionOrg = await page({ sort: 'givenName' });
      expect(sessionOrg.users.map((u) => u.givenName)).toEqual(['Berta', 'Kalle']);
      expect(sessionOrg.users[0]).not.toHaveProperty('organisationId');

      const all = await allPages({ scope: 'all', sort: 'givenName', limit: 2 });
      expect(all.map((u) => [u.givenName, u.organisationId])).toEqual([
        ['Berta', 'kommun-testkommunen'],
        ['Dora', 'region-testland'],
        ['Kalle', 'kommun-testkommunen'],
        ['Rakel', 'region-testland'],
      ]);
      expect(await page({ scope: 'all' })).toMatchObject({ matched: 4, total: 4 });
      // Each user shows the e-services of their own organisation's agreements.
      expect(all.find((u) => u.givenName === 'Rakel')!.permissions).toEqual({ landsting: ['attestera'] });
      // The organisation filter, and the e-service filter over the union of the agreements.
      const region = await page({ scope: 'all', organisation: 'region-testland', sort: 'givenName' });
      expect(region.users.map((u) => u.givenName)).toEqual(['Dora', 'Rakel']);
      expect(region).toMatchObject({ matched: 2, total: 2 });
      expect((await page({ scope: 'all', eservice: 'landsting' })).users.map((u) => u.givenName)).toEqual(['Rakel']);
      expect((await get('/users?eservice=landsting')).status).toBe(400);
      // Never an organisation she does not administer, nor the filter without the scope.
      for (const [url, field] of [
        ['/users?scope=all&organisation=kommun-annan', 'query.organisation'],
        ['/users?organisation=region-testland', 'query.organisation'],
        ['/users?scope=everything', 'query.scope'],
      ] as const) {
        const res = await get(url);
        expect(res.status, url).toBe(400);
        expect(Object.keys((res.json().error as { fields: Record<string, string> }).fields), url).toContain(field);
      }
      // A cursor of one organisation's list does not page the list of all.
      const firstOfOne = await page({ sort: 'givenName', limit: 1 });
      expect((await get(`/users?scope=all&sort=givenName&limit=1&cursor=${firstOfOne.nextCursor!}`)).status).toBe(400);
      // Rut administers only the region: all is the region.
      const rut = await sessionFor(ctx, RUT.hsaId);
      expect((await page({ scope: 'all', sort: 'givenName' }, rut)).users.map((u) => u.givenName)).toEqual(['Dora', 'Rakel']);
      // An ended organisation stays readable in the list; a role taken away takes it out at once.
      await ctx.agency.setOrganisationEnded('region-testland', true);
      expect(await page({ scope: 'all' })).toMatchObject({ matched: 4 });
      await ctx.agency.removeAdministrator(ALVA.hsaId, 'region-testland');
      alva = await sessionFor(ctx, ALVA.hsaId, 'kommun-testkommunen');
      expect((await allPages({ scope: 'all', sort: 'givenName' })).map((u) => u.givenName)).toEqual(['Berta', 'Kalle']);
    });

    it("never shows another organisation's users", async () => {
      await add('Alma', 'A', 'F1');
      const rut = await sessionFor(ctx, RUT.hsaId);
      expect(await page({}, rut)).toMatchObject({ users: [], matched: 0, total: 0 });
    });
  });

  describe('GET /users/export.csv', () => {
    it('streams every user that passes the search and filters, in the chosen order, with formulas defused', async () => {
      const a = await add('=Alma', 'Ek', 'X1');
      await add('Bea', 'Ek', 'X2');
      await add('Cleo', 'Ask', 'X3');
      await grant(a, ['attestera']);
      const res = await get('/users/export.csv?search=ek&sort=givenName&direction=desc');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const lines = res.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe('"Förnamn";"Efternamn";"HSA-id";"E-post";"Behörigheter";"Senaste inloggning"');
      expect(lines.slice(1)).toEqual([
        '"Bea";"Ek";"SE2321000016-X2";"x2@testkommunen.se";"";"Aldrig inloggad"',
        `"'=Alma";"Ek";"SE2321000016-X1";"x1@testkommunen.se";"Ansök om statlig ersättning: Attestera ansökan";"Aldrig inloggad"`,
      ]);
      const filtered = await get('/users/export.csv?eservice=statlig-ersattning');
      expect(filtered.body.trim().split('\r\n')).toHaveLength(2);
    });

    it('exports the list of all organisations (scope=all) with an organisation column, and its organisation filter', async () => {
      await twoOrganisations();
      const csv = async (query: string) => {
        const res = await get(`/users/export.csv?${query}`);
        expect(res.status, res.body).toBe(200);
        return res.body
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\r\n');
      };
      const all = await csv('scope=all&sort=givenName');
      expect(all[0]).toBe('"Organisation";"Förnamn";"Efternamn";"HSA-id";"E-post";"Behörigheter";"Senaste inloggning"');
      expect(all.slice(1).map((line) => line.split(';').slice(0, 2).join(';'))).toEqual([
        '"Testkommunen";"Berta"',
        '"Region Testland";"Dora"',
        '"Testkommunen";"Kalle"',
        '"Region Testland";"Rakel"',
      ]);
      // Each user's permissions are named from their own organisation's e-services.
      expect(all[4]).toContain('"E-tjänst för landsting: Attestera"');
      const region = await csv('scope=all&organisation=region-testland&sort=givenName');
      expect(region.slice(1).map((line) => line.split(';')[1])).toEqual(['"Dora"', '"Rakel"']);
      expect(await csv('scope=all&eservice=landsting')).toHaveLength(2);
      // One organisation's export stays as it was: no organisation column, no other organisation.
      expect((await csv('sort=givenName')).slice(1).map((line) => line.split(';')[0])).toEqual(['"Berta"', '"Kalle"']);
      for (const url of [
        '/users/export.csv?scope=all&organisation=kommun-annan',
        '/users/export.csv?organisation=region-testland',
      ]) {
        expect((await get(url)).status, url).toBe(400);
      }
    });

    it('pages through more users than one read holds', async () => {
      const users = Array.from({ length: 2500 }, (_, i) => ({
        id: `u-${String(i).padStart(5, '0')}`,
        organisationId: 'kommun-testkommunen',
        hsaId: `SE2321000016-Z${i}`,
        givenName: `Namn${i}`,
        surname: 'Stor',
        email: `z${i}@testkommunen.se`,
        version: 1,
        createdAt: ctx.clock.now().toISOString(),
        updatedAt: ctx.clock.now().toISOString(),
        lastLoginAt: null,
        permissions: {},
      }));
      await ctx.storage.transaction((tx) => tx.insertUsers(users));
      const res = await get('/users/export.csv?sort=hsaId');
      const lines = res.body.trim().split('\r\n');
      expect(lines).toHaveLength(2501);
      expect(new Set(lines).size).toBe(2501);
    });
  });

  describe('GET /audit?userId=', () => {
    it("reads one user's entries through the (organisation, target) index", async () => {
      // The statement listAudit runs for one user (the shape Kysely compiles it to).
      const where = `where "organisation_id" = 'kommun-testkommunen' and "target_id" = 'someone' order by "id" desc limit 100`;
      if (engine === 'sqlite') {
        const db = new BetterSqlite3(dbName, { readonly: true });
        try {
          const plan = db.prepare(`explain query plan select * from "audit_log" ${where}`).all() as { detail: string }[];
          expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX audit_org_target/);
        } finally {
          db.close();
        }
      } else {
        // A tiny table is read whole anyway; with that choice taken away, the planner shows the index it has.
        const database = new URL(dbName).pathname.slice(1);
        const plan = await dbs.server!.query(`set enable_seqscan = off; explain select * from "audit_log" ${where}`, database);
        const rows = (Array.isArray(plan) ? plan[plan.length - 1] : plan) as { rows: { 'QUERY PLAN': string }[] };
        expect(rows.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/audit_org_target/);
      }
    });
  });
});
