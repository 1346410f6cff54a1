import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgencyCommand } from './agency-cli';
import { createSqliteStorage } from './storage/sqlite-storage';

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

  it('registers administrators, never one HSA-id twice, and never a user', async () => {
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
    const twice = await agency(
      'admin',
      'add',
      '--org',
      'region-x',
      '--hsa-id',
      'SE2321000016-AD01',
      '--given-name',
      'Ada',
      '--surname',
      'Admin',
      '--email',
      'ada@ort.se',
    );
    expect(twice.code).toBe(1);
    expect(twice.out).toMatch(/already an administrator/);
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

    // A user in some organisation cannot become an administrator.
    const storage = await createSqliteStorage(db);
    const now = new Date().toISOString();
    await storage.insertUser({
      id: 'u1',
      organisationId: 'region-x',
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
    const last = await agency('admin', 'remove', '--hsa-id', 'SE2321000016-AD01');
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
    expect((await agency('admin', 'remove', '--hsa-id', 'SE2321000016-AD01')).code).toBe(0);
    const list = await agency('org', 'list');
    expect(list.out).toContain('admin SE2321000016-AD03');
    expect(list.out).not.toContain('SE2321000016-AD01');
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
