import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CardSnapshot } from '../../common/card/card-state';
import { withOverrides, writeDoctorReport } from './doctor-report';

const CARD: CardSnapshot = {
  pcsc: { service: 'unavailable', readers: [] },
  module: { path: '/m.so', status: 'missing', manufacturer: null, description: null, version: null },
  caCertificates: 0,
  tokens: [],
  process: 'running',
  updatedAt: '2026-11-22T10:00:00.000Z',
};

describe('doctor --report', () => {
  it('marks command-line overrides as such and adds the ones the configuration lacks', () => {
    const entries = [
      { key: 'backendUrl', value: null, source: 'default', locked: false },
      { key: 'cardRemoval', value: 'logout', source: 'default', locked: false },
    ];
    expect(withOverrides(entries, { backendUrl: 'http://x', pkcs11ModuleInUse: '/lab.so', trustAnchors: undefined })).toEqual([
      { key: 'backendUrl', value: 'http://x', source: 'kommandorad', locked: false },
      { key: 'cardRemoval', value: 'logout', source: 'default', locked: false },
      { key: 'pkcs11ModuleInUse', value: '/lab.so', source: 'kommandorad', locked: false },
    ]);
  });

  it('writes the same report as the app: text, then JSON', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'doctor-report-'));
    try {
      const file = writeDoctorReport({
        file: path.join(dir, 'r.txt'),
        repoRoot: path.resolve(import.meta.dirname, '..', '..'),
        checks: [{ id: 'pcsc-service', status: 'fail', code: 'pcsc-service.not-running', params: {}, details: {} }],
        card: CARD,
        configuration: [],
        logDir: null,
        now: new Date('2026-11-22T10:00:00Z'),
      });
      const content = readFileSync(file, 'utf8');
      expect(content).toContain('[FEL] Korttjänsten (PC/SC): Korttjänsten (PC/SC) är inte igång.');
      const json = JSON.parse(content.slice(content.indexOf('{'))) as { program: { transport: string }; checks: unknown[] };
      expect(json.program.transport).toBe('doctor');
      expect(json.checks).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
