import { describe, expect, it } from 'vitest';
import type { CardSnapshot, CertificateSummary } from '../../common/card/card-state';
import { ensureTestPki, type CardProfileName } from '../../tests/cardlab/index';
import { summariseCertificate } from '../card-process/certificate-summary';
import { runDoctorChecks } from './doctor-checks';
import { checkWords } from './check-words';

/** The checks' words, as the doctor and the support report print them: the catalogue's Swedish. */
const SV = checkWords('sv');

const NOW = new Date();
const POLICY_FILE = '/etc/behorighetsadmin/policy.json';

async function summary(profile: CardProfileName, trusted: boolean): Promise<CertificateSummary> {
  const credentials = await (await ensureTestPki()).issueCard(profile);
  return summariseCertificate(credentials.authentication!.certificateDer, { now: NOW, isTrusted: () => trusted });
}

function snapshot(certificate: CertificateSummary, caCertificates: number): CardSnapshot {
  return {
    caCertificates,
    pcsc: {
      service: 'running',
      readers: [
        { name: 'Virtual PCD 00 00', cardPresent: true, atr: '3B 88', cardKind: 'lab', cardLabel: 'Labbkort', eventCount: 1 },
      ],
    },
    module: {
      path: '/usr/lib/opensc-pkcs11.so',
      status: 'loaded',
      manufacturer: 'OpenSC',
      description: 'OpenSC',
      version: '0.25',
    },
    tokens: [
      {
        slotId: '1',
        slotDescription: 'Virtual PCD 00 00',
        label: 'Alva Testsson',
        manufacturer: 'piv',
        model: 'PIV',
        serialNumber: '00112233',
        pin: { minLength: 4, maxLength: 8, countLow: false, finalTry: false, locked: false, triesLeft: null, pinPad: false },
        certificates: [certificate],
        authCertificate: certificate,
      },
    ],
    process: 'running',
    updatedAt: NOW.toISOString(),
  };
}

/** The checks on a card with this certificate; `trust.caCertificates`: how many CA certificates the card process has. */
function run(certificate: CertificateSummary, trust: { caCertificates: number; policyLocation: string }) {
  const checks = runDoctorChecks({
    card: snapshot(certificate, trust.caCertificates),
    backend: null,
    backendUrl: null,
    now: NOW,
    policyLocation: trust.policyLocation,
  });
  return (id: string) => checks.find((check) => check.id === id)!;
}

describe('doctor checks: the trust configuration', () => {
  it('with no CA certificate configured, certificate-issuer is a configuration notice naming the setting, not "untrusted"', async () => {
    const check = run(await summary('valid', false), { caCertificates: 0, policyLocation: POLICY_FILE })('certificate-issuer');
    expect(check.status).toBe('warn');
    expect(SV.message(check)).toContain('trustAnchors');
    expect(SV.message(check)).toContain(POLICY_FILE);
    expect(SV.message(check)).toContain('--trust-anchor');
    expect(SV.message(check)).toContain('BEHORIGHETSADMIN_TRUST_ANCHORS');
    expect(SV.message(check)).not.toContain('inte litar på');
    expect(check.details).toMatchObject({ setting: 'trustAnchors', policyLocation: POLICY_FILE });
  });

  it('with CA certificates configured, a card that chains passes and one that does not fails with its issuer', async () => {
    const trust = { caCertificates: 2, policyLocation: POLICY_FILE };
    expect(run(await summary('valid', true), trust)('certificate-issuer').status).toBe('pass');
    const untrusted = run(await summary('untrusted', false), trust)('certificate-issuer');
    expect(untrusted.status).toBe('fail');
    expect(SV.message(untrusted)).toContain('Test Untrusted Person ID CA');
  });
});

describe('doctor checks: certificate-revocation', () => {
  const trust = { caCertificates: 2, policyLocation: POLICY_FILE };
  const RESPONDER = 'http://127.0.0.1:9/';
  const base = { source: 'ocsp' as const, responder: RESPONDER, checkedAt: NOW.toISOString(), nextUpdate: null, revokedAt: null };

  it.each([
    ['good', { ...base, status: 'good' as const, reason: null }, 'pass', 'inte återkallat'],
    [
      'revoked',
      { ...base, status: 'revoked' as const, revokedAt: '2026-11-30T10:00:00.000Z', reason: null },
      'fail',
      'återkallat',
    ],
    [
      'unknown',
      { ...base, status: 'unknown' as const, source: null, reason: 'unreachable' as const },
      'warn',
      'kan inte kontrolleras',
    ],
    [
      'not-checked',
      { ...base, status: 'not-checked' as const, responder: null, reason: 'no-issuer' as const },
      'skip',
      'Hoppades över',
    ],
  ])('%s → %s', async (_name, revocation, status, words) => {
    const certificate = { ...(await summary('valid', true)), revocation };
    const check = run(certificate, trust)('certificate-revocation');
    expect(check.status).toBe(status);
    expect(SV.message(check)).toContain(words);
    if (status === 'warn') expect(SV.message(check)).toContain(RESPONDER);
  });
});

describe('the reader check names the readers the ignore list leaves out', () => {
  const impostor = {
    name: 'Microsoft Virtual Smart Card 00 00',
    cardPresent: true,
    atr: '3B 80 80 01 01',
    cardKind: 'unknown' as const,
    cardLabel: null,
    eventCount: 1,
    pattern: 'Microsoft Virtual Smart Card*',
  };

  it('passes on the real reader, with a note (code and parameters) for the ignored one', async () => {
    const card = snapshot(await summary('valid', true), 2);
    card.pcsc.ignoredReaders = [impostor];
    const reader = runDoctorChecks({ card, backend: null, backendUrl: null, now: NOW, policyLocation: POLICY_FILE }).find(
      (check) => check.id === 'reader',
    )!;
    expect(reader.status).toBe('pass');
    expect(SV.message(reader)).not.toContain('Microsoft');
    expect(reader.details.ignoredReaders).toBe(1);
    expect(reader.notes).toEqual([
      {
        code: 'reader-ignored',
        params: { reader: 'Microsoft Virtual Smart Card 00 00', pattern: 'Microsoft Virtual Smart Card*', card: 'yes' },
      },
    ]);
  });

  it('fails with no reader left, still naming the ignored one', async () => {
    const card = snapshot(await summary('valid', true), 2);
    card.pcsc = { service: 'running', readers: [], ignoredReaders: [impostor] };
    card.tokens = [];
    const reader = runDoctorChecks({ card, backend: null, backendUrl: null, now: NOW, policyLocation: POLICY_FILE }).find(
      (check) => check.id === 'reader',
    )!;
    expect(reader.status).toBe('fail');
    expect(reader.notes?.map((note) => note.params.reader)).toEqual(['Microsoft Virtual Smart Card 00 00']);
  });

  it('carries no notes when nothing is ignored', async () => {
    const reader = run(await summary('valid', true), { caCertificates: 2, policyLocation: POLICY_FILE })('reader');
    expect(reader.notes).toBeUndefined();
  });
});
