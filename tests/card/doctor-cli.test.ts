import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS, type DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';
import { startCardLab, type CardLab } from '../cardlab/index';
import { startReferenceBackend, type ReferenceBackend } from '../fixtures/reference-backend';
import { REPO_ROOT } from './card-test-support';

// `npm run doctor -- --json` from outside, as support staff and CI run it.
let lab: CardLab;
let backend: ReferenceBackend;

/** A check as `doctor --json` prints it: code and values, and the catalogue's Swedish words. */
type DoctorCheck = DiagnosticCheck & { message: string };

function doctor(
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; checks: DoctorCheck[]; ms: number }> {
  const args = ['main/diagnostics/doctor-cli.ts', '--json', '--module', lab.pkcs11Module];
  args.push('--trust-anchor', lab.pki.caCertificatesPath);
  args.push('--backend', backend.url, ...extra);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve({ code, checks: (JSON.parse(out) as { checks: DoctorCheck[] }).checks, ms: Date.now() - started });
      } catch (error) {
        reject(new Error(`doctor printed no JSON (exit ${code}): ${out}`, { cause: error }));
      }
    });
  });
}

const statusOf = (checks: DoctorCheck[]) => Object.fromEntries(checks.map((check) => [check.id, check.status]));

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
    // Remote Desktop / Citrix is looked for on Windows only.
    const local = process.platform === 'win32' ? 'pass' : 'skip';
    expect(Object.values(statusOf(result.checks))).toEqual(CHECK_IDS.map((id) => (id === 'remote-session' ? local : 'pass')));
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

  it("warns of a card ending within the policy's expiryWarningDays, naming the card administrator; not past it", async () => {
    await lab.insert({ profile: 'expiring-soon' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-doctor-policy-'));
    try {
      const policyAt = (days: number) => {
        const file = path.join(dir, `policy-${days}.json`);
        writeFileSync(file, JSON.stringify({ expiryWarningDays: days }));
        return { BEHORIGHETSADMIN_POLICY_FILE: file };
      };
      // The lab card has 10 whole days left: the default (30) and 11 warn, 10 does not.
      for (const env of [{}, policyAt(11)]) {
        const validity = (await doctor([], env)).checks.find((check) => check.id === 'certificate-validity')!;
        expect(validity.status).toBe('warn');
        expect(validity.message).toContain('om 10 dagar');
        expect(validity.message).toContain('Beställ ett nytt kort hos organisationens kortadministratör');
        expect(validity.details.daysLeft).toBe(10);
      }
      const result = await doctor([], policyAt(10));
      const validity = result.checks.find((check) => check.id === 'certificate-validity')!;
      expect(validity.status).toBe('pass');
      expect(validity.details.expiryWarningDays).toBe(10);
      expect(result.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('fails certificate-revocation for the revoked card ("återkallat"), and exits non-zero', async () => {
    await lab.insert({ profile: 'revoked' });
    const result = await doctor();
    const revocation = result.checks.find((check) => check.id === 'certificate-revocation')!;
    expect(revocation.status).toBe('fail');
    expect(revocation.message).toContain('återkallat');
    expect(revocation.details).toMatchObject({ status: 'revoked', source: 'ocsp', responder: lab.revocation.ocspUrl });
    expect(statusOf(result.checks)).toMatchObject({ 'certificate-validity': 'pass', 'certificate-issuer': 'pass' });
    expect(result.code).toBe(1);
  });

  it('warns certificate-revocation ("kan inte kontrolleras", with the responder) when the responder and the CRL are down', async () => {
    await lab.insert({ profile: 'valid' });
    await lab.setRevocation({ ocsp: 'down', crl: 'down' });
    try {
      const result = await doctor();
      const revocation = result.checks.find((check) => check.id === 'certificate-revocation')!;
      expect(revocation.status).toBe('warn');
      expect(revocation.message).toContain('kan inte kontrolleras');
      expect(revocation.message).toContain(lab.revocation.ocspUrl);
      expect(revocation.details).toMatchObject({ status: 'unknown', reason: 'unreachable', responder: lab.revocation.ocspUrl });
    } finally {
      await lab.setRevocation({ ocsp: 'up', crl: 'up' });
    }
  });

  it("the reference backend refuses the revoked card's login with certificate-revoked", async () => {
    await lab.insert({ profile: 'revoked' });
    const credentials = lab.credentials(0)!.authentication!;
    const { nonce } = (await (await fetch(`${backend.url}/api/v1/auth/challenge`, { method: 'POST' })).json()) as {
      nonce: string;
    };
    const origin = 'https://behorighetsadmin.test';
    const data = Buffer.concat([createHash('sha256').update(origin).digest(), createHash('sha256').update(nonce).digest()]);
    // The card's own key (the lab's copy of what is on the virtual card) signs, as the card would.
    const key = createPrivateKey({ key: Buffer.from(credentials.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' });
    const response = await fetch(`${backend.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        certificate: Buffer.from(credentials.certificateDer).toString('base64'),
        signature: sign('sha256', data, key).toString('base64'),
        algorithm: 'RS256',
        nonce,
        origin,
      }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('certificate-revoked');
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
