import { describe, expect, it, vi } from 'vitest';
import type { CardSnapshot } from '../../../common/card/card-state';
import type { DiagnosticCheck } from '../../../common/diagnostics/diagnostic-check';
import { fail, ok, type Result } from '../../../common/errors/error-codes';
import type { IpcEventName } from '../../../common/ipc/contract';
import { createDiagnosticsStore, type DiagnosticsApi } from './diagnostics-store';

const SNAPSHOT: CardSnapshot = {
  pcsc: { service: 'running', readers: [] },
  module: { path: '/m.so', status: 'loaded', manufacturer: null, description: null, version: null },
  caCertificates: 0,
  tokens: [],
  process: 'running',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function check(status: DiagnosticCheck['status']): DiagnosticCheck {
  return { id: 'pcsc-service', status, code: 'pcsc-service.running', params: {}, details: {} };
}

function fakeApi(overrides: Partial<DiagnosticsApi> = {}) {
  const listeners = new Map<IpcEventName, (payload: unknown) => void>();
  let status: DiagnosticCheck['status'] = 'fail';
  const runs = vi.fn(async () => ok({ checks: [check(status)], ranAt: new Date().toISOString() }));
  const api: DiagnosticsApi = {
    runDiagnostics: runs,
    testSignature: async () =>
      ok({ verified: true, algorithm: 'RS256', subject: 'CN=A', serialNumber: '01', durationMs: 5, at: 'now' }),
    getSupportReport: async () => ok({ json: '{}', text: 'RAPPORT' }),
    saveSupportReport: async () => ok({ saved: true, path: '/tmp/r.txt' }),
    openLogFolder: async () => ok({ opened: false, path: '/logs' }),
    rereadCard: async () => ok(SNAPSHOT),
    restartCardProcess: async () => ok(SNAPSHOT),
    on: ((name: IpcEventName, listener: (payload: unknown) => void) => {
      listeners.set(name, listener);
      return () => listeners.delete(name);
    }) as DiagnosticsApi['on'],
    ...overrides,
  };
  return {
    api,
    runs,
    setStatus: (next: DiagnosticCheck['status']) => (status = next),
    push: (snapshot: CardSnapshot) => listeners.get('card:snapshot')?.(snapshot),
    listening: () => listeners.has('card:snapshot'),
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createDiagnosticsStore', () => {
  it('runs on connect and again when the card really changes, not on an unchanged snapshot', async () => {
    const fake = fakeApi();
    const store = createDiagnosticsStore(fake.api, { writeClipboard: async () => undefined, pollMs: 0 });
    const off = store.getState().connect();
    await flush();
    expect(store.getState().checks?.[0]?.status).toBe('fail');
    fake.push(SNAPSHOT);
    await flush();
    const afterFirst = fake.runs.mock.calls.length;
    fake.push({ ...SNAPSHOT, updatedAt: '2026-01-01T00:00:05.000Z' });
    await flush();
    expect(fake.runs.mock.calls.length).toBe(afterFirst);
    fake.setStatus('pass');
    fake.push({ ...SNAPSHOT, pcsc: { service: 'unavailable', readers: [] } });
    await flush();
    expect(fake.runs.mock.calls.length).toBe(afterFirst + 1);
    expect(store.getState().checks?.[0]?.status).toBe('pass');
    off();
    expect(fake.listening()).toBe(false);
  });

  it('coalesces runs asked for while one is under way into one more', async () => {
    let release: (() => void) | null = null;
    const runs = vi.fn(
      () =>
        new Promise<Result<{ checks: DiagnosticCheck[]; ranAt: string }>>((resolve) => {
          release = () => resolve(ok({ checks: [check('pass')], ranAt: 'x' }));
        }),
    );
    const store = createDiagnosticsStore(fakeApi({ runDiagnostics: runs }).api, {
      writeClipboard: async () => undefined,
      pollMs: 0,
    });
    const first = store.getState().run();
    void store.getState().run();
    void store.getState().run();
    expect(store.getState().running).toBe(true);
    release!();
    await flush();
    release!();
    await first;
    expect(runs).toHaveBeenCalledTimes(2);
    expect(store.getState().running).toBe(false);
  });

  it('re-runs on an interval while connected (the backend may come back by itself)', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeApi();
      const off = createDiagnosticsStore(fake.api, { writeClipboard: async () => undefined, pollMs: 1000 })
        .getState()
        .connect();
      await vi.advanceTimersByTimeAsync(3100);
      expect(fake.runs.mock.calls.length).toBeGreaterThanOrEqual(4);
      off();
      const calls = fake.runs.mock.calls.length;
      await vi.advanceTimersByTimeAsync(5000);
      expect(fake.runs.mock.calls.length).toBe(calls);
    } finally {
      vi.useRealTimers();
    }
  });

  it('test signature: keeps the result, not the PIN; a wrong PIN becomes the error and the checks re-run', async () => {
    const fake = fakeApi();
    const store = createDiagnosticsStore(fake.api, { writeClipboard: async () => undefined, pollMs: 0 });
    expect(await store.getState().signWithPin('123456')).toBe(true);
    expect(store.getState().testSignature?.verified).toBe(true);
    expect(JSON.stringify(store.getState())).not.toContain('123456');

    const wrong = fakeApi({ testSignature: async () => fail('pin-incorrect', { triesLeft: '2' }) });
    const store2 = createDiagnosticsStore(wrong.api, { writeClipboard: async () => undefined, pollMs: 0 });
    expect(await store2.getState().signWithPin('000000')).toBe(false);
    expect(store2.getState().error).toEqual({ code: 'pin-incorrect', details: { triesLeft: '2' } });
    await flush();
    expect(wrong.runs).toHaveBeenCalled();
    expect(JSON.stringify(store2.getState())).not.toContain('000000');
  });

  it('copies the text report, saves, opens the log folder, and says what happened', async () => {
    const copied: string[] = [];
    const store = createDiagnosticsStore(fakeApi().api, { writeClipboard: async (text) => void copied.push(text), pollMs: 0 });
    await store.getState().copyReport();
    expect(copied).toEqual(['RAPPORT']);
    expect(store.getState().notice).toEqual({ kind: 'copied' });
    await store.getState().saveReport();
    expect(store.getState().notice).toEqual({ kind: 'saved', path: '/tmp/r.txt' });
    await store.getState().openLogFolder();
    expect(store.getState().notice).toEqual({ kind: 'log-folder', path: '/logs', opened: false });

    const refused = createDiagnosticsStore(fakeApi().api, {
      writeClipboard: async () => {
        throw new Error('denied');
      },
      pollMs: 0,
    });
    await refused.getState().copyReport();
    expect(refused.getState().error?.code).toBe('internal');
  });

  it('re-reads the card and restarts the card process, then runs the checks', async () => {
    const fake = fakeApi();
    const store = createDiagnosticsStore(fake.api, { writeClipboard: async () => undefined, pollMs: 0 });
    await store.getState().reread();
    expect(store.getState().notice).toEqual({ kind: 'reread' });
    await store.getState().restartCardProcess();
    expect(store.getState().notice).toEqual({ kind: 'restarted' });
    expect(fake.runs).toHaveBeenCalledTimes(2);
    const failing = createDiagnosticsStore(fakeApi({ restartCardProcess: async () => fail('card-process-hung') }).api, {
      writeClipboard: async () => undefined,
      pollMs: 0,
    });
    await failing.getState().restartCardProcess();
    expect(failing.getState().error?.code).toBe('card-process-hung');
  });
});
