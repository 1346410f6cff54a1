// Benchmark of the reference backend: login verifications per second and GET /api/v1/users
// page latency (first page, next page, sorts, searches, filters), the event loop's longest stall
// and GET /status with 1,000,000 users in one organisation.
// Run: npm run bench:server [-- --users N] [-- --db FILE] [-- --runs N] [-- --logins N]
// --db takes a seeded database file instead of seeding (20 min at 1M users): the list bench's
// cache (tests/bench/list-bench.ts --db-cache DIR: list-<N>-<samples>.sqlite and its
// .sample.json), whose demo kommun has the card lab's person as administrator. The file is copied,
// never written.
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { eservicesForKind } from '../../common/api/index';
import { ensureTestPki, LAB_PERSON } from '../cardlab/index';
import { buildApp } from '../../server/app';
import { loginSignedData } from '../../common/api/login-signed-data';
import { parseLeafCertificate, verifyLogin } from '../../server/auth/certificate-verifier';
import { TrustStore } from '../../server/auth/trust-store';
import { systemClock } from '../../server/core/clock';
import { BulkSeeder } from '../../server/seed/bulk-seed';
import { AgencyService } from '../../server/services/agency-service';
import { DEMO_KOMMUN_ID } from '../../server/seed/demo-seed';
import { createSqliteStorage } from '../../server/storage/sqlite-storage';
import { percentile, reportFigures, type BenchFigure } from './bench-report';

const ORIGIN = 'https://behorighetsadmin.test';
const { values } = parseArgs({
  options: { users: { type: 'string' }, logins: { type: 'string' }, db: { type: 'string' }, runs: { type: 'string' } },
});
const LOGINS = Number(values.logins ?? 500);
const RUNS = Number(values.runs ?? 30);

function ms(ns: bigint): number {
  return Number(ns) / 1e6;
}

/**
 * An idle thread of this process measuring its own event loop's delay: what the machine (other
 * processes, the SQLite reader's thread) adds to any stall. On a loaded machine the server's
 * longest stall is read against it; a stall well above the control's is the server's own work.
 */
function controlThread(): { reset(): void; max(): Promise<number>; stop(): Promise<number> } {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const { monitorEventLoopDelay } = require('node:perf_hooks');
     const h = monitorEventLoopDelay({ resolution: 5 });
     h.enable();
     parentPort.on('message', (m) => { if (m === 'reset') h.reset(); else parentPort.postMessage(h.max / 1e6); });`,
    { eval: true },
  );
  const ask = () => new Promise<number>((resolve) => (worker.once('message', resolve), worker.postMessage('max')));
  return {
    reset: () => worker.postMessage('reset'),
    max: ask,
    stop: async () => {
      const last = await ask();
      await worker.terminate();
      return last;
    },
  };
}

const figures: BenchFigure[] = [];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-bench-'));
  const file = path.join(dir, 'bench.sqlite');
  let t: bigint;
  let samples: { email: string }[];
  let organisationId: string;
  if (values.db) {
    t = process.hrtime.bigint();
    copyFileSync(values.db, file);
    const sampleFile = `${values.db}.sample.json`;
    samples = existsSync(sampleFile) ? (JSON.parse(readFileSync(sampleFile, 'utf8')) as { email: string }[]) : [];
    organisationId = DEMO_KOMMUN_ID;
    console.log(`copied ${values.db} in ${ms(process.hrtime.bigint() - t).toFixed(0)} ms`);
  }
  t = process.hrtime.bigint();
  const storage = await createSqliteStorage(file);
  if (values.db) console.log(`opened (and migrated) in ${ms(process.hrtime.bigint() - t).toFixed(0)} ms`);
  try {
    if (!values.db) {
      organisationId = 'kommun-stor';
      const users = Number(values.users ?? 1_000_000);
      const agency = new AgencyService(storage, systemClock);
      const services = eservicesForKind('kommun');
      await agency.addOrganisation({
        id: organisationId,
        name: 'Storkommunen',
        kind: 'kommun',
        agreements: services.map((e) => e.id),
      });
      await agency.addAdministrator({
        organisationId,
        hsaId: LAB_PERSON.hsaId,
        givenName: 'Alva',
        surname: 'Testsson',
        email: 'alva@stor.se',
      });
      const seeder = new BulkSeeder(storage, {
        organisationId,
        hsaPrefix: 'SE2321000016',
        mailDomain: 'storkommunen.se',
        eservices: services,
        seed: 1,
        reserved: new Set([LAB_PERSON.hsaId]),
        samples: 4,
      });
      const seedSeconds = await seeder.loadUpTo(users);
      samples = seeder.sample.map((u) => ({ email: u.email }));
      console.log(
        `seeded ${users.toLocaleString('en')} users in one organisation (bulk load, one transaction) in ${seedSeconds.toFixed(1)} s`,
      );
      figures.push({
        metric: `seeding ${users.toLocaleString('en')} users (generate + bulk load, indexes after, one transaction)`,
        value: seedSeconds,
        unit: 's',
        target: null,
      });
    }
    const USERS = (await storage.countUsers(organisationId!, { terms: [], inactiveBefore: '' })).count;

    const pki = await ensureTestPki();
    const trust = new TrustStore([pki.rootCa.certificatePem], [pki.intermediateCa.certificatePem]);
    // Measures signature and chain verification: the revocation check (network) is off here.
    const app = buildApp({
      storage,
      clock: systemClock,
      trust,
      logger: pino({ level: 'silent' }),
      auth: { origin: ORIGIN, revocation: 'off' },
      // Hundreds of challenges a minute from one address: the per-address limit would refuse them.
      rateLimit: { challengesPerMinute: 1_000_000 },
    });
    await app.fastify.ready();

    for (const profile of ['valid', 'ecc'] as const) {
      const card = await pki.issueCard(profile);
      const cred = card.authentication;
      if (!cred) throw new Error('no authentication certificate');
      const key = createPrivateKey({ key: Buffer.from(cred.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' });
      const algorithm = profile === 'ecc' ? 'ES256' : 'RS256';
      const certificate = Buffer.from(cred.certificateDer).toString('base64');
      const signFor = (nonce: string) =>
        nodeSign('sha256', loginSignedData(ORIGIN, nonce), profile === 'ecc' ? { key, dsaEncoding: 'ieee-p1363' } : key).toString(
          'base64',
        );

      // 1. The certificate and signature checks alone (parse, signature, validity, chain, usage).
      const nonce = 'bench-nonce';
      const signature = Buffer.from(signFor(nonce), 'base64');
      const n = LOGINS * 4;
      t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        verifyLogin({
          leaf: parseLeafCertificate(certificate),
          trust,
          algorithm,
          signature,
          origin: ORIGIN,
          nonce,
          now: new Date(),
        });
      }
      const coldPerSecond = n / (ms(process.hrtime.bigint() - t) / 1000);
      const leaf = parseLeafCertificate(certificate);
      t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        verifyLogin({ leaf, trust, algorithm, signature, origin: ORIGIN, nonce, now: new Date() });
      }
      const warmPerSecond = n / (ms(process.hrtime.bigint() - t) / 1000);

      // 2. Full logins through the HTTP stack: burn nonce, verify, find administrator, open session.
      const prepared = [];
      for (let i = 0; i < LOGINS; i++) {
        const { nonce: fresh } = (await app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' })).json<{
          nonce: string;
        }>();
        prepared.push({ certificate, signature: signFor(fresh), algorithm, nonce: fresh, origin: ORIGIN });
      }
      t = process.hrtime.bigint();
      for (const payload of prepared) {
        const res = await app.fastify.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
        if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      }
      const loginsPerSecond = LOGINS / (ms(process.hrtime.bigint() - t) / 1000);
      console.log(
        `login ${algorithm} (${card.keyAlgorithm}): ${coldPerSecond.toFixed(0)} verifications/s with certificate parsing, ` +
          `${warmPerSecond.toFixed(0)} verifications/s on a parsed certificate (signature, validity, chain, key usage); ` +
          `${loginsPerSecond.toFixed(0)} logins/s through POST /api/v1/auth/login (nonce, checks, session writes; sequential)`,
      );
      figures.push(
        {
          metric: `backend login verifications ${algorithm} (certificate parsed each time)`,
          value: coldPerSecond,
          unit: '/s',
          target: '>= 300',
        },
        { metric: `backend full logins ${algorithm} via POST /auth/login`, value: loginsPerSecond, unit: '/s', target: '>= 300' },
      );
    }

    // 3. List latency.
    const { nonce } = (await app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' })).json<{ nonce: string }>();
    const card = await pki.issueCard('valid');
    const cred = card.authentication;
    if (!cred) throw new Error('no authentication certificate');
    const key = createPrivateKey({ key: Buffer.from(cred.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' });
    const login = await app.fastify.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: {
        certificate: Buffer.from(cred.certificateDer).toString('base64'),
        signature: nodeSign('sha256', loginSignedData(ORIGIN, nonce), key).toString('base64'),
        algorithm: 'RS256',
        nonce,
        origin: ORIGIN,
      },
    });
    const headers = { authorization: `Bearer ${login.json<{ token: string }>().token}` };
    // Over a real loopback socket, as the client sees it (inject() is slow for large bodies).
    const base = await app.fastify.listen({ host: '127.0.0.1', port: 0 });
    const first = (await (await fetch(`${base}/api/v1/users`, { headers })).json()) as {
      nextCursor: string;
      users: { hsaId: string }[];
    };
    const someone = first.users[5]!.hsaId;
    const emailPiece = (samples!.length > 1 ? samples![1]!.email : 'karin.x').slice(0, 6);
    const nextUrl = `/api/v1/users?cursor=${first.nextCursor}`;
    // The event loop's longest stall while list requests run (no request may hold it > 50 ms).
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const control = controlThread();
    const page = (query: string) => `/api/v1/users?${query}`;
    const scenarios: [string, string, boolean, string][] = [
      ['first page of 100 with counts, by surname', '/api/v1/users', false, '<= 60'],
      ['next page of 100 (keyset), by surname', nextUrl, false, '<= 60'],
      ['first page after a change, sort by e-mail', page('sort=email'), true, '<= 60'],
      ...(['email', 'surname', 'givenName'] as const).flatMap((sort) =>
        (['asc', 'desc'] as const).map((direction): [string, string, boolean, string] => [
          `first page, sort by ${sort} ${direction}`,
          page(`sort=${sort}&direction=${direction}`),
          false,
          '<= 60',
        ]),
      ),
      ...[emailPiece, 'karin.', 'kersti', 'berg', 'and', 'ss', 'e', 'berg ann', 'qqqzzz'].map(
        (term): [string, string, boolean, string] => [
          `first page with counts, search "${term}" (a keystroke)`,
          page(`search=${encodeURIComponent(term)}`),
          false,
          '<= 60',
        ],
      ),
      ...(['email', 'givenName'] as const).flatMap((sort) =>
        ['berg', 'karin.', 'ann'].map((term): [string, string, boolean, string] => [
          `first page with counts, search "${term}" sorted by ${sort} desc`,
          page(`search=${encodeURIComponent(term)}&sort=${sort}&direction=desc`),
          false,
          '<= 60',
        ]),
      ),
      ['first page with counts, filter e-service', page('eservice=statlig-ersattning'), false, '<= 60'],
      [
        'first page with counts, filter e-service then permission',
        page('eservice=statlig-ersattning&permission=attestera'),
        false,
        '<= 60',
      ],
      ['first page with counts, ending=soon', page('ending=soon'), false, '<= 60'],
      [
        'first page with counts, ending=soon sorted by e-mail desc',
        page('ending=soon&sort=email&direction=desc'),
        false,
        '<= 60',
      ],
    ];
    let longestStall = 0;
    let longestControl = 0;
    for (const [label, url, touch, target] of scenarios) {
      const times: number[] = [];
      loop.reset();
      control.reset();
      for (let i = 0; i < RUNS + 1; i++) {
        if (touch) await storage.recordUserLogin(someone, new Date(Date.now() + i).toISOString());
        t = process.hrtime.bigint();
        const res = await fetch(`${base}${url}`, { headers });
        const body = await res.arrayBuffer();
        const elapsed = ms(process.hrtime.bigint() - t);
        if (res.status !== 200) throw new Error(Buffer.from(body).toString());
        if (i > 0) times.push(elapsed); // the first run warms caches
      }
      const stall = loop.max / 1e6;
      const controlStall = await control.max();
      longestStall = Math.max(longestStall, stall);
      longestControl = Math.max(longestControl, controlStall);
      figures.push(
        {
          metric: `GET /users at ${USERS.toLocaleString('en')}: ${label}, p95 of ${RUNS}`,
          value: percentile(times, 95),
          unit: 'ms',
          target,
        },
        { metric: `event loop's longest stall during: ${label}`, value: stall, unit: 'ms', target: '<= 50' },
      );
      console.log(
        `GET /users ${label}: median ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, ` +
          `longest event-loop stall ${stall.toFixed(1)} ms (idle control thread ${controlStall.toFixed(1)} ms)`,
      );
    }
    console.log(
      `longest event-loop stall over every list scenario: ${longestStall.toFixed(1)} ms (idle control thread ${longestControl.toFixed(1)} ms)`,
    );
    figures.push({
      metric: "an idle control thread's longest stall over the list scenarios (the machine's share of any stall)",
      value: longestControl,
      unit: 'ms',
      target: null,
    });

    // GET /status while another organisation's list is read, over and over (whole scans).
    let reading = true;
    const readers = (async () => {
      while (reading) {
        await (await fetch(`${base}/api/v1/users?search=berg%20ann`, { headers })).arrayBuffer();
        await (await fetch(`${base}/api/v1/users?sort=email&direction=desc`, { headers })).arrayBuffer();
        await (
          await fetch(`${base}/api/v1/users/export.csv?search=${encodeURIComponent(emailPiece)}`, { headers })
        ).arrayBuffer();
      }
    })();
    const statusTimes: number[] = [];
    control.reset();
    for (let i = 0; i < 60; i++) {
      t = process.hrtime.bigint();
      await (await fetch(`${base}/api/v1/status`)).arrayBuffer();
      statusTimes.push(ms(process.hrtime.bigint() - t));
      await new Promise((r) => setTimeout(r, 20));
    }
    reading = false;
    await readers;
    loop.disable();
    const statusControl = await control.stop();
    figures.push(
      {
        metric: "GET /status while another organisation's list is read, max of 60",
        value: Math.max(...statusTimes),
        unit: 'ms',
        target: '<= 50',
      },
      {
        metric: "GET /status while another organisation's list is read, p95 of 60",
        value: percentile(statusTimes, 95),
        unit: 'ms',
        target: null,
      },
    );
    console.log(
      `GET /status during list reads: median ${percentile(statusTimes, 50).toFixed(1)} ms, p95 ${percentile(statusTimes, 95).toFixed(1)} ms, ` +
        `max ${Math.max(...statusTimes).toFixed(1)} ms (idle control thread's longest stall meanwhile ${statusControl.toFixed(1)} ms)`,
    );
    await app.fastify.close();
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main()
  .then(() => reportFigures('server', figures))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
