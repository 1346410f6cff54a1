// Benchmark of the reference backend: login verifications per second and GET /api/v1/users
// page latency, the event loop's longest stall and GET /status with 1,000,000 users in one
// organisation. Run: npm run bench:server [-- --users N]
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
import { createSqliteStorage } from '../../server/storage/sqlite-storage';
import { percentile, reportFigures, type BenchFigure } from './bench-report';

const ORIGIN = 'https://behorighetsadmin.test';
const { values } = parseArgs({ options: { users: { type: 'string' }, logins: { type: 'string' } } });
const USERS = Number(values.users ?? 1_000_000);
const LOGINS = Number(values.logins ?? 500);

function ms(ns: bigint): number {
  return Number(ns) / 1e6;
}

const figures: BenchFigure[] = [];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-bench-'));
  const storage = await createSqliteStorage(path.join(dir, 'bench.sqlite'));
  try {
    const agency = new AgencyService(storage, systemClock);
    const services = eservicesForKind('kommun');
    await agency.addOrganisation({
      id: 'kommun-stor',
      name: 'Storkommunen',
      kind: 'kommun',
      agreements: services.map((e) => e.id),
    });
    await agency.addAdministrator({
      organisationId: 'kommun-stor',
      hsaId: LAB_PERSON.hsaId,
      givenName: 'Alva',
      surname: 'Testsson',
      email: 'alva@stor.se',
    });

    let t: bigint;
    const seeder = new BulkSeeder(storage, {
      organisationId: 'kommun-stor',
      hsaPrefix: 'SE2321000016',
      mailDomain: 'storkommunen.se',
      eservices: services,
      seed: 1,
      reserved: new Set([LAB_PERSON.hsaId]),
      samples: 4,
    });
    const seedSeconds = await seeder.loadUpTo(USERS);
    console.log(
      `seeded ${USERS.toLocaleString('en')} users in one organisation (bulk load, one transaction) in ${seedSeconds.toFixed(1)} s`,
    );
    figures.push({
      metric: `seeding ${USERS.toLocaleString('en')} users (generate + bulk load, indexes after, one transaction)`,
      value: seedSeconds,
      unit: 's',
      target: null,
    });

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
    const someone = seeder.sample[2]!.hsaId;
    const emailPiece = seeder.sample[1]!.email.slice(0, 6);
    // The event loop's longest stall while list requests run (no request may hold it > 50 ms).
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const scenarios: [string, string, boolean, string][] = [
      ['first page of 100 with counts, by surname', '/api/v1/users', false, '<= 150'],
      ['next page of 100 (keyset), by surname', 'NEXT', false, '<= 150'],
      ['first page, sort by e-mail descending (high cardinality)', '/api/v1/users?sort=email&direction=desc', false, '<= 300'],
      ['first page after a change, sort by e-mail', '/api/v1/users?sort=email', true, '<= 300'],
      [
        `first page, search "${emailPiece}" (a keystroke)`,
        `/api/v1/users?search=${encodeURIComponent(emailPiece)}`,
        false,
        '<= 150',
      ],
      ['first page, search with no match (whole scan)', '/api/v1/users?search=qqqzzz', false, '<= 150'],
      [
        'first page, filter e-service then permission',
        '/api/v1/users?eservice=statlig-ersattning&permission=attestera',
        false,
        '<= 150',
      ],
    ];
    const first = await (await fetch(`${base}/api/v1/users`, { headers })).json();
    const nextUrl = `/api/v1/users?cursor=${(first as { nextCursor: string }).nextCursor}`;
    for (const [label, scenarioUrl, touch, target] of scenarios) {
      const url = scenarioUrl === 'NEXT' ? nextUrl : scenarioUrl;
      const times: number[] = [];
      const runs = 30;
      loop.reset();
      for (let i = 0; i < runs + 1; i++) {
        if (touch) await storage.recordUserLogin(someone, new Date(Date.now() + i).toISOString());
        t = process.hrtime.bigint();
        const res = await fetch(`${base}${url}`, { headers });
        const body = await res.arrayBuffer();
        const elapsed = ms(process.hrtime.bigint() - t);
        if (res.status !== 200) throw new Error(Buffer.from(body).toString());
        if (i > 0) times.push(elapsed); // the first run warms caches
      }
      const stall = loop.max / 1e6;
      figures.push(
        {
          metric: `GET /users at ${USERS.toLocaleString('en')}: ${label}, p95 of ${runs}`,
          value: percentile(times, 95),
          unit: 'ms',
          target,
        },
        { metric: `event loop's longest stall during: ${label}`, value: stall, unit: 'ms', target: '<= 50' },
      );
      console.log(
        `GET /users ${label}: median ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, ` +
          `longest event-loop stall ${stall.toFixed(1)} ms`,
      );
    }

    // GET /status while another organisation's list is read, over and over (whole scans).
    let reading = true;
    const readers = (async () => {
      while (reading) {
        await (await fetch(`${base}/api/v1/users?search=qqqzzz`, { headers })).arrayBuffer();
        await (
          await fetch(`${base}/api/v1/users/export.csv?search=${encodeURIComponent(emailPiece)}`, { headers })
        ).arrayBuffer();
      }
    })();
    const statusTimes: number[] = [];
    for (let i = 0; i < 60; i++) {
      t = process.hrtime.bigint();
      await (await fetch(`${base}/api/v1/status`)).arrayBuffer();
      statusTimes.push(ms(process.hrtime.bigint() - t));
      await new Promise((r) => setTimeout(r, 20));
    }
    reading = false;
    await readers;
    loop.disable();
    figures.push({
      metric: "GET /status while another organisation's list is read, max of 60",
      value: Math.max(...statusTimes),
      unit: 'ms',
      target: '<= 50',
    });
    console.log(
      `GET /status during list reads: median ${percentile(statusTimes, 50).toFixed(1)} ms, max ${Math.max(...statusTimes).toFixed(1)} ms`,
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
