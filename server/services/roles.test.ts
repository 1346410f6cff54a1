import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, engineDatabases, type EngineDatabases } from '../../tests/server-support/storage-engines';
import { ALVA, BO, createTestContext, RUT, sessionFor, type TestContext } from '../../tests/server-support/test-context';

// Roles (source 004) over the API on both engines: the authorised orderer appoints and removes
// administrators, the organisation keeps its last administrator, one role per person and
// organisation, everyone sees who the orderer and administrators are; a person with several
// organisations moves the session between them; an ended organisation is readable only.

const ORDERER = { hsaId: 'SE2321000016-C3D4', givenName: 'Cecilia', surname: 'Beställare', email: 'cecilia@testkommunen.se' };
const NEW_ADMIN = { hsaId: 'SE2321000016-D4E5', givenName: 'Dan', surname: 'Nyberg', email: 'dan@testkommunen.se' };
const KOMMUN = 'kommun-testkommunen';
const REGION = 'region-testland';

describe.each(ENGINES)('roles on %s', (engine) => {
  let dbs: EngineDatabases;
  let ctx: TestContext;
  let orderer: string;
  let alva: string;

  async function call(token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
    const res = await ctx.app.fastify.inject({
      method,
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: res.body ? (res.json() as Record<string, unknown>) : {} };
  }
  const codeOf = (r: { body: Record<string, unknown> }) => (r.body.error as { code?: string } | undefined)?.code;

  beforeAll(async () => {
    dbs = await engineDatabases(engine);
  });
  beforeEach(async () => {
    ctx = await createTestContext({ db: await dbs.fresh() });
    await ctx.agency.addAdministrator({ organisationId: KOMMUN, ...ORDERER, role: 'authorised-orderer' });
    orderer = await sessionFor(ctx, ORDERER.hsaId);
    alva = await sessionFor(ctx, ALVA.hsaId);
  });
  afterEach(async () => {
    await ctx.close();
  });
  afterAll(async () => {
    await dbs?.dispose();
  });

  it('lets everyone see the orderer and the administrators, orderer first', async () => {
    const res = await call(alva, 'GET', '/administrators');
    expect(res.status).toBe(200);
    const list = res.body.administrators as { hsaId: string; role: string }[];
    expect(list.map((a) => [a.hsaId, a.role])).toEqual([
      [ORDERER.hsaId, 'authorised-orderer'],
      [ALVA.hsaId, 'administrator'],
      [BO.hsaId, 'administrator'],
    ]);
  });

  it('the orderer appoints an administrator, who can then work; an administrator cannot appoint (403)', async () => {
    const refused = await call(alva, 'POST', '/administrators', NEW_ADMIN);
    expect(refused.status).toBe(403);
    expect(codeOf(refused)).toBe('not-authorised-orderer');

    const appointed = await call(orderer, 'POST', '/administrators', { ...NEW_ADMIN, hsaId: NEW_ADMIN.hsaId.toLowerCase() });
    expect(appointed.status).toBe(201);
    expect(appointed.body).toMatchObject({ hsaId: NEW_ADMIN.hsaId, role: 'administrator' });
    const dan = await sessionFor(ctx, NEW_ADMIN.hsaId);
    expect((await call(dan, 'GET', '/users')).status).toBe(200);
    const audit = await ctx.storage.listAudit(KOMMUN, { limit: 10 });
    expect(audit[0]).toMatchObject({ action: 'administrator.added', actor: ORDERER.hsaId, targetId: NEW_ADMIN.hsaId });

    const again = await call(orderer, 'POST', '/administrators', NEW_ADMIN);
    expect([again.status, codeOf(again)]).toEqual([409, 'hsa-id-has-role']);
    const self = await call(orderer, 'POST', '/administrators', ORDERER);
    expect([self.status, codeOf(self)]).toEqual([409, 'hsa-id-has-role']);
  });

  it('refuses to make a user of the organisation its administrator (one role per person and organisation)', async () => {
    const user = { givenName: 'Ulla', surname: 'Användare', hsaId: 'SE2321000016-U1U1', email: 'ulla@testkommunen.se' };
    expect((await call(alva, 'POST', '/users', user)).status).toBe(201);
    const res = await call(orderer, 'POST', '/administrators', user);
    expect([res.status, codeOf(res)]).toEqual([409, 'hsa-id-is-user']);
    // Nor the other way round.
    const asUser = await call(alva, 'POST', '/users', { ...ORDERER });
    expect([asUser.status, codeOf(asUser)]).toEqual([409, 'hsa-id-is-administrator']);
  });

  it('the orderer removes administrators but never the last one; the removed one is locked out at once', async () => {
    const bo = await sessionFor(ctx, BO.hsaId);
    const byAdmin = await call(alva, 'DELETE', `/administrators/${BO.hsaId}`);
    expect([byAdmin.status, codeOf(byAdmin)]).toEqual([403, 'not-authorised-orderer']);
    expect((await call(orderer, 'DELETE', `/administrators/${BO.hsaId}`)).status).toBe(204);
    expect((await call(bo, 'GET', '/users')).status).toBe(401);
    const last = await call(orderer, 'DELETE', `/administrators/${ALVA.hsaId}`);
    expect([last.status, codeOf(last)]).toEqual([409, 'last-administrator']);
    expect((await call(alva, 'GET', '/users')).status).toBe(200);
    // The orderer is the agency's to remove, and another organisation's administrator is not here.
    expect((await call(orderer, 'DELETE', `/administrators/${ORDERER.hsaId}`)).status).toBe(404);
    expect((await call(orderer, 'DELETE', `/administrators/${RUT.hsaId}`)).status).toBe(404);
  });

  it('removals at once leave one administrator', async () => {
    const extra = Array.from({ length: 6 }, (_, i) => ({ ...NEW_ADMIN, hsaId: `SE2321000016-X${i}`, email: `x${i}@t.se` }));
    for (const a of extra) await ctx.agency.addAdministrator({ organisationId: KOMMUN, ...a });
    const all = [ALVA.hsaId, BO.hsaId, ...extra.map((a) => a.hsaId)];
    const results = await Promise.all(all.map((h) => call(orderer, 'DELETE', `/administrators/${h}`)));
    expect(results.filter((r) => r.status === 204)).toHaveLength(all.length - 1);
    expect(results.filter((r) => codeOf(r) === 'last-administrator')).toHaveLength(1);
    expect((await ctx.storage.listAdministrators(KOMMUN)).filter((a) => a.role === 'administrator')).toHaveLength(1);
  });

  it('a person with two organisations moves the session between them and sees only each one’s users', async () => {
    await ctx.agency.addAdministrator({ organisationId: REGION, ...ALVA });
    const rut = await sessionFor(ctx, RUT.hsaId);
    await call(rut, 'POST', '/users', { givenName: 'Rolf', surname: 'R', hsaId: 'SE2321000131-RR01', email: 'rolf@r.se' });
    await call(alva, 'POST', '/users', { givenName: 'Kim', surname: 'K', hsaId: 'SE2321000016-KK01', email: 'kim@k.se' });
    const names = async () => ((await call(alva, 'GET', '/users')).body.users as { givenName: string }[]).map((u) => u.givenName);
    expect(await names()).toEqual(['Kim']);
    const moved = await call(alva, 'POST', '/auth/organisation', { organisationId: REGION });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      administrator: { organisation: { id: REGION }, role: 'administrator' },
      organisations: [
        { id: KOMMUN, role: 'administrator', ended: false },
        { id: REGION, role: 'administrator', ended: false },
      ],
    });
    expect(await names()).toEqual(['Rolf']);
    // The last one used is remembered.
    expect((await ctx.storage.findAdministrator(ALVA.hsaId, REGION))?.lastLoginAt).not.toBeNull();
    const nowhere = await call(alva, 'POST', '/auth/organisation', { organisationId: 'kommun-annan' });
    expect([nowhere.status, codeOf(nowhere)]).toEqual([404, 'not-found']);
  });

  it('an ended organisation is readable; nothing new is granted there, permissions may be taken away', async () => {
    const created = await call(alva, 'POST', '/users', {
      givenName: 'Eva',
      surname: 'E',
      hsaId: 'SE2321000016-EE01',
      email: 'e@e.se',
    });
    const id = (created.body as { id: string }).id;
    const put = (permissions: string[], version: number) =>
      ctx.app.fastify.inject({
        method: 'PUT',
        url: `/api/v1/users/${id}/permissions/statlig-ersattning`,
        headers: { authorization: `Bearer ${alva}`, 'if-match': `"${version}"` },
        payload: { permissions },
      });
    expect((await put(['las-arenden'], 1)).statusCode).toBe(200);
    await ctx.agency.setOrganisationEnded(KOMMUN, true);
    expect((await call(alva, 'GET', '/organisation')).body).toMatchObject({ ended: true });
    expect((await call(alva, 'GET', '/users')).status).toBe(200);
    const grant = await put(['las-arenden', 'attestera'], 2);
    expect([grant.statusCode, grant.json<{ error: { code: string } }>().error.code]).toEqual([409, 'organisation-ended']);
    const add = await call(alva, 'POST', '/users', { givenName: 'F', surname: 'F', hsaId: 'SE2321000016-FF01', email: 'f@f.se' });
    expect(codeOf(add)).toBe('organisation-ended');
    const appoint = await call(orderer, 'POST', '/administrators', NEW_ADMIN);
    expect(codeOf(appoint)).toBe('organisation-ended');
    expect((await put([], 2)).statusCode).toBe(200);
  });
});
