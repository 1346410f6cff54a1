import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock';
import { ENGINES, engineDatabases, type EngineDatabases } from '../../tests/server-support/storage-engines';
import type { KyselyStorage } from '../storage/kysely-storage';
import { openStorage } from '../storage/open-storage';
import type { UserRecord } from '../storage/storage';
import { AdministrationService } from './administration-service';
import type { SessionContext } from './auth-service';
import { EXPIRY_ACTOR, PermissionExpiry } from './permission-expiry';

// Time-limited permissions (source 003) on both engines: set through the service's rules, ended by
// the expiry job on their date, exactly once, also with two instances running the job at once.

const ORG = 'kommun-a';
const SESSION: SessionContext = { tokenHash: 'x', hsaId: 'SE2321000016-A1B2', organisationId: ORG, role: 'administrator' };
// 10:00 in Sweden on 2026-03-09; the end date 2026-03-10 begins at 23:00 UTC on the 9th.
const MONDAY = new Date('2026-03-09T09:00:00.000Z');

function user(n: number, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    id: `u-${n}`,
    organisationId: ORG,
    hsaId: `SE2321000016-U${String(n).padStart(4, '0')}`,
    givenName: `Förnamn${n}`,
    surname: `Efternamn${n}`,
    email: `u${n}@a.se`,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    lastLoginAt: null,
    permissions: {},
    ...extra,
  };
}

async function seed(storage: KyselyStorage): Promise<void> {
  await storage.insertOrganisation({
    id: ORG,
    name: 'A kommun',
    kind: 'kommun',
    agreements: ['statlig-ersattning', 'ensamkommande'],
    createdAt: '2026-01-01T00:00:00.000Z',
  });
}

async function count(storage: KyselyStorage, action: string): Promise<number> {
  return (await storage.listAudit(ORG, { limit: 100_000 })).filter((a) => a.action === action).length;
}

describe.each(ENGINES)('time-limited permissions on %s', (engine) => {
  let dbs: EngineDatabases;
  const opened: KyselyStorage[] = [];
  const open = async (db: string) => {
    const s = await openStorage(db);
    opened.push(s);
    return s;
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

  it('stores an end date, refuses one that is not after today, and removes it when asked', async () => {
    const storage = await open(await dbs.fresh());
    await seed(storage);
    await storage.insertUser(user(1));
    const admin = new AdministrationService(storage, new ManualClock(MONDAY));
    const set = await admin.setPermissions(SESSION, 'u-1', 'statlig-ersattning', 1, ['las-arenden', 'attestera'], {
      attestera: '2026-03-20',
    });
    expect(set.endDates).toEqual({ 'statlig-ersattning': { attestera: '2026-03-20' } });
    expect((await admin.getUser(SESSION, 'u-1')).endDates).toEqual({ 'statlig-ersattning': { attestera: '2026-03-20' } });

    for (const bad of ['2026-03-09', '2026-01-01']) {
      await expect(
        admin.setPermissions(SESSION, 'u-1', 'statlig-ersattning', 2, ['attestera'], { attestera: bad }),
      ).rejects.toMatchObject({ status: 400, code: 'validation-failed', fields: { 'endDates.attestera': expect.any(String) } });
    }
    // An end date for a permission not in the set.
    await expect(
      admin.setPermissions(SESSION, 'u-1', 'statlig-ersattning', 2, ['attestera'], { 'las-arenden': '2026-03-20' }),
    ).rejects.toMatchObject({ status: 400, fields: { 'endDates.las-arenden': expect.any(String) } });

    // Only the end date changes: a change (new version, audit, mail) all the same.
    const moved = await admin.setPermissions(SESSION, 'u-1', 'statlig-ersattning', 2, ['las-arenden', 'attestera'], {
      attestera: '2026-04-01',
    });
    expect(moved).toMatchObject({ version: 3, endDates: { 'statlig-ersattning': { attestera: '2026-04-01' } } });
    const removed = await admin.setPermissions(SESSION, 'u-1', 'statlig-ersattning', 3, ['las-arenden', 'attestera']);
    expect(removed).toMatchObject({ version: 4, endDates: {} });
    expect(await count(storage, 'user.permissions-changed')).toBe(3);
    expect((await storage.pendingOutbox(100, 5)).length).toBe(3);
  });

  it('ends a permission on its date, once: one audit entry and one mail per permission', async () => {
    const storage = await open(await dbs.fresh());
    await seed(storage);
    await storage.insertUser(user(1));
    const clock = new ManualClock(MONDAY);
    const admin = new AdministrationService(storage, clock);
    await admin.setPermissions(SESSION, 'u-1', 'statlig-ersattning', 1, ['las-arenden', 'registrera-ansokan', 'attestera'], {
      'registrera-ansokan': '2026-03-10',
      attestera: '2026-03-10',
    });
    await admin.setPermissions(SESSION, 'u-1', 'ensamkommande', 2, ['se-ansvar'], { 'se-ansvar': '2026-03-12' });
    const outboxBefore = (await storage.pendingOutbox(100, 5)).length;
    const expiry = new PermissionExpiry(storage, clock);

    // 22:59 UTC on the 9th is 23:59 in Sweden: not yet.
    clock.set(new Date('2026-03-09T22:59:00.000Z'));
    expect(await expiry.runOnce()).toBe(0);
    // 23:00 UTC is midnight in Sweden: the 10th has begun.
    clock.set(new Date('2026-03-09T23:00:00.000Z'));
    expect(await expiry.runOnce()).toBe(2);
    expect(await expiry.runOnce()).toBe(0);

    const stored = await admin.getUser(SESSION, 'u-1');
    expect(stored.permissions).toEqual({ 'statlig-ersattning': ['las-arenden'], ensamkommande: ['se-ansvar'] });
    expect(stored.endDates).toEqual({ ensamkommande: { 'se-ansvar': '2026-03-12' } });
    expect(stored.version).toBe(4);

    const ended = (await storage.listAudit(ORG, { limit: 100 })).filter((a) => a.action === 'user.permission-ended');
    const key = (b: unknown) => (b as { permissions: string[] }).permissions[0]!;
    expect(ended.sort((x, y) => key(x.before).localeCompare(key(y.before))).map((a) => [a.actor, a.targetId, a.before])).toEqual([
      [EXPIRY_ACTOR, 'u-1', { eserviceId: 'statlig-ersattning', permissions: ['attestera'], endsOn: '2026-03-10' }],
      [EXPIRY_ACTOR, 'u-1', { eserviceId: 'statlig-ersattning', permissions: ['registrera-ansokan'], endsOn: '2026-03-10' }],
    ]);
    const mails = (await storage.pendingOutbox(100, 5)).slice(outboxBefore);
    expect(mails.map((m) => [m.recipient, m.subject])).toEqual([
      ['u1@a.se', 'En behörighet har upphört'],
      ['u1@a.se', 'En behörighet har upphört'],
    ]);
    expect(mails.map((m) => /”(.+?)”/.exec(m.body)?.[1]).sort()).toEqual(['Attestera ansökan', 'Registrera ansökan']);

    // Two days later the other one goes; the list stamp moved, so cached lists are stale.
    const stamp = await storage.userListStamp(ORG);
    clock.set(new Date('2026-03-12T05:00:00.000Z'));
    expect(await expiry.runOnce()).toBe(1);
    expect(await storage.userListStamp(ORG)).not.toBe(stamp);
    expect((await admin.getUser(SESSION, 'u-1')).permissions).toEqual({ 'statlig-ersattning': ['las-arenden'] });
    expect(await count(storage, 'user.permission-ended')).toBe(3);
  });

  it('with two instances running the job at once, ends each permission exactly once', async () => {
    const db = await dbs.fresh();
    const a = await open(db);
    const b = await open(db);
    await seed(a);
    const users = Array.from({ length: 150 }, (_, i) =>
      user(i, {
        permissions: { 'statlig-ersattning': ['las-arenden', 'attestera'], ensamkommande: ['se-ansvar'] },
        endDates: {
          'statlig-ersattning': { 'las-arenden': '2026-03-10', attestera: '2026-03-10' },
          ensamkommande: { 'se-ansvar': '2026-03-10' },
        },
      }),
    );
    await a.insertUsers(users);
    const clock = new ManualClock(new Date('2026-03-10T08:00:00.000Z'));
    const ended = await Promise.all([
      new PermissionExpiry(a, clock).runOnce(),
      new PermissionExpiry(b, clock).runOnce(),
      new PermissionExpiry(b, clock).runOnce(),
    ]);
    expect(ended.reduce((x, y) => x + y, 0)).toBe(450);
    expect(await count(a, 'user.permission-ended')).toBe(450);
    expect((await a.pendingOutbox(10_000, 5)).length).toBe(450);
    const after = await a.listUsers(ORG);
    expect(after.users.every((u) => Object.keys(u.permissions).length === 0 && u.version === 2)).toBe(true);
    expect(await new PermissionExpiry(b, clock).runOnce()).toBe(0);
  });
});
