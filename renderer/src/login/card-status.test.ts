import { describe, expect, it } from 'vitest';
import { REVOCATION_NOT_CHECKED, type CardSnapshot, type CertificateSummary } from '../../../common/card/card-state';
import { LOGIN_BLOCKERS, loginReadiness } from '../../../common/card/login-readiness';
import en from '../i18n/en.json';
import sv from '../i18n/sv.json';
import { cardStageOf } from './card-status';

const certificate: CertificateSummary = {
  subject: 'CN=Alva Testsson',
  commonName: 'Alva Testsson',
  givenName: 'Alva',
  surname: 'Testsson',
  hsaId: 'SE2321000016-A1B2',
  organisation: 'Testkommunen',
  issuer: 'CN=Test SITHS e-id Person ID 3 CA',
  serialNumber: '01',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2028-01-01T00:00:00.000Z',
  keyUsage: ['digitalSignature'],
  extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
  keyAlgorithm: 'rsa',
  sha256: 'a'.repeat(64),
  validity: 'valid',
  daysLeft: 400,
  trusted: true,
  isAuthentication: true,
  ocspUrls: [],
  crlUrls: [],
  revocation: REVOCATION_NOT_CHECKED,
};

function snapshot(overrides: Partial<CardSnapshot> = {}): CardSnapshot {
  return {
    caCertificates: 2,
    pcsc: {
      service: 'running',
      readers: [{ name: 'Reader 0', cardPresent: true, atr: '3B', cardKind: 'lab', cardLabel: 'Lab', eventCount: 1 }],
    },
    module: { path: '/m.so', status: 'loaded', manufacturer: null, description: null, version: null },
    tokens: [
      {
        slotId: '00',
        slotDescription: 'Reader 0',
        label: 'Alva',
        manufacturer: 'piv',
        model: 'x',
        serialNumber: '1',
        pin: { minLength: 4, maxLength: 8, countLow: false, finalTry: false, locked: false, triesLeft: null, pinPad: false },
        certificates: [certificate],
        authCertificate: certificate,
      },
    ],
    process: 'running',
    updatedAt: '2026-11-22T00:00:00.000Z',
    ...overrides,
  };
}

function withCertificate(patch: Partial<CertificateSummary>, caCertificates = 2): CardSnapshot {
  const s = snapshot({ caCertificates });
  s.tokens[0]!.authCertificate = { ...certificate, ...patch };
  return s;
}

const stage = (s: CardSnapshot | null) => cardStageOf(loginReadiness(s));

describe("card stage (the login view's data-status)", () => {
  it('walks the chain: service, reader, card, token, certificate', () => {
    expect(stage(null)).toBe('starting');
    expect(stage(snapshot({ pcsc: { service: 'unavailable', readers: [] } }))).toBe('no-service');
    expect(stage(snapshot({ pcsc: { service: 'running', readers: [] } }))).toBe('no-reader');
    const empty = snapshot();
    empty.pcsc.readers[0]!.cardPresent = false;
    expect(stage(empty)).toBe('insert-card');
    expect(stage(snapshot({ tokens: [] }))).toBe('reading');
    expect(stage(snapshot())).toBe('card-ready');
  });

  it('reports an unknown card with no token as unknown', () => {
    const unknown = snapshot({ tokens: [] });
    unknown.pcsc.readers[0]!.cardKind = 'unknown';
    expect(stage(unknown)).toBe('unknown-card');
  });

  it('is card-ready for a read card that something else blocks (the facts say what)', () => {
    expect(stage(withCertificate({ validity: 'expired' }))).toBe('card-ready');
  });
});

describe("the login view's rule is the one readiness rule", () => {
  const blocked = (s: CardSnapshot) => loginReadiness(s).blockers.length > 0;
  it('blocks expired, not-yet-valid, untrusted, revoked and PIN-locked cards, not expiring-soon', () => {
    expect(blocked(withCertificate({ validity: 'expired' }))).toBe(true);
    expect(blocked(withCertificate({ validity: 'not-yet-valid' }))).toBe(true);
    expect(blocked(withCertificate({ trusted: false }))).toBe(true);
    expect(blocked(withCertificate({ validity: 'expiring-soon' }))).toBe(false);
    const locked = snapshot();
    locked.tokens[0]!.pin.locked = true;
    expect(blocked(locked)).toBe(true);
  });

  it('blocks a revoked card', () => {
    expect(blocked(withCertificate({ revocation: { ...REVOCATION_NOT_CHECKED, status: 'revoked', reason: null } }))).toBe(true);
  });

  it('does not block for "untrusted" when no CA certificate is configured', () => {
    expect(blocked(withCertificate({ trusted: false }, 0))).toBe(false);
  });
});

describe('the words for readiness', () => {
  const text = (catalogue: unknown, key: string): unknown =>
    key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], catalogue);
  it('every blocker has its reason in Swedish and English', () => {
    const missing = LOGIN_BLOCKERS.flatMap((code) =>
      Object.entries({ sv, en }).flatMap(([language, catalogue]) => {
        const value = text(catalogue, `readiness.blockers.${code}`);
        return typeof value === 'string' && value.length > 0 ? [] : [`${language}: ${code}`];
      }),
    );
    expect(missing).toEqual([]);
  });
});
