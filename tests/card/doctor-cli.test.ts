import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS, type DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';
import { startCardLab, type CardLab } from '../cardlab/index';
import { startReferenceBackend, type ReferenceBackend } from '../fixtures/reference-backend';
import { REPO_ROOT } from './card-test-support';

// `npm run doctor -- --json` from outside, as support staff and CI run it.
let lab: CardLab;
let backend: ReferenceBackend;

function doctor(extra: string[] = []): Promise<{ code: number | null; checks: DiagnosticCheck[]; ms: number }> {
  const args = ['main/doctor/doctor-cli.ts', '--json', '--module', lab.pkcs11Module];
  args.push('--trust-anchor', lab.pki.caCertificatesPath);
  args.push('--backend', backend.url, ...extra);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), args, {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve({ code, checks: (JSON.parse(out) as { checks: DiagnosticCheck[] }).checks, ms: Date.now() - started });
      } catch (error) {
        reject(new Error(`doctor printed no JSON (exit ${code}): ${out}`, { cause: error }));
      }
    });
  });
}

const statusOf = (checks: DiagnosticCheck[]) => Object.fromEntries(checks.map((check) => [check.id, check.status]));

beforeAll(async () => {
  lab = await startCardLab();
  backend = await startReferenceBackend({ caCertificates: lab.pki.caCertificatesPath });
}, 120_000);

afterAll(async () => {
  await backend?.dispose();
  await lab?.stop();
});

describe('npm run doctor', () => {
  it('reports every check pass with the valid card and a running backend, and exits 0', async () => {
    await lab.insert({ profile: 'valid' });
    const result = await doctor();
    expect(Object.values(statusOf(result.checks))).toEqual(Array(13).fill('pass'));
    expect(result.checks.map((check) => check.id)).toEqual([...CHECK_IDS]);
    expect(result.code).toBe(0);
  });

  it('fails certificate-validity for the expired card, with the remedy, and exits non-zero', async () => {
    await lab.insert({ profile: 'expired' });
    const result = await doctor();
    const validity = result.checks.find((check) => check.id === 'certificate-validity')!;
    expect(validity.status).toBe('fail');
    expect(validity.message).toContain('Beställ ett nytt kort');
    expect(result.code).toBe(1);
  });

  it('fails backend when the backend is down', async () => {
    await lab.insert({ profile: 'valid' });
    await backend.stop();
    try {
      const result = await doctor();
      expect(statusOf(result.checks)).toMatchObject({ backend: 'fail', 'backend-status': 'skip', token: 'pass' });
    } finally {
      await backend.start();
    }
  });

  it('fails pcsc-service with no pcscd, and does not hang', async () => {
    await lab.remove();
    await lab.stopService();
    try {
      const result = await doctor(['--timeout', '8000']);
      expect(statusOf(result.checks)).toMatchObject({ 'pcsc-service': 'fail', reader: 'skip', card: 'skip' });
      expect(result.code).toBe(1);
      expect(result.ms).toBeLessThan(30_000);
    } finally {
      await lab.startService();
    }
  });
});
