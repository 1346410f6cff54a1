import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardProcessSupervisor, SupervisorOptions } from '../../main/card/card-process-supervisor';
import { createLogger } from '../../main/logging/logger';
import { nodeWorkerLauncher } from '../../main/card/node-worker-launcher';
import { REPO_ROOT, WORKER_ENTRY, startSupervisor } from '../card/card-test-support';

// A real PKCS#11 module (compiled here) that hangs or crashes, behind the real card process.
let dir: string;
let modulePath: string;
let control: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'faulty-pkcs11-'));
  modulePath = path.join(dir, 'faulty-pkcs11.so');
  control = path.join(dir, 'mode');
  execFileSync('cc', [
    '-shared',
    '-fPIC',
    '-O1',
    '-o',
    modulePath,
    path.join(REPO_ROOT, 'tests/fixtures/faulty-pkcs11/faulty-pkcs11.c'),
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(launches: { count: number }, logger?: SupervisorOptions['logger']): CardProcessSupervisor {
  const launch = nodeWorkerLauncher(WORKER_ENTRY, {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, FAULTY_PKCS11_CONTROL: control, BEHORIGHETSADMIN_TEST_HOOKS: '1' },
  });
  return startSupervisor(
    { modulePath },
    {
      launch: () => ((launches.count += 1), launch()),
      heartbeatIntervalMs: 300,
      heartbeatTimeoutMs: 1_500,
      readTimeoutMs: 3_000,
      restartDelayMs: 100,
      ...(logger ? { logger } : {}),
    },
  );
}

describe('a PKCS#11 module that hangs or crashes', () => {
  it('is noticed by the watchdog, the process replaced, calls answered in time, and it recovers when the module does', async () => {
    writeFileSync(control, 'hang');
    const launches = { count: 0 };
    const card = start(launches);
    try {
      const started = Date.now();
      const refreshed = await card.refresh();
      expect(refreshed).toEqual({ ok: false, error: { code: 'card-process-hung' } });
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect.poll(() => launches.count, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      expect(card.snapshot().process).not.toBe('running');

      // The middleware comes back to life: the next process reads normally.
      writeFileSync(control, 'ok');
      const running = await card.waitFor(
        (snapshot) => snapshot.process === 'running' && snapshot.module.status === 'loaded',
        30_000,
      );
      expect(running?.module.description).toBe('Faulty PKCS#11 test module');
      expect((await card.refresh()).ok).toBe(true);
    } finally {
      card.stop();
    }
  });

  it('restarts a process that crashes inside the module, backing off, and recovers', async () => {
    writeFileSync(control, 'crash');
    const launches = { count: 0 };
    const card = start(launches);
    try {
      await expect.poll(() => launches.count, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      const result = await card.refresh();
      expect(result.ok).toBe(false);
      writeFileSync(control, 'ok');
      expect(await card.waitFor((snapshot) => snapshot.process === 'running', 30_000)).not.toBeNull();
    } finally {
      card.stop();
    }
  });

  it('a C_Initialize that fails: the module is "failed" and the log in main keeps the CKR code from the card process', async () => {
    writeFileSync(control, 'init-fail');
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const card = start({ count: 0 }, logger);
    try {
      const failed = await card.waitFor(
        (snapshot) => snapshot.process === 'running' && snapshot.module.status === 'failed',
        15_000,
      );
      expect(failed?.module.path).toBe(modulePath);
      await expect
        .poll(() => lines.find((line) => line.event === 'pkcs11-module-unavailable'), { timeout: 10_000 })
        .toMatchObject({ level: 40, component: 'card-process', status: 'failed', path: modulePath, ckr: 'CKR_DEVICE_ERROR' });
    } finally {
      card.stop();
    }
  });
});
