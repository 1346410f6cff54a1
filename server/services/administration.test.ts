import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../common/api/index';
import type { Storage, StorageTx } from '../storage/storage';
import { ALVA, BO, createTestContext, RUT, sessionFor, type TestContext } from '../../tests/server-support/test-context';

let ctx: TestContext;
let alva: string;
let rut: string;

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function call(token: string, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await ctx.app.fastify.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.body ? (res.json() as Record<string, unknown>) : {}, headers: res.headers };
}

const ANNA = { givenName: 'Anna', surname: 'Andersson', hsaId: 'SE2321000016-AN01', email: 'anna.andersson@testkommunen.se' };

async function createAnna(token = alva): Promise<User> {
  const res = await call(token, 'POST', '/users', ANNA);
  expect(res.status).toBe(201);
  return res.body as unknown as User;
}

async function userCount(organisationId: string): Promise<number> {
  return (await ctx.storage.listUsers(organisationId)).total;
}

beforeEach(async () => {
  ctx = await createTestContext();
  alva = await sessionFor(ctx, ALVA.hsaId);
  rut = await sessionFor(ctx, RUT.hsaId);
});
afterEach(async () => {
  await ctx.close();
});

describe('the user list', () => {
  const hsaIds = async (token = alva) =>
    ((await call(token, 'GET', '/users?limit=1000')).body.users as User[]).map((u) => u.hsaId);
  const find = async (hsaId: string) =>
    ((await call(alva, 'GET', '/users?limit=1000')).body.users as User[]).find((u) => u.hsaId === hsaId);

  it('shows every change at once: create, update, permissions, login, delete, and the passing of time', async () => {
    const first = await call(alva, 'GET', '/users');
    expect(first.headers['content-type']).toMatch(/application\/json/);
    expect(await hsaIds()).not.toContain(ANNA.hsaId);
    const anna = await createAnna();
    expect(await hsaIds()).toContain(ANNA.hsaId);
    const renamed = await call(
      alva,
      'PATCH',
      `/users/${anna.id}`,
      { email: 'ny@testkommunen.se' },
      { 'if-match': `"${anna.version}"` },
    );
    expect(renamed.status).toBe(200);
    expect((await find(ANNA.hsaId))?.email).toBe('ny@testkommunen.se');
    const granted = await call(
      alva,
      'PUT',
      `/users/${anna.id}/permissions/statlig-ersattning`,
      { permissions: ['las-arenden'] },
      { 'if-match': `"${(renamed.body as unknown as User).version}"` },
    );
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect((await find(ANNA.hsaId))?.permissions).toEqual({ 'statlig-ersattning': ['las-arenden'] });
    await ctx.storage.recordUserLogin(ANNA.hsaId, ctx.clock.now().toISOString());
    expect((await find(ANNA.hsaId))?.lastLoginAt).not.toBeNull();
    expect((await find(ANNA.hsaId))?.inactive).toBe(false);
    ctx.clock.advance(19 * 31 * 24 * 60 * 60 * 1000);
    alva = await sessionFor(ctx, ALVA.hsaId); // the old session has long expired
    expect((await find(ANNA.hsaId))?.inactive).toBe(true);
    const current = (await find(ANNA.hsaId))!;
    expect((await call(alva, 'DELETE', `/users/${anna.id}`, undefined, { 'if-match': `"${current.version}"` })).status).toBe(204);
    expect(await hsaIds()).not.toContain(ANNA.hsaId);
  });

  it("never serves one organisation's list to another", async () => {
    await createAnna();
    expect(await hsaIds(alva)).toContain(ANNA.hsaId);
    expect(await hsaIds(rut)).not.toContain(ANNA.hsaId);
  });
});

describe('organisation', () => {
  it('lists only e-services with an agreement, each with its permissions', async () => {
    const res = await call(alva, 'GET', '/organisation');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'kommun-testkommunen', name: 'Testkommunen', kind: 'kommun' });
    const eservices = res.body.eservices as Array<{ id: string; name: string; permissions: unknown[] }>;
    expect(eservices.map((e) => e.id)).toEqual(['statlig-ersattning']);
    expect(eservices[0]?.name).toBe('Ansök om statlig ersättning');
    expect(eservices[0]?.permissions.length).toBeGreaterThan(1);
    const region = await call(rut, 'GET', '/organisation');
    expect((region.body.eservices as Array<{ name: string }>).map((e) => e.name)).toEqual(['E-tjänst för landsting']);
  });
});

describe('users', () => {
  it('creates a user with an upper-cased HSA-id, an ETag and an audit record', async () => {
    const res = await call(alva, 'POST', '/users', { ...ANNA, hsaId: 'se2321000016-an01' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...ANNA, permissions: {}, version: 1, lastLoginAt: null, inactive: false });
    expect(res.headers.etag).toBe('"1"');
    const audit = await call(alva, 'GET', `/audit?userId=${String(res.body.id)}`);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        actor: ALVA.hsaId,
        action: 'user.created',
        targetId: res.body.id,
        before: null,
        after: expect.objectContaining({ hsaId: ANNA.hsaId }),
      }),
    ]);
  });

  it('requires all four fields, validated, with Swedish field messages', async () => {
    const res = await call(alva, 'POST', '/users', { givenName: ' ', hsaId: 'SE123', email: 'inte-en-adress' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: {
        code: 'validation-failed',
        message: expect.any(String),
        fields: {
          givenName: 'Förnamn måste anges',
          surname: 'Efternamn måste anges',
          hsaId: expect.stringContaining('HSA-id har fel format'),
          email: 'Ogiltig e-postadress',
        },
      },
    });
    expect(await userCount('kommun-testkommunen')).toBe(0);
  });

  it('refuses a second user with the same HSA-id in one organisation (409 hsa-id-in-use)', async () => {
    await createAnna();
    const again = await call(alva, 'POST', '/users', { ...ANNA, email: 'annan@testkommunen.se' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'hsa-id-in-use' } });
    // The same person may be a user in another organisation.
    expect((await call(rut, 'POST', '/users', ANNA)).status).toBe(201);
  });

  it("refuses an administrator's HSA-id as a user of the same organisation (409 hsa-id-is-administrator)", async () => {
    const own = await call(alva, 'POST', '/users', { ...ANNA, hsaId: BO.hsaId });
    expect(own.status).toBe(409);
    expect(own.body).toMatchObject({ error: { code: 'hsa-id-is-administrator' } });
    // One role per person and organisation (source 004): in another organisation the person may be a user.
    const other = await call(rut, 'POST', '/users', { ...ANNA, hsaId: ALVA.hsaId });
    expect(other.status).toBe(201);
    const anna = await createAnna();
    const patch = await call(alva, 'PATCH', `/users/${anna.id}`, { hsaId: BO.hsaId }, { 'if-match': '"1"' });
    expect(patch.body).toMatchObject({ error: { code: 'hsa-id-is-administrator' } });
  });

  it('changes user details with If-Match, bumping the version', async () => {
    const anna = await createAnna();
    const res = await call(alva, 'PATCH', `/users/${anna.id}`, { email: 'anna.ny@testkommunen.se' }, { 'if-match': '"1"' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ email: 'anna.ny@testkommunen.se', version: 2, givenName: 'Anna' });
    expect(res.headers.etag).toBe('"2"');
    expect((await call(alva, 'GET', `/users/${anna.id}`)).body).toMatchObject({ email: 'anna.ny@testkommunen.se' });
  });

  it('refuses a stale version with 412 and keeps the newer change', async () => {
    const anna = await createAnna();
    expect((await call(alva, 'PATCH', `/users/${anna.id}`, { surname: 'Berg' }, { 'if-match': '"1"' })).status).toBe(200);
    const stale = await call(alva, 'PATCH', `/users/${anna.id}`, { surname: 'Lind' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: { code: 'version-conflict' } });
    const stalePerms = await call(
      alva,
      'PUT',
      `/users/${anna.id}/permissions/statlig-ersattning`,
      { permissions: ['attestera'] },
      { 'if-match': '"1"' },
    );
    expect(stalePerms.status).toBe(412);
    const staleDelete = await call(alva, 'DELETE', `/users/${anna.id}`, undefined, { 'if-match': '1' });
    expect(staleDelete.status).toBe(412);
    expect((await call(alva, 'GET', `/users/${anna.id}`)).body).toMatchObject({ surname: 'Berg', version: 2, permissions: {} });
  });

  it('requires If-Match on PATCH, PUT and DELETE (428)', async () => {
    const anna = await createAnna();
    for (const [method, url, payload] of [
      ['PATCH', `/users/${anna.id}`, { surname: 'X' }],
      ['PUT', `/users/${anna.id}/permissions/statlig-ersattning`, { permissions: [] }],
      ['DELETE', `/users/${anna.id}`, undefined],
    ] as const) {
      const res = await call(alva, method, url, payload);
      expect(res.status, `${method} ${url}`).toBe(428);
      expect(res.body).toMatchObject({ error: { code: 'precondition-required' } });
    }
  });

  it('deletes a user with If-Match and records it', async () => {
    const anna = await createAnna();
    const res = await call(alva, 'DELETE', `/users/${anna.id}`, undefined, { 'if-match': '"1"' });
    expect(res.status).toBe(204);
    expect((await call(alva, 'GET', `/users/${anna.id}`)).status).toBe(404);
    const audit = await call(alva, 'GET', `/audit?userId=${anna.id}`);
    expect((audit.body.entries as Array<{ action: string }>).map((e) => e.action)).toEqual(['user.deleted', 'user.created']);
  });

  it("treats another organisation's user as not found, for every operation", async () => {
    const anna = await createAnna();
    const ifMatch = { 'if-match': '"1"' };
    const attempts = [
      await call(rut, 'GET', `/users/${anna.id}`),
      await call(rut, 'PATCH', `/users/${anna.id}`, { surname: 'Hackad' }, ifMatch),
      await call(rut, 'PUT', `/users/${anna.id}/permissions/landsting`, { permissions: ['attestera'] }, ifMatch),
      await call(rut, 'DELETE', `/users/${anna.id}`, undefined, ifMatch),
    ];
    for (const a of attempts) {
      expect(a.status).toBe(404);
      expect(a.body).toMatchObject({ error: { code: 'not-found' } });
    }
    expect(((await call(rut, 'GET', '/users')).body.users as unknown[]).length).toBe(0);
    const regionAudit = (await call(rut, 'GET', '/audit')).body.entries as Array<{ targetType: string; targetId: string }>;
    expect(regionAudit.filter((e) => e.targetType === 'user')).toEqual([]);
    expect(regionAudit.map((e) => e.targetId)).toEqual([RUT.hsaId]);
    expect((await call(alva, 'GET', `/users/${anna.id}`)).body).toMatchObject({ surname: 'Andersson', version: 1 });
  });

  it('lists users sorted by name, with paging, last login and the inactivity flag', async () => {
    for (const [givenName, surname, suffix] of [
      ['Östen', 'Åberg', 'A1'],
      ['Bertil', 'Andersson', 'A2'],
      ['Cecilia', 'Andersson', 'A3'],
    ] as const) {
      const r = await call(alva, 'POST', '/users', {
        givenName,
        surname,
        hsaId: `SE2321000016-${suffix}`,
        email: `${suffix}@x.se`,
      });
      expect(r.status).toBe(201);
    }
    await ctx.agency.recordUserLogin('SE2321000016-A2', new Date(ctx.clock.now().getTime() - 19 * 30 * 24 * 3600_000));
    await ctx.agency.recordUserLogin('SE2321000016-A3');
    const all = await call(alva, 'GET', '/users');
    const users = all.body.users as User[];
    expect(all.body.total).toBe(3);
    expect(users.map((u) => u.givenName)).toEqual(['Bertil', 'Cecilia', 'Östen']);
    expect(users.map((u) => u.inactive)).toEqual([true, false, false]);
    expect(users[1]?.lastLoginAt).toBe(ctx.clock.now().toISOString());
    const first = await call(alva, 'GET', '/users?limit=1');
    const page = await call(alva, 'GET', `/users?limit=1&cursor=${String(first.body.nextCursor)}`);
    expect((page.body.users as User[]).map((u) => u.givenName)).toEqual(['Cecilia']);
    expect(first.body.total).toBe(3);
  });
});

describe('permissions', () => {
  it('sets the full set for one e-service, audits it and queues an e-mail to the user', async () => {
    const anna = await createAnna();
    const res = await call(
      alva,
      'PUT',
      `/users/${anna.id}/permissions/statlig-ersattning`,
      { permissions: ['attestera', 'las-arenden', 'attestera'] },
      { 'if-match': '"1"' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, permissions: { 'statlig-ersattning': ['las-arenden', 'attestera'] } });
    const second = await call(
      alva,
      'PUT',
      `/users/${anna.id}/permissions/statlig-ersattning`,
      { permissions: ['las-arenden'] },
      { 'if-match': '"2"' },
    );
    expect(second.body).toMatchObject({ version: 3, permissions: { 'statlig-ersattning': ['las-arenden'] } });

    const audit = (await call(alva, 'GET', '/audit?limit=1')).body.entries as Array<Record<string, unknown>>;
    expect(audit).toEqual([
      expect.objectContaining({
        actor: ALVA.hsaId,
        action: 'user.permissions-changed',
        targetId: anna.id,
        before: { eserviceId: 'statlig-ersattning', permissions: ['las-arenden', 'attestera'] },
        after: { eserviceId: 'statlig-ersattning', permissions: ['las-arenden'] },
      }),
    ]);
    const outbox = await ctx.storage.pendingOutbox(10, 5);
    expect(outbox).toHaveLength(2);
    expect(outbox[1]).toMatchObject({ recipient: ANNA.email, subject: 'Dina behörigheter har ändrats' });
    expect(outbox[1]?.body).toContain('Borttagna behörigheter: Attestera ansökan');
  });

  it('refuses an e-service without agreement (403), and one of the other kind', async () => {
    const anna = await createAnna();
    for (const e of ['ensamkommande', 'landsting', 'okand-tjanst']) {
      const res = await call(alva, 'PUT', `/users/${anna.id}/permissions/${e}`, { permissions: [] }, { 'if-match': '"1"' });
      expect(res.status, e).toBe(403);
      expect(res.body).toMatchObject({ error: { code: 'no-agreement' } });
    }
  });

  it("refuses a permission that is not the e-service's (400 permission-unknown) and changes nothing", async () => {
    const anna = await createAnna();
    const res = await call(
      alva,
      'PUT',
      `/users/${anna.id}/permissions/statlig-ersattning`,
      { permissions: ['las-arenden', 'andra-ansvar'] },
      { 'if-match': '"1"' },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'permission-unknown', fields: { 'permissions.1': expect.any(String) } } });
    expect((await call(alva, 'GET', `/users/${anna.id}`)).body).toMatchObject({ version: 1, permissions: {} });
    expect(await ctx.storage.pendingOutbox(10, 5)).toEqual([]);
  });
});

describe('audit in the same transaction', () => {
  it('rolls the change back when the audit write fails', async () => {
    await ctx.close();
    let failAudit = false;
    // Wrap the storage so tx.insertAudit can be made to fail, as a full disk would.
    ctx = await createTestContext({
      storage: (real: Storage) =>
        new Proxy(real, {
          get(target, prop, receiver) {
            if (prop !== 'transaction') return Reflect.get(target, prop, receiver) as unknown;
            return <T>(fn: (tx: StorageTx) => Promise<T>) =>
              target.transaction((tx) =>
                fn(
                  new Proxy(tx, {
                    get(t, p, r) {
                      if (p === 'insertAudit' && failAudit) return () => Promise.reject(new Error('audit store full'));
                      const v = Reflect.get(t, p, r) as unknown;
                      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
                    },
                  }),
                ),
              );
          },
        }),
    });
    alva = await sessionFor(ctx, ALVA.hsaId);
    const anna = await createAnna();

    failAudit = true;
    const create = await call(alva, 'POST', '/users', { ...ANNA, hsaId: 'SE2321000016-NY01' });
    expect(create.status).toBe(500);
    expect(create.body).toEqual({ error: { code: 'internal', message: 'Internt fel' } });
    const perms = await call(
      alva,
      'PUT',
      `/users/${anna.id}/permissions/statlig-ersattning`,
      { permissions: ['attestera'] },
      { 'if-match': '"1"' },
    );
    expect(perms.status).toBe(500);
    const patch = await call(alva, 'PATCH', `/users/${anna.id}`, { surname: 'Borta' }, { 'if-match': '"1"' });
    expect(patch.status).toBe(500);
    const del = await call(alva, 'DELETE', `/users/${anna.id}`, undefined, { 'if-match': '"1"' });
    expect(del.status).toBe(500);

    failAudit = false;
    const users = (await call(alva, 'GET', '/users')).body.users as User[];
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: anna.id, surname: 'Andersson', version: 1, permissions: {} });
    expect(await ctx.storage.pendingOutbox(10, 5)).toEqual([]);
    const entries = (await call(alva, 'GET', '/audit')).body.entries as Array<{ action: string }>;
    expect(entries.map((e) => e.action)).toEqual(['user.created', 'administrator.added', 'administrator.added']);
  });
});
