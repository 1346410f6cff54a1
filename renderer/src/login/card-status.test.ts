import { describe, expect, it } from 'vitest';
import { REVOCATION_NOT_CHECKED, type CardSnapshot, type CertificateSummary } from '../../../common/card/card-state';
import { blocksLogin, cardStatusOf } from './card-status';

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

describe('card status', () => {
  it('walks the chain: service, reader, card, token, certificate', () => {
    expect(cardStatusOf(null).kind).toBe('starting');
    expect(cardStatusOf(snapshot({ pcsc: { service: 'unavailable', readers: [] } })).kind).toBe('no-service');
    expect(cardStatusOf(snapshot({ pcsc: { service: 'running', readers: [] } })).kind).toBe('no-reader');
    const empty = snapshot();
    empty.pcsc.readers[0]!.cardPresent = false;
    expect(cardStatusOf(empty).kind).toBe('insert-card');
    expect(cardStatusOf(snapshot({ tokens: [] })).kind).toBe('reading');
    expect(cardStatusOf(snapshot()).kind).toBe('card-ready');
  });

  it('reports an unknown card with no token as unknown', () => {
    const unknown = snapshot({ tokens: [] });
    unknown.pcsc.readers[0]!.cardKind = 'unknown';
    expect(cardStatusOf(unknown).kind).toBe('unknown-card');
  });

  it('blocks login for expired, untrusted and PIN-locked cards, not for expiring-soon', () => {
    const withCertificate = (patch: Partial<CertificateSummary>) => {
      const s = snapshot();
      s.tokens[0]!.authCertificate = { ...certificate, ...patch };
      return cardStatusOf(s);
    };
    expect(blocksLogin(withCertificate({ validity: 'expired' }))).toBe(true);
    expect(blocksLogin(withCertificate({ validity: 'not-yet-valid' }))).toBe(true);
    expect(blocksLogin(withCertificate({ trusted: false }))).toBe(true);
    expect(blocksLogin(withCertificate({ validity: 'expiring-soon' }))).toBe(false);
    const locked = snapshot();
    locked.tokens[0]!.pin.locked = true;
    expect(blocksLogin(cardStatusOf(locked))).toBe(true);
  });
});
