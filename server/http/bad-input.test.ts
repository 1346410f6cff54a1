import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../../common/api/index';
import { ALVA, createTestContext, sessionFor, TEST_ORIGIN, type TestContext } from '../../tests/server-support/test-context';
import { seededRandom } from '../seed/demo-data';

let ctx: TestContext;
let token: string;
let userId: string;

beforeAll(async () => {
  ctx = await createTestContext();
  token = await sessionFor(ctx, ALVA.hsaId);
  const res = await ctx.app.fastify.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: { authorization: `Bearer ${token}` },
    payload: { givenName: 'Anna', surname: 'Andersson', hsaId: 'SE2321000016-AN01', email: 'anna@x.se' },
  });
  userId = res.json<{ id: string }>().id;
});
afterAll(async () => {
  await ctx?.close();
});

async function snapshot() {
  const users = await ctx.storage.listUsers('kommun-testkommunen');
  const audit = await ctx.storage.listAudit('kommun-testkommunen', { limit: 1000 });
  return JSON.stringify({ users, audit: audit.length, outbox: await ctx.storage.pendingOutbox(100, 5) });
}

/** Garbage of many shapes: wrong types, deep nesting, huge strings, prototype keys. */
function garbage(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * 12);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return random() * 1e12 - 5e11;
    case 2:
      return random() < 0.5;
    case 3:
      return 'x'.repeat(Math.floor(random() * 3000));
    case 4:
      return '\u0000\uFFFF💥<script>';
    case 5:
      return depth > 3 ? [] : Array.from({ length: 3 }, () => garbage(random, depth + 1));
    case 6:
      return depth > 3
        ? {}
        : { givenName: garbage(random, depth + 1), hsaId: garbage(random, depth + 1), permissions: garbage(random, depth + 1) };
    case 7:
      return { certificate: '%%%', signature: 12, algorithm: [], nonce: {}, origin: null };
    case 8:
      return { permissions: ['las-arenden', { $ne: 1 }] };
    case 9:
      return JSON.parse('{"__proto__": {"admin": true}, "givenName": "A"}') as unknown;
    case 10:
      return { givenName: 'A', surname: 'B', hsaId: 'SE2321000016-X1', email: 'a@b.se', extra: 'field' };
    default:
      return 'SE2321000016-' + 'A'.repeat(40);
  }
}

const ENDPOINTS = [
  ['POST', '/api/v1/auth/login'],
  ['POST', '/api/v1/users'],
  ['PATCH', `/api/v1/users/:id`],
  ['PUT', `/api/v1/users/:id/permissions/statlig-ersattning`],
  ['GET', '/api/v1/users?limit=abc&sort=nope'],
  ['GET', '/api/v1/users?cursor=not-a-cursor'],
  ['GET', '/api/v1/audit?limit=0&before=x'],
] as const;

describe('bad input', () => {
  it('answers 400 with field-level messages to garbage bodies on every endpoint, and changes nothing', async () => {
    const before = await snapshot();
    const random = seededRandom(4711);
    for (let i = 0; i < 240; i++) {
      const [method, path] = ENDPOINTS[i % ENDPOINTS.length] as (typeof ENDPOINTS)[number];
      const payload = garbage(random);
      const res = await ctx.app.fastify.inject({
        method,
        url: path.replace(':id', userId),
        headers: { authorization: `Bearer ${token}`, 'if-match': '"1"', 'content-type': 'application/json' },
        ...(method === 'GET' ? {} : { payload: JSON.stringify(payload) }),
      });
      const body = res.json<{ error?: { code: string; fields?: Record<string, string> } }>();
      const where = `${method} ${path} ${JSON.stringify(payload)?.slice(0, 200)}`;
      expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, where).toBeLessThan(500);
      expect(API_ERROR_CODES, where).toContain(body.error?.code);
      expect(res.body, where).not.toMatch(/at .*\.ts:\d+|stack/i);
      if (res.statusCode === 400 && body.error?.code !== 'certificate-malformed') {
        expect(Object.keys(body.error?.fields ?? {}).length, where).toBeGreaterThan(0);
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it('answers malformed JSON, a wrong content type and an oversized body with 400', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const bad = [
      { payload: '{"givenName": ', headers: { ...headers, 'content-type': 'application/json' } },
      { payload: 'givenName=Anna', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } },
      {
        payload: JSON.stringify({ givenName: 'x'.repeat(100_000) }),
        headers: { ...headers, 'content-type': 'application/json' },
      },
      { payload: '[1,2,3]', headers: { ...headers, 'content-type': 'application/json' } },
    ];
    const codes = [];
    for (const b of bad) {
      const res = await ctx.app.fastify.inject({ method: 'POST', url: '/api/v1/users', ...b });
      expect(res.statusCode, b.payload.slice(0, 40)).toBe(400);
      codes.push(res.json<{ error: { code: string; fields: object } }>().error.code);
    }
    expect(codes).toEqual(['validation-failed', 'validation-failed', 'body-too-large', 'validation-failed']);
  });

  it('answers malformed base64 and a garbage certificate at login with 400 naming the field', async () => {
    const nonce = (await ctx.app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' })).json<{ nonce: string }>()
      .nonce;
    const base = { signature: 'AAAA', algorithm: 'RS256', nonce, origin: TEST_ORIGIN };
    const malformed = await ctx.app.fastify.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { ...base, certificate: 'not*base64!' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      error: { code: 'validation-failed', fields: { certificate: 'Ogiltig base64-kodning' } },
    });
    const garbageCert = await ctx.app.fastify.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { ...base, certificate: Buffer.from([0x30, 0x82, 0x01, 0x00, 1, 2, 3]).toString('base64') },
    });
    expect(garbageCert.statusCode).toBe(400);
    expect(garbageCert.json()).toMatchObject({
      error: { code: 'certificate-malformed', fields: { certificate: expect.any(String) } },
    });
  });

  it('answers an unknown route with 404 and a malformed If-Match with 412 (a precondition that cannot hold)', async () => {
    const nope = await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(nope.statusCode).toBe(404);
    expect(nope.json()).toMatchObject({ error: { code: 'not-found' } });
    const ifMatch = await ctx.app.fastify.inject({
      method: 'PATCH',
      url: `/api/v1/users/${userId}`,
      headers: { authorization: `Bearer ${token}`, 'if-match': 'banana' },
      payload: { surname: 'X' },
    });
    expect(ifMatch.statusCode).toBe(412);
    expect(ifMatch.json()).toMatchObject({ error: { code: 'version-conflict' } });
  });

  it('answers a missing or malformed bearer token with 401 unauthenticated', async () => {
    for (const authorization of [undefined, 'Bearer', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', `Bearer ${'a'.repeat(43)}`]) {
      const res = await ctx.app.fastify.inject({
        method: 'GET',
        url: '/api/v1/users',
        headers: authorization ? { authorization } : {},
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });
});
