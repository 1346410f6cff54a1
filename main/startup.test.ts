import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GLOBAL_FETCH_TRANSPORT } from './backend/backend-transport';
import type { WorkerHandle } from './card/card-process-supervisor';
import type { AppSettings } from './config/app-settings';
import { loadSettingsAndLogger } from './logging/settings-logger';
import { startMain, type StartedMain, type StartupPlatform } from './startup';

// The one startup of the Electron shell and the test bridge, with plain fakes for what differs between
// them: a card-process launcher that records what it is sent, a demo environment that only gives settings.

const RESOURCES = path.resolve(import.meta.dirname, '..', 'resources');
const OUR_FRAME = { frameUrl: 'app://renderer/index.html', isMainFrame: true };
const DEMO_URL = 'http://127.0.0.1:4999';

const dirs: string[] = [];
const running: StartedMain[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((started) => started.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'startup-'));
  dirs.push(dir);
  return {
    BEHORIGHETSADMIN_USER_DATA: path.join(dir, 'user'),
    BEHORIGHETSADMIN_POLICY_FILE: path.join(dir, 'no-policy.json'),
    ...extra,
  };
}

function logSink() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
}

function fakePlatform(overrides: Partial<StartupPlatform> = {}) {
  const steps: string[] = [];
  const launched: WorkerHandle[] = [];
  const killed: number[] = [];
  const transportFor: AppSettings['network'][] = [];
  const platform: StartupPlatform = {
    launchCardProcess: () => {
      steps.push('card-process');
      const handle: WorkerHandle = {
        send: () => undefined,
        onMessage: () => undefined,
        onExit: () => undefined,
        kill: () => void killed.push(launched.length),
      };
      launched.push(handle);
      return handle;
    },
    backendTransport: (network) => {
      transportFor.push(network);
      return GLOBAL_FETCH_TRANSPORT;
    },
    openExternal: async () => undefined,
    diagnostics: { logDir: null },
    appInfo: { productName: 'Behörighetsadmin', version: '0.0.0-test', transport: 'test-bridge', electronVersion: null },
    ...overrides,
  };
  return { platform, steps, launched, killed, transportFor };
}

async function start(base: ReturnType<typeof loadSettingsAndLogger>, platform: StartupPlatform): Promise<StartedMain> {
  const started = await startMain(base, platform);
  running.push(started);
  return started;
}

describe('loadSettingsAndLogger', () => {
  it('resolves the settings and logs each configuration issue, by file and key', () => {
    const { lines, destination } = logSink();
    const base = loadSettingsAndLogger(
      { env: env({ BEHORIGHETSADMIN_CARD_REMOVAL: 'sleep' }), platform: 'linux', resourcesDir: RESOURCES },
      { destination, level: 'warn' },
    );
    expect(base.settings.cardRemovalPolicy).toBe('logout');
    expect(base.settings.config.issues).toHaveLength(1);
    expect(lines).toEqual([
      expect.objectContaining({
        component: 'config',
        event: 'config-invalid',
        key: 'cardRemoval',
        source: 'flag',
        file: 'BEHORIGHETSADMIN_CARD_REMOVAL',
      }),
    ]);
  });
});

describe('startMain', () => {
  it('with demo mode asked for and no backend: starts the demo, and every service uses its settings', async () => {
    const { destination } = logSink();
    const base = loadSettingsAndLogger({ env: env(), platform: 'linux', resourcesDir: RESOURCES }, { destination });
    expect(base.settings.backend).toBeNull();
    let demoStopped = false;
    const fake = fakePlatform({
      startDemo: async () => {
        fake.steps.push('demo');
        return { settings: { backendUrl: DEMO_URL }, stop: async () => void (demoStopped = true) };
      },
      applySettings: async (settings) => void fake.steps.push(`apply ${settings.backend?.url ?? 'none'}`),
    });
    const started = await start(base, fake.platform);
    // The demo first, the final settings applied, then the card process.
    expect(fake.steps).toEqual(['demo', `apply ${DEMO_URL}`, 'card-process']);
    expect(started.demoMode).toBe(true);
    expect(started.settings.backend?.url).toBe(DEMO_URL);
    expect(fake.transportFor).toEqual([started.settings.network]);

    const services = started.compose(['app://renderer']);
    expect(services.backend?.baseUrl).toBe(DEMO_URL);
    expect(await services.router.dispatch('app:get-info', undefined, OUR_FRAME)).toMatchObject({
      ok: true,
      value: { demoMode: true, transport: 'test-bridge', version: '0.0.0-test' },
    });
    expect(await services.router.dispatch('settings:get', undefined, OUR_FRAME)).toMatchObject({
      ok: true,
      value: {
        demoMode: true,
        entries: expect.arrayContaining([expect.objectContaining({ key: 'backendUrl', value: DEMO_URL })]),
      },
    });

    running.splice(running.indexOf(started), 1);
    await started.stop();
    expect(fake.killed).toHaveLength(1);
    expect(demoStopped).toBe(true);
  });

  it('starts no demo where a backend is configured, and none where it was not asked for', async () => {
    const configured = 'http://127.0.0.1:4780';
    const { destination } = logSink();
    let demoStarts = 0;
    const startDemo = async () => {
      demoStarts += 1;
      return { settings: { backendUrl: DEMO_URL }, stop: async () => undefined };
    };
    const withBackend = loadSettingsAndLogger(
      { env: env({ BEHORIGHETSADMIN_BACKEND_URL: configured }), platform: 'linux', resourcesDir: RESOURCES },
      { destination },
    );
    const first = await start(withBackend, fakePlatform({ startDemo }).platform);
    expect(demoStarts).toBe(0);
    expect(first.demoMode).toBe(false);
    expect(first.compose(['app://renderer']).backend?.baseUrl).toBe(configured);

    const without = loadSettingsAndLogger({ env: env(), platform: 'linux', resourcesDir: RESOURCES }, { destination });
    const second = await start(without, fakePlatform().platform);
    expect(second.demoMode).toBe(false);
    expect(second.compose(['app://renderer']).backend).toBeNull();
  });

  it('composes services for the origins it is given, refusing every other sender', async () => {
    const { destination } = logSink();
    const base = loadSettingsAndLogger({ env: env(), platform: 'linux', resourcesDir: RESOURCES }, { destination });
    const started = await start(base, fakePlatform().platform);
    const services = started.compose(['http://127.0.0.1:4173']);
    expect(await services.router.dispatch('app:get-info', undefined, OUR_FRAME)).toEqual({
      ok: false,
      error: { code: 'ipc-forbidden-sender' },
    });
    expect(
      await services.router.dispatch('app:get-info', undefined, { frameUrl: 'http://127.0.0.1:4173/', isMainFrame: true }),
    ).toMatchObject({ ok: true, value: { demoMode: false } });
  });
});
