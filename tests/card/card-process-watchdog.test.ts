import { afterEach, describe, expect, it } from 'vitest';
import type { CardProcessSupervisor } from '../../main/card/card-process-supervisor';
import path from 'node:path';
import { REPO_ROOT, startSupervisor } from './card-test-support';

// The watchdog against the real card process: a call that hangs past its limit, and a crash.
let supervisor: CardProcessSupervisor | null = null;

afterEach(() => {
  supervisor?.stop();
  supervisor = null;
});

describe('card process watchdog', () => {
  it('reports a module that does not exist as missing, without crashing', async () => {
    supervisor = startSupervisor({ modulePath: '/nonexistent/pkcs11.so' });
    const snapshot = await supervisor.waitFor(
      (s) => s.process === 'running' && s.module.path === '/nonexistent/pkcs11.so',
      20_000,
    );
    expect(snapshot?.module.status).toBe('missing');
    const reread = await supervisor.reread();
    expect(reread.ok && reread.value.module.status).toBe('missing');
  });

  it('reports a hung call as card-process-hung within its limit and restarts the process', async () => {
    supervisor = startSupervisor({ modulePath: '/nonexistent/pkcs11.so' });
    expect(await supervisor.waitFor((s) => s.process === 'running', 20_000)).not.toBeNull();
    const started = Date.now();
    const result = await supervisor.blockForTest(60_000, 1_000);
    expect(result).toEqual({ ok: false, error: { code: 'card-process-hung' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(supervisor.snapshot().process).toBe('restarting');
    const back = await supervisor.waitFor((s) => s.process === 'running', 20_000);
    expect(back).not.toBeNull();
    const refreshed = await supervisor.refresh();
    expect(refreshed.ok).toBe(true);
  });

  it('restarts the process after it crashes, failing the call in flight', async () => {
    supervisor = startSupervisor({ modulePath: '/nonexistent/pkcs11.so' });
    expect(await supervisor.waitFor((s) => s.process === 'running', 20_000)).not.toBeNull();
    expect(await supervisor.crashForTest(10_000)).toEqual({ ok: false, error: { code: 'card-process-crashed' } });
    expect(await supervisor.waitFor((s) => s.process === 'running', 20_000)).not.toBeNull();
    expect((await supervisor.refresh()).ok).toBe(true);
  });

  it('lets a slow-starting process start: the heartbeat limit counts only once it has answered', async () => {
    // Start-up (here 2.5 s) is longer than the heartbeat limit (1 s): it must not be taken for a hang.
    supervisor = startSupervisor(
      {
        modulePath: '/nonexistent/pkcs11.so',
        execArgv: ['--require', path.join(REPO_ROOT, 'tests/fixtures/slow-start.cjs'), '--import', 'tsx'],
        env: { SLOW_START_MS: '2500' },
      },
      { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 1_000 },
    );
    const running = await supervisor.waitFor((s) => s.process === 'running', 20_000);
    expect(running?.process).toBe('running');
    expect((await supervisor.refresh()).ok).toBe(true);
  });

  it('refuses the test hooks outside test mode', async () => {
    supervisor = startSupervisor({ modulePath: '/nonexistent/pkcs11.so', env: { BEHORIGHETSADMIN_TEST_HOOKS: '0' } });
    expect(await supervisor.waitFor((s) => s.process === 'running', 20_000)).not.toBeNull();
    expect(await supervisor.crashForTest(10_000)).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(supervisor.snapshot().process).toBe('running');
  });

  it('restarts the process on request, failing the call in flight', async () => {
    supervisor = startSupervisor({ modulePath: '/nonexistent/pkcs11.so' });
    expect(await supervisor.waitFor((s) => s.process === 'running', 20_000)).not.toBeNull();
    const inFlight = supervisor.blockForTest(30_000, 20_000);
    // Simulate a crash of the middleware: the process dies under the call.
    const restarted = await supervisor.restartProcess();
    expect(await inFlight).toEqual({ ok: false, error: { code: 'card-process-crashed' } });
    expect(restarted.ok).toBe(true);
  });
});
