import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../common/api/index';
import { runAgencyCommand } from './agency-cli';
import { createSqliteStorage } from './storage/sqlite-storage';
import { engineDatabases, type EngineDatabases } from '../tests/server-support/storage-engines';
import { AgencyService } from './services/agency-service';
import { openStorage } from './storage/open-storage';
import { ALVA, BO, createTestContext, sessionFor } from '../tests/server-support/test-context';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-agency-'));
const db = path.join(dir, 'agency.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function agency(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runAgencyCommand(['--db', db, ...args], (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

describe('npm run agency', () => {
  it('adds organisations with agreements of their kind only', async () => {
    expect(
      (
        await agency(
          'org',
          'add',
          '--id',
          'kommun-ort',
          '--name',
          'Orts kommun',
          '--kind',
          'kommun',
          '--agreements',
          'statlig-ersattning,ensamkommande',
        )
      ).code,
    ).toBe(0);
    const wrongKind = await agency(
      'org',
      'add',
      '--id',
      'region-x',
      '--name',
      'Region X',
      '--kind',
      'region',
      '--agreements',
      'ensamkommande',
    );
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.out).toContain('Refused');
    expect(
      (await agency('org', 'add', '--id', 'region-x', '--name', 'Region X', '--kind', 'region', '--agreements', 'landsting'))
        .code,
    ).toBe(0);
    expect((await agency('org', 'add', '--id', 'kommun-ort', '--name', 'Igen', '--kind', 'kommun')).code).toBe(1);
  });

  it('registers administrators, one role per person and organisation, roles in several organisations, never a user', async () => {
    expect(
      (
        await agency(
          'admin',
          'add',
          '--org',
          'kommun-ort',
          '--hsa-id',
          'se2321000016-ad01',
          '--given-name',
          'Ada',
          '--surname',
          'Admin',
          '--email',
          'ada@ort.se',
        )
      ).code,
    ).toBe(0);
    const add = (org: string, hsaId: string, role = 'admin') =>
      agency(role, 'add', '--org', org, '--hsa-id', hsaId, '--given-name', 'Ada', '--surname', 'Admin', '--email', 'ada@ort.se');
    const twice = await add('kommun-ort', 'SE2321000016-AD01');
    expect(twice.code).toBe(1);
    expect(twice.out).toMatch(/already administrator of kommun-ort/);
    // As authorised orderer of the same organisation: still one role per person and organisation.
    const orderer = await add('kommun-ort', 'SE2321000016-AD01', 'orderer');
    expect(orderer.code).toBe(1);
    expect(orderer.out).toMatch(/already administrator of kommun-ort/);
    // Another organisation (several "arbetsgivarkoder"): yes.
    expect((await add('region-x', 'SE2321000016-AD01')).code).toBe(0);
    const badEmail = await agency(
      'admin',
      'add',
      '--org',
      'kommun-ort',
      '--hsa-id',
      'SE2321000016-AD02',
      '--given-name',
      'B',
      '--surname',
      'C',
      '--email',
      'nope',
    );
    expect(badEmail.code).toBe(1);
    expect(badEmail.out).toContain('Ogiltig e-postadress');

    // A user of the organisation cannot become its administrator.
    const storage = await createSqliteStorage(db);
    const now = new Date().toISOString();
    await storage.insertUser({
      id: 'u1',
      organisationId: 'kommun-ort',
      hsaId: 'SE2321000016-US01',
      givenName: 'U',
      surname: 'S',
      email: 'u@x.se',
      version: 1,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
      permissions: {},
    });
    await storage.close();
    const user = await agency(
      'admin',
      'add',
      '--org',
      'kommun-ort',
      '--hsa-id',
      'SE2321000016-US01',
      '--given-name',
      'U',
      '--surname',
      'S',
      '--email',
      'u@x.se',
    );
    expect(user.code).toBe(1);
    expect(user.out).toMatch(/cannot be both/);
  });

  it("refuses to remove an organisation's last administrator, and removes one of two", async () => {
    // Roles in two organisations: which one must be said.
    const which = await agency('admin', 'remove', '--hsa-id', 'SE2321000016-AD01');
    expect(which.code).toBe(1);
    expect(which.out).toMatch(/name one with --org/);
    const last = await agency('admin', 'remove', '--hsa-id', 'SE2321000016-AD01', '--org', 'kommun-ort');
    expect(last.code).toBe(1);
    expect(last.out).toMatch(/last administrator/);
    expect(
      (
        await agency(
          'admin',
          'add',
          '--org',
          'kommun-ort',
          '--hsa-id',
          'SE2321000016-AD03',
          '--given-name',
          'Cid',
          '--surname',
          'Admin',
          '--email',
          'cid@ort.se',
        )
      ).code,
    ).toBe(0);
    expect((await agency('admin', 'remove', '--hsa-id', 'SE2321000016-AD01', '--org', 'kommun-ort')).code).toBe(0);
    const list = await agency('org', 'list');
    expect(list.out).toContain('admin SE2321000016-AD03');
    expect(list.out.split('region-x')[0]).not.toContain('SE2321000016-AD01');
  });

  it('registers the authorised orderer, keeps the last one, and does not remove it as an administrator', async () => {
    const add = (hsaId: string) =>
      agency(
        'orderer',
        'add',
        '--org',
        'kommun-ort',
        '--hsa-id',
        hsaId,
        '--given-name',
        'Bea',
        '--surname',
        'B',
        '--email',
        'b@ort.se',
      );
    const first = await add('SE2321000016-BB01');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Registered authorised orderer SE2321000016-BB01/);
    expect((await agency('org', 'list')).out).toContain('orderer SE2321000016-BB01');
    const asAdmin = await agency('admin', 'remove', '--hsa-id', 'SE2321000016-BB01');
    expect(asAdmin.code).toBe(1);
    expect(asAdmin.out).toMatch(/is not administrator/);
    const last = await agency('orderer', 'remove', '--hsa-id', 'SE2321000016-BB01');
    expect(last.code).toBe(1);
    expect(last.out).toMatch(/last authorised orderer/);
    expect((await add('SE2321000016-BB02')).code).toBe(0);
    expect((await agency('orderer', 'remove', '--hsa-id', 'SE2321000016-BB01')).code).toBe(0);
    expect((await agency('org', 'list')).out).not.toContain('SE2321000016-BB01');
  });

  it('records user logins and sets the operator message', async () => {
    expect((await agency('user', 'login', '--hsa-id', 'SE2321000016-US01')).code).toBe(0);
    expect((await agency('user', 'login', '--hsa-id', 'SE2321000016-NONE')).code).toBe(1);
    expect((await agency('message', 'set', '--severity', 'disturbance', '--text', 'Störning i inloggningen')).code).toBe(0);
    const storage = await createSqliteStorage(db);
    expect(await storage.getOperatorMessage()).toMatchObject({ severity: 'disturbance', text: 'Störning i inloggningen' });
    expect((await storage.findUsersByHsaId('SE2321000016-US01'))[0]?.lastLoginAt).not.toBeNull();
    await storage.close();
  });
});

describe('npm run agency --db postgres://… next to a running server on the same database', () => {
  let pg: EngineDatabases;
  beforeAll(async () => {
    pg = await engineDatabases('postgres');
  });
  afterAll(async () => {
    await pg?.dispose();
  });

  it("shows a login the agency records in the server's user list at once, even one older than the newest", async () => {
    const url = await pg.fresh();
    const ctx = await createTestContext({ db: url });
    try {
      const token = await sessionFor(ctx, ALVA.hsaId);
      const headers = { authorization: `Bearer ${token}` };
      const users = async () =>
        (await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/users', headers })).json<{ users: User[] }>().users;
      for (const [n, hsaId] of ['SE2321000016-LG01', 'SE2321000016-LG02'].entries()) {
        const res = await ctx.app.fastify.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers,
          payload: { givenName: 'Lena', surname: `Login${n}`, hsaId, email: `lena${n}@testkommunen.se` },
        });
        expect(res.statusCode).toBe(201);
      }
      const run = async (...args: string[]) => runAgencyCommand(['--db', url, ...args], () => undefined);
      expect(await run('user', 'login', '--hsa-id', 'SE2321000016-LG01', '--at', '2026-03-01T12:00:00Z')).toBe(0);
      expect((await users()).find((u) => u.hsaId === 'SE2321000016-LG01')?.lastLoginAt).toBe('2026-03-01T12:00:00.000Z');
      // Earlier than the newest login: max(last_login_at) does not move.
      expect(await run('user', 'login', '--hsa-id', 'SE2321000016-LG02', '--at', '2026-02-01T12:00:00Z')).toBe(0);
      expect((await users()).find((u) => u.hsaId === 'SE2321000016-LG02')?.lastLoginAt).toBe('2026-02-01T12:00:00.000Z');
    } finally {
      await ctx.close();
    }
  });

  it('keeps the last administrator when two removals race on two instances', async () => {
    const url = await pg.fresh();
    const ctx = await createTestContext({ db: url });
    const other = await openStorage(url);
    try {
      const results = await Promise.allSettled([
        ctx.agency.removeAdministrator(ALVA.hsaId),
        new AgencyService(other, ctx.clock).removeAdministrator(BO.hsaId),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected');
      expect(String(refused?.reason)).toContain('last administrator');
      expect((await ctx.storage.listAdministrators('kommun-testkommunen')).length).toBe(1);
    } finally {
      await other.close();
      await ctx.close();
    }
  });
});
