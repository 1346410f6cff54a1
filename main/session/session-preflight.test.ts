import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CardSnapshot, CertificateSummary } from '../../common/card/card-state';
import { createIdleCardServiceFake } from '../../tests/fixtures/idle-card-service';
import { AppFailure } from '../errors/app-failure';
import { createLogger } from '../logging/logger';
import { SessionService } from './session-service';
import { TEST_CERTIFICATE, testReader, testSnapshot, testToken } from '../../tests/fixtures/card-snapshots';

// The session asks the one readiness rule (common/card/login-readiness) before the PIN, as the login
// view does: the same cards are refused, with the same first reason.

const certificate = TEST_CERTIFICATE;

function snapshot(patch: Partial<CertificateSummary>, caCertificates: number, readers = ['Virtual PCD 00 00']): CardSnapshot {
  const auth = { ...certificate, ...patch };
  return testSnapshot({
    pcsc: { service: 'running', readers: readers.map((name) => testReader(name)) },
    caCertificates,
    tokens: [testToken('Virtual PCD 00 01', { slotId: '7' }, auth)],
    updatedAt: '2026-12-01T00:00:00.000Z',
  });
}

function session(card: CardSnapshot): SessionService {
  const fake = createIdleCardServiceFake();
  fake.push(card);
  return new SessionService({
    card: fake,
    backend: null,
    origin: 'https://behorighetsadmin.test',
    removalPolicy: 'logout',
    logger: createLogger({ destination: new Writable({ write: (_chunk, _encoding, done) => done() }) }),
  });
}

function refusal(card: CardSnapshot): string | null {
  try {
    session(card).preflight();
    return null;
  } catch (error) {
    return error instanceof AppFailure ? error.code : 'not-an-app-failure';
  }
}

const TWO_READERS = ['Virtual PCD 00 00', 'Virtual PCD 00 01'];

describe('session preflight: the readiness rule', () => {
  it('refuses a revoked card before the PIN', () => {
    expect(refusal(snapshot({ revocation: { ...certificate.revocation, status: 'revoked' } }, 2, TWO_READERS))).toBe(
      'certificate-revoked',
    );
  });

  it('refuses an unchained card when CA certificates are configured, and lets the service decide when none are', () => {
    expect(refusal(snapshot({ trusted: false }, 2, TWO_READERS))).toBe('certificate-untrusted');
    expect(refusal(snapshot({ trusted: false }, 0, TWO_READERS))).toBeNull();
  });

  it("takes the token of the reader that holds it, not the first reader's", () => {
    const choice = session(snapshot({}, 2, TWO_READERS)).preflight();
    expect(choice.reader.name).toBe('Virtual PCD 00 01');
    expect(choice.token.slotId).toBe('7');
  });
});

describe('session preflight: which of two cards', () => {
  /** Alva's card in the first reader, Bertil's (valid or as patched) in the second. */
  function twoCards(second: Partial<CertificateSummary> = {}): CardSnapshot {
    const s = snapshot({}, 2, TWO_READERS);
    const alva = { ...s.tokens[0]!, slotId: '6', slotDescription: 'Virtual PCD 00 00' };
    const bertilCertificate = {
      ...certificate,
      commonName: 'Bertil Andersson',
      hsaId: 'SE2321000016-B2C3',
      sha256: 'b'.repeat(64),
      ...second,
    };
    const bertil = { ...s.tokens[0]!, label: 'Bertil', authCertificate: bertilCertificate, certificates: [bertilCertificate] };
    return { ...s, tokens: [alva, bertil] };
  }
  const failure = (run: () => unknown): string | null => {
    try {
      run();
      return null;
    } catch (error) {
      return error instanceof AppFailure ? error.code : 'not-an-app-failure';
    }
  };

  it('two cards that can log in and none chosen: refused until the user chooses', () => {
    expect(failure(() => session(twoCards()).preflight())).toBe('card-choice-required');
  });

  it('the chosen card is the one used', () => {
    const chosen = session(twoCards()).preflight('Virtual PCD 00 01');
    expect([chosen.reader.name, chosen.token.slotId, chosen.certificate.hsaId]).toEqual([
      'Virtual PCD 00 01',
      '7',
      'SE2321000016-B2C3',
    ]);
    expect(session(twoCards()).preflight('Virtual PCD 00 00').certificate.hsaId).toBe('SE2321000016-A1B2');
  });

  it('with none chosen, the one card that can log in (beside an expired one)', () => {
    expect(session(twoCards({ validity: 'expired' })).preflight().certificate.hsaId).toBe('SE2321000016-A1B2');
  });

  it('a chosen card that cannot log in is refused with its reason, never swapped for the other', () => {
    expect(failure(() => session(twoCards({ validity: 'expired' })).preflight('Virtual PCD 00 01'))).toBe('certificate-expired');
    const pulled = twoCards();
    pulled.pcsc.readers[1]!.cardPresent = false;
    expect(failure(() => session(pulled).preflight('Virtual PCD 00 01'))).toBe('card-removed');
    expect(failure(() => session(twoCards()).preflight('Virtual PCD 00 05'))).toBe('card-removed');
  });
});
