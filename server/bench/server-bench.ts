// Benchmark of the reference backend: login verifications per second and GET /api/v1/users
// latency with 100,000 users in one organisation. Run: npm run bench:server [-- --users N]
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { eservicesForKind } from '../../common/api/index';
import { ensureTestPki, LAB_PERSON } from '../../tests/cardlab/index';
import { buildApp } from '../app';
import { loginSignedData } from '../../common/api/login-signed-data';
import { parseLeafCertificate, verifyLogin } from '../auth/certificate-verifier';
import { TrustStore } from '../auth/trust-store';
import { systemClock } from '../clock';
import { generateUsers, seededRandom } from '../seed/demo-data';
import { AgencyService } from '../services/agency-service';
import { createSqliteStorage } from '../storage/sqlite-storage';
import { reportFigures, type BenchFigure } from '../../tests/bench/bench-report';

const ORIGIN = 'https://behorighetsadmin.test';
const { values } = parseArgs({ options: { users: { type: 'string' }, logins: { type: 'string' } } });
const USERS = Number(values.users ?? 100_000);
const LOGINS = Number(values.logins ?? 500);

function ms(ns: bigint): number {
  return Number(ns) / 1e6;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
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

    let t = process.hrtime.bigint();
    const users = generateUsers({
      organisationId: 'kommun-stor',
      hsaPrefix: 'SE2321000016',
      mailDomain: 'storkommunen.se',
      count: USERS,
      eservices: services,
      now: new Date(),
      random: seededRandom(1),
      reserved: new Set([LAB_PERSON.hsaId]),
    });
    await storage.transaction((tx) => tx.insertUsers(users));
    console.log(
      `seeded ${USERS.toLocaleString('en')} users in one organisation in ${(ms(process.hrtime.bigint() - t) / 1000).toFixed(1)} s`,
    );

    const pki = await ensureTestPki();
    const trust = new TrustStore([pki.rootCa.certificatePem], [pki.intermediateCa.certificatePem]);
    // Measures signature and chain verification: the revocation check (network) is off here.
    const app = buildApp({
      storage,
      clock: systemClock,
      trust,
      logger: pino({ level: 'silent' }),
      auth: { origin: ORIGIN, revocation: 'off' },
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
    const someone = users[USERS >> 1]!.hsaId;
    for (const [label, url, runs, touch] of [
      ['first page of 100 with counts, by surname', '/api/v1/users', 20, false],
      [
        'first page of 100 with counts, by e-mail descending, after a change',
        '/api/v1/users?sort=email&direction=desc',
        20,
        true,
      ],
      ['first page of 100 with counts, search "ann"', '/api/v1/users?search=ann', 20, false],
    ] as const) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs + 1; i++) {
        // A user's login changes the list, so the next request reads and serialises it again.
        if (touch) await storage.recordUserLogin(someone, new Date(Date.now() + i).toISOString());
        t = process.hrtime.bigint();
        const res = await fetch(`${base}${url}`, { headers });
        const body = await res.arrayBuffer();
        const elapsed = ms(process.hrtime.bigint() - t);
        if (res.status !== 200) throw new Error(Buffer.from(body).toString());
        bytes = body.byteLength;
        if (i > 0) times.push(elapsed); // the first run warms caches
      }
      times.sort((a, b) => a - b);
      figures.push({
        metric: `GET /api/v1/users, ${label}, median`,
        value: percentile(times, 50),
        unit: 'ms',
        target: '<= 150',
      });
      console.log(
        `GET /api/v1/users ${label}: median ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, ` +
          `${(bytes / 1e6).toFixed(1)} MB`,
      );
    }
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
