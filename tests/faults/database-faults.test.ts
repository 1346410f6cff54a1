import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserRecord } from '../../server/storage/storage';
import { createSqliteStorage } from '../../server/storage/sqlite-storage';
import { startServer } from '../../server/server-main';
import { parseServerConfig } from '../../server/config';
import { engineDatabases, type EngineDatabases } from '../server-support/storage-engines';
import { createTestContext } from '../server-support/test-context';

// A database that turns against the server: a full disk and a read-only mount (a real tmpfs,
// mounted by the test, which runs as root as CI does), and a PostgreSQL database set read-only.

const T0 = '2026-01-01T10:00:00.000Z';
const root = process.getuid?.() === 0;
const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-db-faults-'));
const mounts: string[] = [];

function mountTmpfs(name: string, size: string): string {
  const mountPoint = path.join(dir, name);
  mkdirSync(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint]);
  mounts.push(mountPoint);
  return mountPoint;
}
const remount = (mountPoint: string, mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, mountPoint]);

afterAll(() => {
  for (const m of mounts) execFileSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
});

function users(from: number, n: number): UserRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `user-${from + i}-${'x'.repeat(40)}`,
    organisationId: 'kommun-a',
    hsaId: `SE2321000016-${String(from + i).padStart(6, '0')}`,
    givenName: 'Förnamn'.repeat(8),
    surname: 'Efternamn'.repeat(8),
    email: `user${from + i}@kommun-a.se`,
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    lastLoginAt: null,
    permissions: {},
  }));
}

describe.runIf(root)('SQLite on a disk that turns against it (tmpfs)', () => {
  it('reports a full disk as a full disk, with the path, not as a failed rollback', async () => {
    const file = path.join(mountTmpfs('full', '1m'), 'full.sqlite');
    const storage = await createSqliteStorage(file);
    try {
      await storage.insertOrganisation({ id: 'kommun-a', name: 'A', kind: 'kommun', agreements: [], createdAt: T0 });
      let error: unknown;
      for (let i = 0; i < 1000 && !error; i++) {
        await storage.transaction((tx) => tx.insertUsers(users(i * 100, 100))).catch((e: unknown) => (error = e));
      }
      expect(String(error)).toContain('disk full');
      expect(String(error)).toContain(file);
      expect(String(error)).not.toContain('cannot rollback');
      expect((error as { cause?: { code?: string } }).cause?.code).toBe('SQLITE_FULL');
      // What was committed before is still there and readable.
      expect((await storage.listUsers('kommun-a', { limit: 1 })).total).toBeGreaterThan(0);
    } finally {
      await storage.close();
    }
  });

  it('names the file when it cannot be opened on a read-only mount', async () => {
    const mountPoint = mountTmpfs('ro', '4m');
    const file = path.join(mountPoint, 'ro.sqlite');
    await (await createSqliteStorage(file)).close();
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    remount(mountPoint, 'ro');
    try {
      await expect(createSqliteStorage(file)).rejects.toThrow(file);
    } finally {
      remount(mountPoint, 'rw');
    }
  });

  it('says in /status that the disk is full, while reads still work, and ok again when there is room', async () => {
    const mountPoint = mountTmpfs('status', '4m');
    const ctx = await createTestContext({ db: path.join(mountPoint, 'status.sqlite') });
    const filler = path.join(mountPoint, 'filler');
    try {
      const status = async () =>
        (await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/status' })).json<Record<string, unknown>>();
      expect(await status()).toMatchObject({ status: 'ok', database: 'ok' });
      // Fill the file system to the last block.
      execFileSync('sh', ['-c', `dd if=/dev/zero of=${filler} bs=4k 2>/dev/null; true`]);
      for (let i = 0; i < 3; i++) {
        ctx.clock.advance(60_000);
        await ctx.agency.recordUserLogin('SE2321000016-A1B2').catch(() => undefined);
      }
      ctx.clock.advance(60_000);
      const broken = await status();
      expect(broken).toMatchObject({ status: 'degraded', database: 'disk-full' });
      expect(JSON.stringify(broken.message)).toContain('kan inte sparas');
      expect((await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(200);
      rmSync(filler);
      ctx.clock.advance(60_000);
      expect(await status()).toMatchObject({ status: 'ok', database: 'ok' });
    } finally {
      rmSync(filler, { force: true });
      await ctx.close();
    }
  });
});

describe('PostgreSQL database that is read-only', () => {
  let pg: EngineDatabases;
  beforeAll(async () => {
    pg = await engineDatabases('postgres');
  });
  afterAll(async () => {
    await pg?.dispose();
  });
  afterEach(async () => {
    await pg.server!.query(`ALTER DATABASE postgres SET default_transaction_read_only = off`);
  });

  it('says so in /status once the database turns read-only (as after a fail-over to a standby)', async () => {
    const url = await pg.fresh();
    const name = new URL(url).pathname.slice(1);
    const ctx = await createTestContext({ db: url });
    try {
      const status = async () =>
        (await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/status' })).json<Record<string, unknown>>();
      expect(await status()).toMatchObject({ status: 'ok', database: 'ok' });
      await pg.server!.query(`ALTER DATABASE "${name}" SET default_transaction_read_only = on`);
      await pg.server!.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
      ctx.clock.advance(60_000);
      await status(); // the pool notices its connections are gone
      ctx.clock.advance(60_000);
      expect(await status()).toMatchObject({ status: 'degraded', database: 'read-only' });
    } finally {
      await ctx.close();
    }
  });

  it('refuses to start the server, naming the database and why', async () => {
    const url = await pg.fresh();
    await (await createTestContext({ db: url })).close();
    await pg.server!.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET default_transaction_read_only = on`);
    const config = parseServerConfig(['--port', '0', '--db', url, '--log-level', 'silent'], {});
    if (config === 'help') throw new Error('unexpected help');
    const started = startServer(config, pino({ level: 'silent' }));
    void started.then((server) => server.close()).catch(() => undefined);
    await expect(started).rejects.toThrow(/read-only.*127\.0\.0\.1/);
  });
});
