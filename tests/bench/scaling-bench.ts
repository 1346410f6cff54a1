// Scaling of the reference backend on both engines: 1k / 10k / 100k / 1M users in one
// organisation (and as many audit rows, so 1M at the top), each measured for a page of the list,
// a search, one write, one login and the audit of one user. The same database grows from one size
// to the next (bulk loads: rows first, indexes after, one transaction per step). Run: npm run bench:scaling [-- --sizes 1000,10000 --engines sqlite]
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { eservicesForKind } from '../../common/api/index';
import { ensureTestPki, LAB_PERSON } from '../cardlab/index';
import { reportFigures, type BenchFigure } from './bench-report';
import { startPostgresServer, type PostgresServer } from '../fixtures/postgres-server';
import { buildApp } from '../../server/app';
import { loginSignedData } from '../../common/api/login-signed-data';
import { TrustStore } from '../../server/auth/trust-store';
import { systemClock } from '../../server/core/clock';
import { BulkSeeder } from '../../server/seed/bulk-seed';
import { AgencyService } from '../../server/services/agency-service';
import type { KyselyStorage } from '../../server/storage/kysely-storage';
import { openStorage } from '../../server/storage/open-storage';
import type { AuditRecordInput } from '../../server/storage/storage';

const ORIGIN = 'https://behorighetsadmin.test';
const ORG = 'kommun-stor';
const { values } = parseArgs({
  options: { sizes: { type: 'string' }, engines: { type: 'string' }, runs: { type: 'string' }, 'pg-url': { type: 'string' } },
});
const SIZES = (values.sizes ?? '1000,10000,100000,1000000').split(',').map(Number);
const ENGINES = (values.engines ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const RUNS = Number(values.runs ?? 15);

const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Row {
  engine: string;
  users: number;
  auditRows: number;
  seedSeconds: number;
  pageMs: number;
  searchMs: number;
  writeMs: number;
  loginMs: number;
  auditMs: number;
}

async function timed(runs: number, fn: (i: number) => Promise<void>): Promise<number> {
  await fn(-1); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    times.push(seconds(t) * 1000);
  }
  return median(times);
}

async function benchEngine(engine: 'sqlite' | 'postgres', rows: Row[]): Promise<void> {
  let pg: PostgresServer | undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-scaling-'));
  let db = path.join(dir, 'scaling.sqlite');
  if (engine === 'postgres') {
    if (values['pg-url']) db = values['pg-url'];
    else {
      pg = await startPostgresServer();
      db = await pg.createDatabase('scaling');
    }
  }
  const storage: KyselyStorage = await openStorage(db);
  try {
    const agency = new AgencyService(storage, systemClock);
    const services = eservicesForKind('kommun');
    await agency.addOrganisation({ id: ORG, name: 'Storkommunen', kind: 'kommun', agreements: services.map((e) => e.id) });
    await agency.addAdministrator({ organisationId: ORG, ...LAB_PERSON, email: 'alva@stor.se' });

    const pki = await ensureTestPki();
    const trust = new TrustStore([pki.rootCa.certificatePem], [pki.intermediateCa.certificatePem]);
    const app = buildApp({
      storage,
      clock: systemClock,
      trust,
      logger: pino({ level: 'silent' }),
      auth: { origin: ORIGIN, revocation: 'off' },
      rateLimit: { challengesPerMinute: 1_000_000 },
    });
    await app.fastify.ready();
    const card = await pki.issueCard('valid');
    const cred = card.authentication!;
    const key = createPrivateKey({ key: Buffer.from(cred.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' });
    const certificate = Buffer.from(cred.certificateDer).toString('base64');
    const login = async () => {
      const { nonce } = (await app.fastify.inject({ method: 'POST', url: '/api/v1/auth/challenge' })).json<{ nonce: string }>();
      const signature = nodeSign('sha256', loginSignedData(ORIGIN, nonce), key).toString('base64');
      const res = await app.fastify.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { certificate, signature, algorithm: 'RS256', nonce, origin: ORIGIN },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      return res.json<{ token: string }>().token;
    };
    const headers = { authorization: `Bearer ${await login()}` };
    const get = async (url: string) => {
      const res = await app.fastify.inject({ method: 'GET', url, headers });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      return res;
    };

    const seeder = new BulkSeeder(storage, {
      organisationId: ORG,
      hsaPrefix: 'SE2321000099',
      mailDomain: 'storkommunen.se',
      eservices: services,
      seed: 1,
      samples: 1,
      auditOf: (u): AuditRecordInput => ({
        organisationId: ORG,
        actor: LAB_PERSON.hsaId,
        action: 'user.created',
        targetType: 'user',
        targetId: u.id,
        before: null,
        after: { id: u.id, hsaId: u.hsaId, givenName: u.givenName, surname: u.surname, email: u.email },
        at: u.createdAt,
      }),
    });
    let seedSeconds = 0;
    for (const size of SIZES) {
      seedSeconds += await seeder.loadUpTo(size);
      const target = seeder.sample[0]!.id;
      const row: Row = {
        engine,
        users: size,
        auditRows: size,
        seedSeconds,
        pageMs: await timed(RUNS, async () => void (await get('/api/v1/users'))),
        searchMs: await timed(
          RUNS,
          async (i) => void (await get(`/api/v1/users?search=${['ann', 'berg', 'lars'][Math.abs(i) % 3]}`)),
        ),
        writeMs: await timed(RUNS, async (i) => {
          const current = (await get(`/api/v1/users/${target}`)).json<{ version: number }>();
          const res = await app.fastify.inject({
            method: 'PATCH',
            url: `/api/v1/users/${target}`,
            headers: { ...headers, 'if-match': `"${current.version}"` },
            payload: { email: `bench${i + 2}@storkommunen.se` },
          });
          if (res.statusCode !== 200) throw new Error(`write: ${res.statusCode} ${res.body}`);
        }),
        loginMs: await timed(RUNS, async () => void (await login())),
        auditMs: await timed(RUNS, async () => void (await get(`/api/v1/audit?userId=${target}&limit=50`))),
      };
      rows.push(row);
      console.log(
        `${engine} ${size.toLocaleString('en')} users, ${size.toLocaleString('en')} audit rows (seeded in ${seedSeconds.toFixed(1)} s so far): ` +
          `page ${row.pageMs.toFixed(1)} ms, search ${row.searchMs.toFixed(1)} ms, write ${row.writeMs.toFixed(1)} ms ` +
          `(read + PATCH), login ${row.loginMs.toFixed(1)} ms, audit of one user ${row.auditMs.toFixed(1)} ms`,
      );
    }
    await app.fastify.close();
  } finally {
    await storage.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printTable(rows: Row[]): void {
  const header = ['engine', 'users', 'audit rows', 'seed s (cum.)', 'page ms', 'search ms', 'write ms', 'login ms', 'audit ms'];
  const lines = rows.map((r) => [
    r.engine,
    r.users.toLocaleString('en'),
    r.auditRows.toLocaleString('en'),
    r.seedSeconds.toFixed(1),
    r.pageMs.toFixed(1),
    r.searchMs.toFixed(1),
    r.writeMs.toFixed(1),
    r.loginMs.toFixed(1),
    r.auditMs.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  console.log(`\nScaling (median of ${RUNS} runs each; write = GET + PATCH with If-Match)`);
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
  // Where cost grows faster than the data: a ×10 step that costs more than ×3.
  for (const metric of ['pageMs', 'searchMs', 'writeMs', 'loginMs', 'auditMs'] as const) {
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      if (a.engine !== b.engine) continue;
      const ratio = b[metric] / a[metric];
      if (ratio > 3) {
        console.log(
          `  ${b.engine} ${metric.replace('Ms', '')}: ×${ratio.toFixed(1)} from ${a.users.toLocaleString('en')} to ${b.users.toLocaleString('en')} users`,
        );
      }
    }
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const engine of ENGINES) await benchEngine(engine, rows);
  printTable(rows);
  const figures: BenchFigure[] = rows.flatMap((r) => [
    { metric: `${r.engine} ${r.users} users: page of the list, median`, value: r.pageMs, unit: 'ms', target: null },
    { metric: `${r.engine} ${r.users} users: search, median`, value: r.searchMs, unit: 'ms', target: null },
    { metric: `${r.engine} ${r.users} users: one write, median`, value: r.writeMs, unit: 'ms', target: null },
    { metric: `${r.engine} ${r.users} users: one login, median`, value: r.loginMs, unit: 'ms', target: null },
    { metric: `${r.engine} ${r.users} audit rows: audit of one user, median`, value: r.auditMs, unit: 'ms', target: null },
  ]);
  reportFigures('server-scaling', figures);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
