/**
 * `npm start` / `npm run web` in demo mode with the card lab installed: the demo starts a lab card and
 * configures what the app needs to trust and read it, from the lab's own JSON line.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startDemoEnvironment } from '../../main/demo/demo-environment';
import { createLogger } from '../../main/logging/logger';

describe('demo mode with the card lab', () => {
  it('starts the lab card and configures its PKCS#11 module and CA certificates', { timeout: 240_000 }, async () => {
    const events: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => events.push(line) } });
    const demo = await startDemoEnvironment({ repoRoot: path.resolve(import.meta.dirname, '..', '..'), logger });
    try {
      expect(events.join('')).not.toContain('demo-card-lab-failed');
      expect(demo.labCard).toBe(true);
      expect(demo.settings.pkcs11Modules).toHaveLength(1);
      const anchors = demo.settings.trustAnchors ?? [];
      expect(anchors.length).toBeGreaterThan(0);
      for (const file of anchors) expect(existsSync(file)).toBe(true);
      // Root and intermediate: the lab's card chains to a self-signed root through its issuing CA.
      const pems = anchors.map((file) => readFileSync(file, 'utf8')).join('');
      expect(pems.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    } finally {
      await demo.stop();
    }
  });
});
