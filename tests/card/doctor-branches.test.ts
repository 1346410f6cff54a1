import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardSnapshot } from '../../common/card/card-state';
import { loginReadiness, type LoginBlocker } from '../../common/card/login-readiness';
import { CHECK_IDS, type CheckId, type CheckStatus, type DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';
import type { CardProcessSupervisor } from '../../main/card/card-process-supervisor';
import { createCardRevocation, withRevocation } from '../../main/card/card-revocation';
import type { CardService } from '../../main/card/card-service';
import { probeBackend } from '../../main/diagnostics/backend-probe';
import { MAX_CLOCK_SKEW_SECONDS, runDoctorChecks } from '../../main/diagnostics/doctor-checks';
import { startCardLab, type CardLab, type CardProfileName } from '../cardlab/index';
import { PCSCD_SOCKET, stopPid } from '../cardlab/pcscd';
import { startReferenceBackend, type ReferenceBackend } from '../fixtures/reference-backend';
import { REPO_ROOT, startSupervisor } from './card-test-support';
import { checkWords } from '../../main/diagnostics/check-words';

/** The checks' words, as the doctor and the support report print them: the catalogue's Swedish. */
const SV = checkWords('sv');

// Every failure branch of the doctor's checks, each reached through the real chain: the card lab's
// profiles in pcscd + OpenSC read by a real card process, main's revocation check against the lab's
// OCSP responder, the reference backend's GET /status. The checks are the ones `npm run doctor` and
// the diagnostics view run (doctor-cli.test.ts runs the CLI itself for a few of them).

const POLICY_FILE = '/etc/behorighetsadmin/policy.json';
const silent = pino({ level: 'silent' });

let lab: CardLab;
let backend: ReferenceBackend;
let supervisor: CardProcessSupervisor;
let card: CardService;

beforeAll(async () => {
  lab = await startCardLab();
  backend = await startReferenceBackend({ caCertificates: lab.caCertificatesPath });
  supervisor = startSupervisor({ modulePath: lab.pkcs11Module, trustAnchorPaths: [lab.caCertificatesPath] });
  card = withRevocation(supervisor, createCardRevocation([lab.caCertificatesPath], silent));
}, 120_000);

afterAll(async () => {
  supervisor?.stop();
  await backend?.dispose();
  await lab?.stop();
});

/** The status of one check; throws when the check is missing (never compares against undefined). */
function statusOf(checks: readonly DiagnosticCheck[], id: CheckId): CheckStatus {
  const found = checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id} in ${checks.map((check) => check.id).join(', ')}`);
  return found.status;
}

function messageOf(checks: readonly DiagnosticCheck[], id: CheckId): string {
  const found = checks.find((check) => check.id === id);
  if (!found) throw new Error(`no check ${id}`);
  return SV.message(found);
}

/** A fresh read of the card service once `ready` holds (the card process re-reads after PC/SC changes). */
async function snapshotWhen(service: CardService, ready: (snapshot: CardSnapshot) => boolean): Promise<CardSnapshot> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const refreshed = await service.refresh();
    if (refreshed.ok && ready(refreshed.value)) return refreshed.value;
    if (Date.now() > deadline)
      throw new Error(`card state not reached: ${JSON.stringify(refreshed.ok ? refreshed.value : refreshed.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The first reader holds a card whose token was read, or one the module cannot read (OpenSC lists no
 * token for a card it does not recognise: an unknown ATR with no token, or a failed slot).
 */
const cardRead = (snapshot: CardSnapshot) =>
  snapshot.process === 'running' &&
  snapshot.pcsc.readers[0]?.cardPresent === true &&
  (snapshot.tokens.length > 0 || (snapshot.slotErrors ?? []).length > 0 || snapshot.pcsc.readers[0].cardKind === 'unknown');

async function doctor(snapshot: CardSnapshot, now = new Date()): Promise<DiagnosticCheck[]> {
  const probe = await probeBackend(backend.url, 5000);
  const checks = runDoctorChecks({ card: snapshot, policyLocation: POLICY_FILE, backend: probe, backendUrl: backend.url, now });
  expect(checks.map((check) => check.id)).toEqual([...CHECK_IDS]);
  return checks;
}

async function doctorWithCard(profile: CardProfileName): Promise<{ checks: DiagnosticCheck[]; snapshot: CardSnapshot }> {
  await lab.insert({ profile });
  const snapshot = await snapshotWhen(card, cardRead);
  return { checks: await doctor(snapshot), snapshot };
}

type Expected = Partial<Record<CheckId, CheckStatus>>;

/** What each profile does to the card checks, and the first blocker of the readiness rule the checks follow. */
const PROFILE_BRANCHES: [CardProfileName, Expected, LoginBlocker | null][] = [
  // remote-session depends on the machine's session, not on the card (skip here, off Windows).
  ['valid', Object.fromEntries(CHECK_IDS.filter((id) => id !== 'remote-session').map((id) => [id, 'pass'])) as Expected, null],
  ['expired', { 'certificate-validity': 'fail', 'certificate-issuer': 'pass', 'pin-state': 'pass' }, 'certificate-expired'],
  ['not-yet-valid', { 'certificate-validity': 'fail', 'certificate-issuer': 'pass' }, 'certificate-not-yet-valid'],
  ['expiring-soon', { 'certificate-validity': 'warn', 'certificate-issuer': 'pass', 'pin-state': 'pass' }, null],
  [
    'untrusted',
    { 'certificate-validity': 'pass', 'certificate-issuer': 'fail', 'certificate-revocation': 'skip' },
    'certificate-untrusted',
  ],
  ['one-try-left', { 'certificate-validity': 'pass', 'pin-state': 'warn' }, null],
  ['locked', { 'certificate-validity': 'pass', 'pin-state': 'fail' }, 'pin-locked'],
  ['two-tries-left', { 'certificate-validity': 'pass', 'pin-state': 'pass' }, null],
  ['puk-blocked', { 'certificate-validity': 'pass', 'pin-state': 'fail' }, 'pin-locked'],
  [
    'no-auth-cert',
    {
      token: 'pass',
      certificate: 'fail',
      'certificate-validity': 'skip',
      'certificate-issuer': 'skip',
      'certificate-revocation': 'skip',
    },
    'no-auth-certificate',
  ],
  ['ca-leaf', { token: 'pass', certificate: 'fail', 'certificate-validity': 'skip' }, 'no-auth-certificate'],
  ['ecc', { certificate: 'pass', 'certificate-validity': 'pass', 'certificate-issuer': 'pass', 'pin-state': 'pass' }, null],
  [
    'unknown-card',
    { card: 'pass', atr: 'warn', 'pkcs11-module': 'pass', token: 'fail', certificate: 'skip', 'pin-state': 'skip' },
    'unknown-card',
  ],
  [
    'revoked',
    { 'certificate-validity': 'pass', 'certificate-issuer': 'pass', 'certificate-revocation': 'fail' },
    'certificate-revoked',
  ],
];

describe('doctor checks over the lab profiles (real card stack)', () => {
  it.each(PROFILE_BRANCHES)('%s', async (profile, expected, firstBlocker) => {
    const { checks, snapshot } = await doctorWithCard(profile);
    const statuses = Object.fromEntries(CHECK_IDS.map((id) => [id, statusOf(checks, id)]));
    expect(statuses).toMatchObject({ 'pcsc-service': 'pass', reader: 'pass', ...expected });
    // The doctor and the login rule agree on this card (the same function decides both).
    expect(loginReadiness(snapshot).blockers[0] ?? null).toBe(firstBlocker);
    const failed = CHECK_IDS.filter((id) => statuses[id] === 'fail');
    expect(failed.length > 0).toBe(firstBlocker !== null);
  });

  it('names the expiry date and the days left for an expiring card', async () => {
    const { checks, snapshot } = await doctorWithCard('expiring-soon');
    const certificate = loginReadiness(snapshot).certificate;
    if (!certificate) throw new Error('no certificate read');
    expect(certificate.daysLeft).toBe(10);
    expect(messageOf(checks, 'certificate-validity')).toContain(`om ${certificate.daysLeft} dagar`);
    expect(messageOf(checks, 'certificate-validity')).toContain(certificate.notAfter.slice(0, 10));
  });

  it('says one PIN try is left for the card at its final try', async () => {
    const { checks } = await doctorWithCard('one-try-left');
    expect(statusOf(checks, 'pin-state')).toBe('warn');
    expect(messageOf(checks, 'pin-state')).toContain('1 försök kvar innan den låses');
  });
});

describe('doctor checks: the backend', () => {
  function agency(...args: string[]): void {
    const result = spawnSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      ['server/agency-cli.ts', '--db', backend.dbFile, ...args],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) throw new Error(`agency ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
  }

  it('warns backend-status when the service announces a warning, and fails it for a disturbance', async () => {
    await lab.insert({ profile: 'valid' });
    const snapshot = await snapshotWhen(card, cardRead);
    try {
      agency('message', 'set', '--severity', 'warning', '--text', 'Planerat underhåll i kväll');
      let checks = await doctor(snapshot);
      expect(statusOf(checks, 'backend')).toBe('pass');
      expect(statusOf(checks, 'backend-status')).toBe('warn');
      expect(messageOf(checks, 'backend-status')).toContain('Planerat underhåll i kväll');
      agency('message', 'set', '--severity', 'disturbance', '--text', 'Inloggningen fungerar inte');
      checks = await doctor(snapshot);
      expect(statusOf(checks, 'backend-status')).toBe('fail');
    } finally {
      agency('message', 'clear');
    }
    expect(statusOf(await doctor(snapshot), 'backend-status')).toBe('pass');
  });

  it('fails clock-skew when this computer runs ahead of or behind the service', async () => {
    await lab.insert({ profile: 'valid' });
    const snapshot = await snapshotWhen(card, cardRead);
    const off = (MAX_CLOCK_SKEW_SECONDS + 60) * 1000;
    for (const skew of [off, -off]) {
      const checks = await doctor(snapshot, new Date(Date.now() + skew));
      expect(statusOf(checks, 'clock-skew')).toBe('fail');
      expect(messageOf(checks, 'clock-skew')).toContain(`${MAX_CLOCK_SKEW_SECONDS + 60} sekunder`);
    }
    expect(statusOf(await doctor(snapshot), 'clock-skew')).toBe('pass');
  });
});

describe('doctor checks: the PKCS#11 module', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'doctor-module-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['missing', false, 'finns inte'],
    ['not a PKCS#11 module', true, 'kunde inte startas'],
  ])('fails pkcs11-module when the module is %s, and skips the token', async (_what, present, words) => {
    const modulePath = path.join(dir, present ? 'not-a-module.so' : 'absent.so');
    if (present) await writeFile(modulePath, 'this is not a shared object\n');
    await lab.insert({ profile: 'valid' });
    const other = startSupervisor({ modulePath, trustAnchorPaths: [lab.caCertificatesPath] });
    try {
      const snapshot = await snapshotWhen(
        other,
        (s) => s.process === 'running' && s.pcsc.readers[0]?.cardPresent === true && s.module.status !== 'loaded',
      );
      expect(snapshot.module.status).toBe(present ? 'failed' : 'missing');
      const checks = await doctor(snapshot);
      expect(statusOf(checks, 'card')).toBe('pass');
      expect(statusOf(checks, 'pkcs11-module')).toBe('fail');
      expect(messageOf(checks, 'pkcs11-module')).toContain(words);
      expect(messageOf(checks, 'pkcs11-module')).toContain(modulePath);
      expect(statusOf(checks, 'token')).toBe('skip');
      expect(loginReadiness(snapshot).blockers).toEqual([present ? 'module-failed' : 'module-missing']);
    } finally {
      other.stop();
    }
  });
});

describe('doctor checks: the card reader', () => {
  it('fails reader when the card service runs with no reader, and skips the card', async () => {
    await lab.remove();
    await lab.stopService();
    const configDir = await mkdtemp(path.join(os.tmpdir(), 'pcscd-no-readers-'));
    // A card service with no reader configured (and no USB reader on this machine): ours, stopped by its id.
    const pcscd = spawn('/usr/sbin/pcscd', ['--foreground', '--config', configDir], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 10_000;
      while (!existsSync(PCSCD_SOCKET) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const snapshot = await snapshotWhen(card, (s) => s.process === 'running' && s.pcsc.service === 'running');
      expect(snapshot.pcsc.readers).toEqual([]);
      const checks = await doctor(snapshot);
      expect(statusOf(checks, 'pcsc-service')).toBe('pass');
      expect(statusOf(checks, 'reader')).toBe('fail');
      expect(messageOf(checks, 'reader')).toContain('Ingen kortläsare');
      expect(statusOf(checks, 'card')).toBe('skip');
      expect(loginReadiness(snapshot).blockers).toEqual(['no-reader']);
    } finally {
      if (pcscd.pid !== undefined) await stopPid(pcscd.pid);
      await rm(configDir, { recursive: true, force: true });
      await lab.startService();
    }
  });
});
