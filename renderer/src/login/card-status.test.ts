import { describe, expect, it } from 'vitest';
import { REVOCATION_NOT_CHECKED, type CardSnapshot, type CertificateSummary } from '../../../common/card/card-state';
import { LOGIN_BLOCKERS, loginReadiness } from '../../../common/card/login-readiness';
import en from '../i18n/en.json';
import sv from '../i18n/sv.json';
import { cardStageOf } from './card-status';
import { testCertificate, testSnapshot, testToken } from '../../../tests/fixtures/card-snapshots';

const certificate = testCertificate({ revocation: REVOCATION_NOT_CHECKED });

function snapshot(overrides: Partial<CardSnapshot> = {}): CardSnapshot {
  return testSnapshot({ tokens: [testToken('Reader 0', { slotId: '00' }, certificate)], ...overrides });
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
