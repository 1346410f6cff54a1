import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../../common/api/index';
import { ALVA, createTestContext, sessionFor, type TestContext } from '../../tests/server-support/test-context';

let ctx: TestContext;
let token: string;

beforeEach(async () => {
  ctx = await createTestContext({ rateLimit: { challengesPerMinute: 5 } });
  token = await sessionFor(ctx, ALVA.hsaId);
});
afterEach(async () => {
  await ctx.close();
});

async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await ctx.app.fastify.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...headers },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return {
    status: res.statusCode,
    body: res.json<Record<string, unknown> & { error?: { code: string; fields?: Record<string, string> } }>(),
  };
}

const ANNA = { givenName: 'Anna', surname: 'Andersson', hsaId: 'SE2321000016-AN01', email: 'anna@testkommunen.se' };

async function createAnna(): Promise<User> {
  const res = await call('POST', '/users', ANNA);
  expect(res.status).toBe(201);
  return res.body as unknown as User;
}

describe('If-Match', () => {
  it('answers 412 to an entity tag that is not a version, before looking at the body', async () => {
    const anna = await createAnna();
    for (const tag of ['"abc"', 'W/"x1"', '*x', '"1", "2"']) {
      const res = await call('PATCH', `/users/${anna.id}`, { surname: 'Berg' }, { 'if-match': tag });
      expect(res.status, tag).toBe(412);
    }
    const badBody = await call('PATCH', `/users/${anna.id}`, { surname: '' }, { 'if-match': '"nope"' });
    expect(badBody.status).toBe(412);
    const badPermissions = await call(
      'PUT',
      `/users/${anna.id}/permissions/statlig-ersattning`,
      { permissions: 'x' },
      { 'if-match': 'x' },
    );
    expect(badPermissions.status).toBe(412);
  });

  it('answers 412 version-conflict to a stale version on PATCH, PUT and DELETE', async () => {
    const anna = await createAnna();
    expect((await call('PATCH', `/users/${anna.id}`, { surname: 'Berg' }, { 'if-match': '"1"' })).status).toBe(200);
    const stale = await call('PATCH', `/users/${anna.id}`, { surname: 'Lind' }, { 'if-match': '"1"' });
    expect(stale).toMatchObject({ status: 412, body: { error: { code: 'version-conflict' } } });
    expect(
      (await call('PUT', `/users/${anna.id}/permissions/statlig-ersattning`, { permissions: [] }, { 'if-match': '"1"' })).status,
    ).toBe(412);
    expect((await call('DELETE', `/users/${anna.id}`, undefined, { 'if-match': '"1"' })).status).toBe(412);
  });
});

describe('e-mail addresses as RFC 5321 allows them', () => {
  let n = 0;
  const post = (email: string) => call('POST', '/users', { ...ANNA, hsaId: `SE2321000016-EM${++n}`, email });

  it('takes a local part of 64 characters and refuses 65, in Swedish', async () => {
    expect((await post(`${'a'.repeat(64)}@testkommunen.se`)).status).toBe(201);
    const long = await post(`${'b'.repeat(65)}@testkommunen.se`);
    expect(long.status).toBe(400);
    expect(long.body.error?.fields?.email).toMatch(/högst 64 tecken/);
  });

  it('refuses domain labels over 63 characters or with a hyphen at either end', async () => {
    for (const email of [`a@${'d'.repeat(64)}.se`, 'a@-kommun.se', 'a@kommun-.se', `a@${'d.'.repeat(127)}se`]) {
      const res = await post(email);
      expect(res.status, email).toBe(400);
      expect(res.body.error?.fields?.email, email).toMatch(/domän|e-postadress/i);
    }
    expect((await post(`a@${'d'.repeat(63)}.se`)).status).toBe(201);
  });
});

describe('names', () => {
  it('refuses Unicode format characters (right-to-left override, zero-width space, soft hyphen)', async () => {
    for (const givenName of ['Anna\u202Egnalf', 'An\u200Bna', 'An\u00ADna', 'An\uFEFFna']) {
      const res = await call('POST', '/users', { ...ANNA, givenName, hsaId: 'SE2321000016-NM01' });
      expect(res.status, JSON.stringify(givenName)).toBe(400);
      expect(res.body.error?.fields?.givenName).toBe('Namnet innehåller otillåtna tecken');
    }
    expect((await call('POST', '/users', { ...ANNA, givenName: 'Åsa-Märta Ødegård' })).status).toBe(201);
  });
});

describe('unauthenticated challenges', () => {
  it('are limited per client address (429 too-many-requests)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await ctx.app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' })).statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await ctx.app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'too-many-requests' } });
  });

  it('are purged soon after they expire, not a day later', async () => {
    const res = await ctx.app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' });
    const { nonce } = res.json<{ nonce: string }>();
    ctx.clock.advance(10 * 60_000);
    await ctx.app.auth.purge();
    expect(await ctx.storage.consumeChallenge(nonce, ctx.clock.now().toISOString())).toBe('unknown');
  });
});
