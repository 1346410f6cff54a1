import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger';
import { startDemoEnvironment, tsxSpawn } from './demo-environment';

describe('demo environment', () => {
  it('starts the reference backend with the demo data on loopback, and stops it', async () => {
    const demo = await startDemoEnvironment({
      repoRoot: path.resolve(import.meta.dirname, '..', '..'),
      logger: createLogger({ level: 'silent' }),
      cardLabInstalled: () => false,
    });
    try {
      expect(demo.labCard).toBe(false);
      expect(demo.settings.backendUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const status = (await (await fetch(`${demo.settings.backendUrl}/api/v1/status`)).json()) as { status: string };
      expect(status.status).toBe('ok');
    } finally {
      await demo.stop();
    }
    await expect(fetch(`${demo.settings.backendUrl}/api/v1/status`)).rejects.toThrow();
  });
});

describe('how demo mode starts its tools', () => {
  const base = { env: { PATH: '/usr/bin' } };
  it('runs Node itself with tsx as a loader, never a .cmd script (Windows refuses those without a shell)', () => {
    const spawn = tsxSpawn('server/cli.ts', ['--port', '0'], {
      ...base,
      execPath: 'C:\\Program Files\\nodejs\\node.exe',
      electron: false,
    });
    expect(spawn).toEqual({
      command: 'C:\\Program Files\\nodejs\\node.exe',
      args: ['--import', 'tsx', 'server/cli.ts', '--port', '0'],
      env: { PATH: '/usr/bin' },
    });
  });

  it('under Electron runs its executable as Node (ELECTRON_RUN_AS_NODE)', () => {
    const spawn = tsxSpawn('tests/cardlab/cli.ts', ['serve'], { ...base, execPath: '/repo/electron', electron: true });
    expect(spawn.command).toBe('/repo/electron');
    expect(spawn.args).toEqual(['--import', 'tsx', 'tests/cardlab/cli.ts', 'serve']);
    expect(spawn.env).toEqual({ PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1' });
  });
});
