import { readFileSync, readdirSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, provisionSoftHsmToken, type SoftHsmToken } from '../cardlab/index';
import { loginSignedData } from '../../common/api/login-signed-data';
import { systemClock } from '../../server/core/clock';
import { DEMO_KOMMUN_ID, seedDemo } from '../../server/seed/demo-seed';
import { openStorage } from '../../server/storage/open-storage';
import type { KyselyStorage } from '../../server/storage/kysely-storage';
import { signOnToken } from '../server-support/pkcs11-signer';
import { ENGINES, engineDatabases, type EngineDatabases } from '../server-support/storage-engines';
import { serverFlags, startServerProcess, type ServerProcess } from '../fixtures/server-process';

// Two server processes on one database (a PostgreSQL database, and one SQLite file) under
// concurrent writers and card logins: no 5xx, no lost or doubled write, one audit row per change,
// each mail sent once; then `kill -9` of one instance mid-load loses nothing acknowledged.
// A few seconds of load per phase; the figures are printed, never asserted as timings.

const ORIGIN = 'https://behorighetsadmin.test';
const LOAD_MS = 3_000;
const WRITERS = 4;

const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-multi-instance-'));
let token: SoftHsmToken;
let caFile: string;

beforeAll(async () => {
  const pki = await ensureTestPki();
  caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, `${pki.rootCa.certificatePem}\n${pki.intermediateCa.certificatePem}\n`);
  token = await provisionSoftHsmToken({ profile: 'valid', label: 'multi-instance' });
});
afterAll(async () => {
  await token?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: Record<string, unknown>;
  etag: string | null;
}

/** The processes whose command line names `text` (from /proc). */
function processesNaming(text: string): string[] {
  return readdirSync('/proc').flatMap((pid) => {
    if (!/^\d+$/.test(pid)) return [];
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      return args.includes(text) ? [`${pid}: ${args}`] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/** One HTTP call; a dead instance (connection refused or reset) gives status 0. */
async function http(url: string, method: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  try {
    const res = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, etag: res.headers.get('etag') };
  } catch {
    return { status: 0, body: {}, etag: null };
  }
}

/** A card login: the challenge from one instance, the signed login to the other. */
async function login(challengeFrom: string, loginTo: string): Promise<{ status: number; token?: string; replay?: number }> {
  const challenge = await http(`${challengeFrom}/api/v1/auth/challenge`, 'POST');
  if (challenge.status !== 200) return { status: challenge.status };
  const nonce = String(challenge.body.nonce);
  const cert = token.credentials.authentication!;
  const request = {
    certificate: Buffer.from(cert.certificateDer).toString('base64'),
    signature: signOnToken(token, cert.certificateDer, Buffer.from(loginSignedData(ORIGIN, nonce)), 'RS256').toString('base64'),
    algorithm: 'RS256',
    nonce,
    origin: ORIGIN,
  };
  const res = await http(`${loginTo}/api/v1/auth/login`, 'POST', request);
  // The nonce is single-use across instances: the same login replayed on the first one fails.
  const replay = await http(`${challengeFrom}/api/v1/auth/login`, 'POST', request);
  return { status: res.status, token: String(res.body.token), replay: replay.status };
}

interface Ledger {
  statuses: Map<number, number>;
  /** user id → the state an acknowledged answer promised. */
  users: Map<string, { version: number; permissions: string[] | null; email: string }>;
  logins: number;
  replaysRefused: number;
  /** Acknowledged permission changes (each queued exactly one mail). */
  mails: number;
  conflictsLost: number;
}

function count(ledger: Ledger, status: number): void {
  ledger.statuses.set(status, (ledger.statuses.get(status) ?? 0) + 1);
}

/** Runs writers and a login loop against the instances until `until`. */
async function load(urls: () => string[], session: string, until: number, tag: string, ledger: Ledger): Promise<void> {
  const auth = { authorization: `Bearer ${session}` };
  let n = 0;
  const writer = async (w: number) => {
    while (Date.now() < until) {
      const [a, b] = w % 2 === 0 ? urls() : [...urls()].reverse();
      if (!a || !b) return;
      const i = ++n;
      const email = `${tag}${w}x${i}@testkommunen.se`;
      const created = await http(
        `${a}/api/v1/users`,
        'POST',
        {
          givenName: 'Fel',
          surname: `Last${tag}${i}`,
          hsaId: `SE2321000016-${tag}${w}X${i}`,
          email,
        },
        auth,
      );
      count(ledger, created.status);
      if (created.status !== 201) continue;
      const id = String(created.body.id);
      ledger.users.set(id, { version: 1, permissions: null, email });
      const patched = await http(`${b}/api/v1/users/${id}`, 'PATCH', { surname: `Ny${i}` }, { ...auth, 'if-match': '"1"' });
      count(ledger, patched.status);
      if (patched.status !== 200) continue;
      ledger.users.set(id, { version: 2, permissions: null, email });
      // Two administrators change the same user at once, one on each instance: one wins.
      const sets = [['las-arenden'], ['las-arenden', 'attestera']];
      const race = await Promise.all(
        [a, b].map((url, k) =>
          http(
            `${url}/api/v1/users/${id}/permissions/statlig-ersattning`,
            'PUT',
            { permissions: sets[k] },
            { ...auth, 'if-match': '"2"' },
          ),
        ),
      );
      race.forEach((r) => count(ledger, r.status));
      const won = race.findIndex((r) => r.status === 200);
      if (won >= 0) {
        ledger.users.set(id, { version: 3, permissions: sets[won]!, email });
        ledger.mails++;
        ledger.conflictsLost += race.filter((r) => r.status === 412).length;
        // The other instance shows the change at once.
        const read = await http(`${b}/api/v1/users/${id}`, 'GET', undefined, auth);
        count(ledger, read.status);
        if (read.status === 200) expect(read.body.version).toBe(3);
      }
    }
  };
  const logins = async () => {
    while (Date.now() < until) {
      const [a, b] = urls();
      if (!a || !b) return;
      const result = await login(a, b);
      count(ledger, result.status);
      if (result.status === 200) ledger.logins++;
      if (result.replay === 401) ledger.replaysRefused++;
      else if (result.replay !== undefined && result.replay !== 0) count(ledger, result.replay);
    }
  };
  await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), logins()]);
}

/** Every acknowledged write is there as acknowledged, and every user has one audit row per change. */
async function checkNothingLost(storage: KyselyStorage, ledger: Ledger, exact: boolean): Promise<void> {
  for (const [id, promised] of ledger.users) {
    const user = await storage.findUser(DEMO_KOMMUN_ID, id);
    expect(user, id).toBeDefined();
    if (exact) expect(user!.version, id).toBe(promised.version);
    else expect(user!.version, id).toBeGreaterThanOrEqual(promised.version);
    if (promised.permissions)
      expect([...(user!.permissions['statlig-ersattning'] ?? [])].sort()).toEqual([...promised.permissions].sort());
    // One audit row per committed change: created (version 1) and each change after it.
    const audit = await storage.listAudit(DEMO_KOMMUN_ID, { limit: 100, targetId: id });
    expect(audit.length, id).toBe(user!.version);
  }
}

function mailsSent(mailLog: string): Map<number, number> {
  const sent = new Map<number, number>();
  if (!existsSync(mailLog)) return sent;
  for (const line of readFileSync(mailLog, 'utf8').split('\n').filter(Boolean)) {
    const id = Number((JSON.parse(line) as { id: number }).id);
    sent.set(id, (sent.get(id) ?? 0) + 1);
  }
  return sent;
}

describe.each(ENGINES)('two server instances on one %s database', (engine) => {
  let dbs: EngineDatabases;
  let db: string;
  let storage: KyselyStorage;
  const servers: ServerProcess[] = [];
  const mailLog = path.join(dir, `mail-${engine}.jsonl`);

  const start = () =>
    startServerProcess(
      serverFlags({
        db,
        origin: ORIGIN,
        'ca-certificates': caFile,
        'log-level': 'error',
        'challenges-per-minute': '100000',
        'outbox-interval-ms': '200',
        'mail-log': mailLog,
        // Revocation checking has its own tests; this suite is about sharing one database.
        revocation: 'off',
      }),
    );

  beforeAll(async () => {
    dbs = await engineDatabases(engine);
    db = await dbs.fresh();
    storage = await openStorage(db);
    await seedDemo(storage, systemClock);
    servers.push(...(await Promise.all([start(), start()])));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await storage?.close();
    await dbs?.dispose();
    // Neither instance leaves a process behind (tsx's node child survived a SIGKILL of tsx alone).
    expect(processesNaming(mailLog)).toEqual([]);
  });

  it('serves concurrent writers and logins on both: no 5xx, nothing lost or doubled, each mail sent once', async () => {
    const urls = servers.map((s) => s.url);
    const first = await login(urls[0]!, urls[1]!);
    expect(first.status).toBe(200);
    const ledger: Ledger = { statuses: new Map(), users: new Map(), logins: 0, replaysRefused: 0, mails: 0, conflictsLost: 0 };
    await load(() => urls, first.token!, Date.now() + LOAD_MS, 'A', ledger);
    console.log(`[${engine}] two instances, ${LOAD_MS} ms:`, Object.fromEntries(ledger.statuses), {
      users: ledger.users.size,
      logins: ledger.logins,
      replaysRefused: ledger.replaysRefused,
      conflictsLost: ledger.conflictsLost,
    });
    expect([...ledger.statuses.keys()].filter((s) => s >= 500 || s === 0)).toEqual([]);
    expect(ledger.users.size).toBeGreaterThan(0);
    expect(ledger.logins).toBeGreaterThan(0);
    expect(ledger.replaysRefused).toBe(ledger.logins);
    await checkNothingLost(storage, ledger, true);

    // Both dispatchers drain the outbox: every mail once, none twice.
    for (let i = 0; i < 100 && (await storage.pendingOutbox(1000, 5)).length > 0; i++) await sleep(100);
    expect(await storage.pendingOutbox(1000, 5)).toEqual([]);
    const sent = mailsSent(mailLog);
    expect([...sent.values()].filter((times) => times > 1)).toEqual([]);
    expect(sent.size).toBe(ledger.mails);
  });

  it('loses nothing acknowledged when one instance is killed (kill -9) mid-load', async () => {
    const [survivor, victim] = servers;
    let live = [survivor!.url, victim!.url];
    const again = await login(live[0]!, live[1]!);
    expect(again.status).toBe(200);
    const ledger: Ledger = { statuses: new Map(), users: new Map(), logins: 0, replaysRefused: 0, mails: 0, conflictsLost: 0 };
    const killed = sleep(LOAD_MS / 2).then(async () => {
      await victim!.stop('SIGKILL');
      live = [survivor!.url, survivor!.url];
    });
    await Promise.all([load(() => live, again.token!, Date.now() + LOAD_MS, 'K', ledger), killed]);
    // The killed instance is gone, not only its tsx wrapper.
    expect((await http(`${victim!.url}/api/v1/status`, 'GET')).status).toBe(0);
    console.log(`[${engine}] kill -9 mid-load:`, Object.fromEntries(ledger.statuses), { users: ledger.users.size });
    // Only the killed instance's dropped connections (status 0) may fail; never a 5xx.
    expect([...ledger.statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    await checkNothingLost(storage, ledger, false);
    const sent = mailsSent(mailLog);
    expect([...sent.values()].filter((times) => times > 1)).toEqual([]);
  });
});
