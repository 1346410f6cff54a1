import { createPrivateKey, sign as nodeSign, constants } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CardSnapshot } from '../../common/card/card-state';
import { fail, ok } from '../../common/errors/error-codes';
import { ensureTestPki, type CardProfileName } from '../../tests/cardlab/index';
import { summariseCertificate } from '../card-process/certificate-summary';
import type { CardService } from '../card/card-service';
import type { SignInput } from '../card/card-process-supervisor';
import type { BackendProbe } from './backend-probe';
import { AppFailure } from '../errors/app-failure';
import { createLogger } from '../logging/logger';
import { DiagnosticsService, type DiagnosticsServiceOptions } from './diagnostics-service';

const NOW = new Date('2026-11-22T10:00:00Z');
const PIN = '246813';

async function labCard(profile: CardProfileName) {
  const pki = await ensureTestPki();
  const credentials = await pki.issueCard(profile);
  const auth = credentials.authentication!;
  const summary = {
    ...summariseCertificate(auth.certificateDer, { now: new Date(), isTrusted: () => true }),
    // As the card service hands it out once its OCSP responder has answered.
    revocation: {
      status: 'good' as const,
      source: 'ocsp' as const,
      responder: 'http://127.0.0.1:9/',
      checkedAt: NOW.toISOString(),
      nextUpdate: null,
      revokedAt: null,
      reason: null,
    },
  };
  const snapshot: CardSnapshot = {
    caCertificates: 2,
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
        certificates: [summary],
        authCertificate: summary,
      },
    ],
    process: 'running',
    updatedAt: NOW.toISOString(),
  };
  const key = createPrivateKey({ key: Buffer.from(auth.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' });
  const isEc = summary.keyAlgorithm === 'ec';
  const signWithCard = (data: Uint8Array) =>
    isEc
      ? nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
      : nodeSign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
  return { snapshot, certificateBase64: Buffer.from(auth.certificateDer).toString('base64'), signWithCard, isEc };
}

function fakeCard(snapshot: CardSnapshot, sign: CardService['sign']): Pick<CardService, 'snapshot' | 'refresh' | 'sign'> {
  return { snapshot: () => snapshot, refresh: async () => ok(snapshot), sign };
}

const BACKEND_OK: BackendProbe = {
  url: 'http://127.0.0.1:4780',
  reachable: true,
  status: { status: 'ok', time: NOW.toISOString(), version: '1.0.0', message: null },
  roundTripMs: 4,
  receivedAt: NOW,
};

function service(overrides: Partial<DiagnosticsServiceOptions> & Pick<DiagnosticsServiceOptions, 'card'>) {
  const lines: string[] = [];
  const logger = createLogger({
    destination: new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }),
  });
  const diagnostics = new DiagnosticsService({
    backendUrl: 'http://127.0.0.1:9/',
    policyLocation: '/etc/behorighetsadmin/policy.json',
    probeBackend: async () => BACKEND_OK,
    appInfo: () => ({
      productName: 'Behörighetsadmin',
      version: '0.1.0',
      platform: 'linux',
      arch: 'x64',
      transport: 'test-bridge',
      electronVersion: null,
      nodeVersion: '20.19.0',
    }),
    system: () => ({ platform: 'linux', arch: 'x64', release: '6.1.0', osVersion: 'Debian' }),
    configuration: () => [{ key: 'backendUrl', value: 'http://127.0.0.1:9/', source: 'flag', locked: false }],
    logDir: null,
    readRecentErrors: () => [
      { time: NOW.toISOString(), level: 'warn', component: 'ipc', event: 'ipc-failed', errorCode: 'pin-incorrect' },
    ],
    logger,
    now: () => NOW,
    ...overrides,
  });
  return { diagnostics, lines };
}

describe('DiagnosticsService.run', () => {
  it('runs the checks on a refreshed card and a fresh backend probe', async () => {
    const { snapshot } = await labCard('valid');
    let refreshed = 0;
    const card = { ...fakeCard(snapshot, async () => fail('internal')), refresh: async () => ((refreshed += 1), ok(snapshot)) };
    const { diagnostics } = service({ card });
    const run = await diagnostics.run();
    expect(refreshed).toBe(1);
    expect(run.ranAt).toBe(NOW.toISOString());
    expect(run.checks.map((check) => check.id)).toEqual([
      'pcsc-service',
      'reader',
      'remote-session',
      'card',
      'atr',
      'pkcs11-module',
      'token',
      'certificate',
      'certificate-validity',
      'certificate-issuer',
      'certificate-revocation',
      'pin-state',
      'backend',
      'backend-status',
      'clock-skew',
    ]);
    // Remote Desktop / Citrix is looked for on Windows only.
    const local = process.platform === 'win32' ? 'pass' : 'skip';
    expect(run.checks.map((check) => check.status)).toEqual(
      run.checks.map((check) => (check.id === 'remote-session' ? local : 'pass')),
    );
  });

  it('falls back to the last snapshot when the card process cannot refresh, and says the backend is down', async () => {
    const { snapshot } = await labCard('valid');
    const card = {
      ...fakeCard(snapshot, async () => fail('internal')),
      refresh: async () => fail<CardSnapshot>('card-process-hung'),
    };
    const { diagnostics } = service({
      card,
      probeBackend: async () => ({ reachable: false, url: 'http://127.0.0.1:4780', reason: 'refused', detail: 'ECONNREFUSED' }),
    });
    const run = await diagnostics.run();
    expect(run.checks.find((check) => check.id === 'card')?.status).toBe('pass');
    expect(run.checks.find((check) => check.id === 'backend')).toMatchObject({ status: 'fail' });
  });
});

describe('DiagnosticsService.testSignature', () => {
  for (const profile of ['valid', 'ecc'] as const) {
    it(`verifies the card's signature over a random challenge locally (${profile})`, async () => {
      const lab = await labCard(profile);
      const seen: SignInput[] = [];
      const card = fakeCard(lab.snapshot, async (input) => {
        seen.push(input);
        return ok({
          algorithm: lab.isEc ? 'ES256' : 'RS256',
          signatureBase64: lab.signWithCard(input.data).toString('base64'),
          certificateBase64: lab.certificateBase64,
        });
      });
      const { diagnostics, lines } = service({ card });
      const result = await diagnostics.testSignature(PIN);
      expect(result).toMatchObject({
        verified: true,
        algorithm: lab.isEc ? 'ES256' : 'RS256',
        serialNumber: lab.snapshot.tokens[0]!.authCertificate!.serialNumber,
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.pin).toBe(PIN);
      expect(seen[0]!.certificateSha256).toBe(lab.snapshot.tokens[0]!.authCertificate!.sha256);
      // Never the 64 bytes of a login's SHA-256(origin) ‖ SHA-256(nonce).
      expect(seen[0]!.data.length).not.toBe(64);
      expect(lines.join('')).not.toContain(PIN);
    });
  }

  it('says "not verified" when the signature does not match the certificate', async () => {
    const lab = await labCard('valid');
    const card = fakeCard(lab.snapshot, async (input) =>
      ok({
        algorithm: 'RS256',
        signatureBase64: lab.signWithCard(Buffer.concat([Buffer.from(input.data), Buffer.from('x')])).toString('base64'),
        certificateBase64: lab.certificateBase64,
      }),
    );
    const { diagnostics } = service({ card });
    expect((await diagnostics.testSignature(PIN)).verified).toBe(false);
    const report = JSON.parse((await diagnostics.report()).json) as { testSignature: { outcome: string } };
    expect(report.testSignature.outcome).toBe('not-verified');
  });

  it('passes a wrong PIN on as its error code, and records it for the report without the PIN', async () => {
    const lab = await labCard('valid');
    const card = fakeCard(lab.snapshot, async () => fail('pin-incorrect', { triesLeft: '2' }));
    const { diagnostics, lines } = service({ card });
    await expect(diagnostics.testSignature(PIN)).rejects.toMatchObject({ code: 'pin-incorrect', details: { triesLeft: '2' } });
    const files = await diagnostics.report();
    expect(JSON.parse(files.json)).toMatchObject({ testSignature: { outcome: 'failed', errorCode: 'pin-incorrect' } });
    expect(files.text).toContain('misslyckades (pin-incorrect)');
    for (const text of [files.json, files.text, lines.join('')]) expect(text).not.toContain(PIN);
  });

  it('refuses without a card that has an authentication certificate', async () => {
    const lab = await labCard('valid');
    const empty: CardSnapshot = { ...lab.snapshot, tokens: [] };
    const { diagnostics } = service({ card: fakeCard(empty, async () => fail('internal')) });
    await expect(diagnostics.testSignature(PIN)).rejects.toBeInstanceOf(AppFailure);
    await expect(diagnostics.testSignature(PIN)).rejects.toMatchObject({ code: 'token-absent' });
  });
});

describe('DiagnosticsService report, save and log folder', () => {
  it('saves one file through the platform and opens the log folder where it can', async () => {
    const lab = await labCard('valid');
    const saved: { name: string; content: string }[] = [];
    const { diagnostics } = service({
      card: fakeCard(lab.snapshot, async () => fail('internal')),
      saveFile: async (name, content) => (saved.push({ name, content }), `/tmp/${name}`),
      logDir: '/var/log/ba',
      openFolder: async () => true,
    });
    expect(await diagnostics.saveReport()).toEqual({ saved: true, path: '/tmp/behorighetsadmin-rapport-2026-11-22-1000.txt' });
    expect(saved[0]!.content).toContain('Behörighetsadmin – supportrapport');
    expect(saved[0]!.content).toContain('"format": "behorighetsadmin-supportrapport/1"');
    expect(await diagnostics.openLogFolder()).toEqual({ opened: true, path: '/var/log/ba' });
  });

  it('reports "not saved" when cancelled or when the platform cannot save', async () => {
    const lab = await labCard('valid');
    const card = fakeCard(lab.snapshot, async () => fail('internal'));
    expect(await service({ card, saveFile: async () => null }).diagnostics.saveReport()).toEqual({ saved: false, path: null });
    expect(await service({ card }).diagnostics.saveReport()).toEqual({ saved: false, path: null });
    expect(await service({ card }).diagnostics.openLogFolder()).toEqual({ opened: false, path: null });
    expect(await service({ card, logDir: '/logs' }).diagnostics.openLogFolder()).toEqual({ opened: false, path: '/logs' });
  });
});
