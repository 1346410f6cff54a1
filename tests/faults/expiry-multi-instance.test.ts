import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/core/clock';
import { EXPIRY_ACTOR } from '../../server/services/permission-expiry';
import { DEMO_KOMMUN_ID, seedDemo } from '../../server/seed/demo-seed';
import type { KyselyStorage } from '../../server/storage/kysely-storage';
import { openStorage } from '../../server/storage/open-storage';
import { serverFlags, startServerProcess, type ServerProcess } from '../fixtures/server-process';
import { ENGINES, engineDatabases, type EngineDatabases } from '../server-support/storage-engines';

// Time-limited permissions (source 003) with two server processes on one database (a PostgreSQL
// database, and one SQLite file): both run the expiry job every 50 ms on a controllable clock
// (--expiry-clock-file, the same file for both). When the clock reaches the end date, every
// permission is ended exactly once: one audit row and one mail (through the outbox, drained by
// both dispatchers) per permission, however the two instances' runs interleave.

const USERS = 150;
const END_DATE = '2031-05-20';
const DAY_BEFORE = '2031-05-19T12:00:00+02:00';
// 00:30 Swedish summer time on the end date.
const ON_THE_DATE = '2031-05-20T00:30:00+02:00';
const ENDED_SUBJECT = 'En behörighet har upphört';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-expiry-instances-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The mail log's lines about ended permissions: outbox id → times sent, and the recipients. */
function endedMails(mailLog: string): { times: Map<number, number>; recipients: string[] } {
  const times = new Map<number, number>();
  const recipients: string[] = [];
  if (!existsSync(mailLog)) return { times, recipients };
  for (const line of readFileSync(mailLog, 'utf8').split('\n').filter(Boolean)) {
    const mail = JSON.parse(line) as { id: number; to: string; subject: string };
    if (mail.subject !== ENDED_SUBJECT) continue;
    times.set(mail.id, (times.get(mail.id) ?? 0) + 1);
    recipients.push(mail.to);
  }
  return { times, recipients };
}

/** How many permissions one instance's log says it ended ("time-limited permissions ended"). */
function endedBy(server: ServerProcess): number {
  let n = 0;
  for (const line of server.output().split('\n')) {
    if (!line.includes('time-limited permissions ended')) continue;
    n += Number((JSON.parse(line) as { ended: number }).ended);
  }
  return n;
}

describe.each(ENGINES)('the expiry job in two server processes on one %s database', (engine) => {
  let dbs: EngineDatabases | undefined;
  let storage: KyselyStorage | undefined;
  const servers: ServerProcess[] = [];
  const clockFile = path.join(dir, `now-${engine}`);
  const mailLog = path.join(dir, `mail-${engine}.jsonl`);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await storage?.close();
    await dbs?.dispose();
  });

  it('ends each permission on its date exactly once: one audit row and one mail each', async () => {
    dbs = await engineDatabases(engine);
    const db = await dbs.fresh();
    storage = await openStorage(db);
    await seedDemo(storage, systemClock);
    // USERS users, each with one time-limited permission (every third with two) and one permanent one.
    const now = new Date().toISOString();
    const expected = new Map<string, { email: string; ending: string[] }>();
    await storage.transaction(async (tx) => {
      for (let i = 0; i < USERS; i++) {
        const id = `expiry-${engine}-${i}`;
        const email = `utgar${i}@testkommunen.se`;
        await tx.insertUser({
          id,
          organisationId: DEMO_KOMMUN_ID,
          hsaId: `SE2321000016-EXP${i}`,
          givenName: `Tillfällig${i}`,
          surname: 'Behörighetsson',
          email,
          version: 1,
          createdAt: now,
          updatedAt: now,
          lastLoginAt: null,
          permissions: {},
        });
        const ending = i % 3 === 0 ? ['attestera', 'las-arenden'] : ['attestera'];
        const ends = Object.fromEntries(ending.map((p) => [p, END_DATE]));
        expect(await tx.replacePermissions(id, 'statlig-ersattning', [...ending, 'registrera-ansokan'], 1, now, ends)).toBe(true);
        expected.set(id, { email, ending });
      }
    });
    const endingCount = [...expected.values()].reduce((n, u) => n + u.ending.length, 0);

    writeFileSync(clockFile, DAY_BEFORE);
    const start = () =>
      startServerProcess(
        serverFlags({
          db,
          'log-level': 'info',
          'expiry-clock-file': clockFile,
          'expiry-interval-ms': '50',
          'outbox-interval-ms': '100',
          'mail-log': mailLog,
          revocation: 'off',
        }),
      );
    servers.push(...(await Promise.all([start(), start()])));

    // The day before: many runs of both jobs end nothing.
    await sleep(1_000);
    const ended = async () =>
      (await storage!.listAudit(DEMO_KOMMUN_ID, { limit: 100_000 })).filter((a) => a.action === 'user.permission-ended');
    expect(await ended()).toEqual([]);

    // The date comes for both instances at once.
    writeFileSync(clockFile, ON_THE_DATE);
    for (let i = 0; i < 300 && (await storage.usersWithPermissionsDue('2031-05-20', 1)).length > 0; i++) await sleep(100);
    expect(await storage.usersWithPermissionsDue('2031-05-20', 1)).toEqual([]);
    for (let i = 0; i < 300 && (await storage.pendingOutbox(1000, 5)).length > 0; i++) await sleep(100);
    expect(await storage.pendingOutbox(1000, 5)).toEqual([]);
    // More runs of both: nothing more happens.
    await sleep(1_000);

    const rows = await ended();
    const split = servers.map(endedBy);
    console.log(`[${engine}] ${endingCount} permissions ended by the two instances:`, split);
    expect(split.reduce((a, b) => a + b, 0)).toBe(endingCount);
    // One audit row per permission, by the system, none twice.
    expect(rows).toHaveLength(endingCount);
    expect(rows.every((r) => r.actor === EXPIRY_ACTOR)).toBe(true);
    const keys = rows.map((r) => `${r.targetId}/${(r.before as { permissions: string[] }).permissions.join(',')}`);
    expect(new Set(keys).size).toBe(endingCount);
    const expectedKeys = [...expected].flatMap(([id, u]) => u.ending.map((p) => `${id}/${p}`));
    expect([...keys].sort()).toEqual(expectedKeys.sort());
    // One mail per permission, each sent once, to the user.
    const mails = endedMails(mailLog);
    expect([...mails.times.values()].filter((n) => n > 1)).toEqual([]);
    expect(mails.times.size).toBe(endingCount);
    expect([...mails.recipients].sort()).toEqual([...expected.values()].flatMap((u) => u.ending.map(() => u.email)).sort());
    // The permanent permission stays; the users stay.
    for (const [id] of expected) {
      const user = await storage.findUser(DEMO_KOMMUN_ID, id);
      expect(user?.permissions['statlig-ersattning'], id).toEqual(['registrera-ansokan']);
    }
  }, 180_000);
});
