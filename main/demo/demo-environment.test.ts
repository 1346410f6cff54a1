import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger';
import { startDemoEnvironment } from './demo-environment';

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
