import { describe, expect, it } from 'vitest';
import { REVOCATION_NOT_CHECKED, type CardSnapshot, type CertificateSummary, type TokenState } from './card-state';
import {
  LOGIN_BLOCKERS,
  loginBlockerError,
  loginCandidates,
  loginChoice,
  loginReadiness,
  readerOfSlot,
  tokenOfReader,
} from './login-readiness';
import { testCertificate, testReader, testSnapshot, testToken } from '../../tests/fixtures/card-snapshots';

const certificate = testCertificate({ ocspUrls: ['http://127.0.0.1:9/ocsp'] });

const reader = testReader;
const token = (slotDescription: string, patch: Partial<TokenState> = {}) => testToken(slotDescription, patch, certificate);
const snapshot = (patch: Partial<CardSnapshot> = {}) => testSnapshot({ tokens: [token('Reader 0')], ...patch });

/** A snapshot whose one card carries this authentication certificate (and PIN state). */
function withCertificate(patch: Partial<CertificateSummary>, pin: Partial<TokenState['pin']> = {}, caCertificates = 2) {
  const authCertificate = { ...certificate, ...patch };
  const base = token('Reader 0');
  return snapshot({
    caCertificates,
    tokens: [{ ...base, authCertificate, certificates: [authCertificate], pin: { ...base.pin, ...pin } }],
  });
}

describe('readerOfSlot: which reader a PKCS#11 slot belongs to', () => {
  const readers = [reader('Reader 1'), reader('Reader 10'), reader('Virtual PCD 00 00')];
  it.each([
    ['the reader it names', 'Virtual PCD 00 00', 'Virtual PCD 00 00'],
    ['blank padding ignored', 'Virtual PCD 00 00                       ', 'Virtual PCD 00 00'],
    ['the longest name, never a shorter prefix', 'Reader 10', 'Reader 10'],
    ['a name the middleware added to', 'Reader 1 (PIV)', 'Reader 1'],
    ['none for a slot that names no reader', 'SoftHSM slot ID 0x1', null],
    ['none for an empty description', '', null],
  ])('%s', (_what, slot, expected) => {
    expect(readerOfSlot(readers, slot)?.name ?? null).toBe(expected);
  });

  it('a reader name longer than the 64-character slot field matches its cut description', () => {
    const long = `${'Lång läsare '.repeat(6)}00`;
    expect(long.length).toBeGreaterThan(64);
    expect(readerOfSlot([reader('Other'), reader(long)], long.slice(0, 64))?.name).toBe(long);
  });
});

describe('tokenOfReader', () => {
  it("picks the reader's own token, not another reader's", () => {
    const s = snapshot({
      pcsc: { service: 'running', readers: [reader('Reader 0'), reader('Reader 1')] },
      tokens: [token('Reader 1', { label: 'B' }), token('Reader 0', { label: 'A' })],
    });
    expect(tokenOfReader(s, 'Reader 0')?.label).toBe('A');
    expect(tokenOfReader(s, 'Reader 1')?.label).toBe('B');
  });

  it('of several slots in one reader, takes the one with an authentication certificate', () => {
    const s = snapshot({
      tokens: [token('Reader 0', { label: 'sign', authCertificate: null }), token('Reader 0', { label: 'auth' })],
    });
    expect(tokenOfReader(s, 'Reader 0')?.label).toBe('auth');
  });

  it('slots named after no reader belong to the one reader with a card, and to no reader when two hold cards', () => {
    const one = snapshot({
      tokens: [token('SoftHSM slot 0', { label: 'x', authCertificate: null }), token('SoftHSM slot 1', { label: 'y' })],
    });
    expect(tokenOfReader(one, 'Reader 0')?.label).toBe('y');
    const two = snapshot({
      pcsc: { service: 'running', readers: [reader('Reader 0'), reader('Reader 1')] },
      tokens: [token('SoftHSM slot 0')],
    });
    expect(tokenOfReader(two, 'Reader 0')).toBeNull();
    expect(tokenOfReader(two, 'Reader 1')).toBeNull();
  });

  it('gives no unnamed token to a reader when another token names its reader', () => {
    const s = snapshot({
      pcsc: { service: 'running', readers: [reader('Reader 0'), reader('Reader 1', { cardPresent: false })] },
      tokens: [token('SoftHSM slot 0'), token('Reader 1')],
    });
    expect(tokenOfReader(s, 'Reader 0')).toBeNull();
  });
});

describe('loginReadiness: what stops a login, in chain order', () => {
  const noCard = snapshot();
  noCard.pcsc.readers[0]!.cardPresent = false;
  const unknownCard = snapshot({ tokens: [] });
  unknownCard.pcsc.readers[0]!.cardKind = 'unknown';
  it.each<[string, CardSnapshot | null, string[]]>([
    ['no snapshot yet', null, ['card-process-starting']],
    ['card process restarting', snapshot({ process: 'restarting' }), ['card-process-starting']],
    ['no PC/SC service', snapshot({ pcsc: { service: 'unavailable', readers: [] } }), ['no-service']],
    ['no reader', snapshot({ pcsc: { service: 'running', readers: [] } }), ['no-reader']],
    ['no card', noCard, ['no-card']],
    [
      'module missing',
      snapshot({ module: { path: '/x.so', status: 'missing', manufacturer: null, description: null, version: null } }),
      ['module-missing'],
    ],
    [
      'module failed',
      snapshot({ module: { path: '/x.so', status: 'failed', manufacturer: null, description: null, version: null } }),
      ['module-failed'],
    ],
    ['token not read yet', snapshot({ tokens: [] }), ['card-reading']],
    [
      'slot failed',
      snapshot({ tokens: [], slotErrors: [{ slotId: '0', slotDescription: 'Reader 0', error: { code: 'token-absent' } }] }),
      ['token-unreadable'],
    ],
    ['unknown card', unknownCard, ['unknown-card']],
    [
      'no authentication certificate',
      snapshot({ tokens: [token('Reader 0', { authCertificate: null })] }),
      ['no-auth-certificate'],
    ],
    ['expired', withCertificate({ validity: 'expired' }), ['certificate-expired']],
    ['not yet valid', withCertificate({ validity: 'not-yet-valid' }), ['certificate-not-yet-valid']],
    ['untrusted with CA certificates configured', withCertificate({ trusted: false }), ['certificate-untrusted']],
    ['revoked', withCertificate({ revocation: { ...certificate.revocation, status: 'revoked' } }), ['certificate-revoked']],
    ['PIN locked', withCertificate({}, { locked: true }), ['pin-locked']],
    [
      'expired, untrusted, revoked and locked at once: all of them, in chain order',
      withCertificate(
        { validity: 'expired', trusted: false, revocation: { ...certificate.revocation, status: 'revoked' } },
        { locked: true },
      ),
      ['certificate-expired', 'certificate-untrusted', 'certificate-revoked', 'pin-locked'],
    ],
    ['a good card', snapshot(), []],
  ])('%s', (_what, input, blockers) => {
    const readiness = loginReadiness(input);
    expect(readiness.blockers).toEqual(blockers);
    // Every blocker is in the closed list, and they come in its order.
    const order = readiness.blockers.map((blocker) => LOGIN_BLOCKERS.indexOf(blocker));
    expect(order.every((index, i) => index >= 0 && (i === 0 || index > order[i - 1]!))).toBe(true);
  });

  it.each<[string, CardSnapshot, string[]]>([
    ['expiring soon', withCertificate({ validity: 'expiring-soon' }), ['certificate-expiring-soon']],
    [
      'revocation unknown',
      withCertificate({ revocation: { ...REVOCATION_NOT_CHECKED, status: 'unknown', reason: 'unreachable' } }),
      ['revocation-unknown'],
    ],
    [
      'revocation not answered yet, with a responder',
      withCertificate({ revocation: REVOCATION_NOT_CHECKED }),
      ['revocation-pending'],
    ],
    ['revocation not asked, no responder named', withCertificate({ revocation: REVOCATION_NOT_CHECKED, ocspUrls: [] }), []],
    ['final PIN try', withCertificate({}, { finalTry: true, countLow: true }), ['pin-final-try']],
    ['PIN count low', withCertificate({}, { countLow: true }), ['pin-count-low']],
  ])('warns, without blocking: %s', (_what, input, warnings) => {
    const readiness = loginReadiness(input);
    expect(readiness.blockers).toEqual([]);
    expect(readiness.warnings).toEqual(warnings);
  });

  it('with no CA certificate configured, an unchained card is a configuration notice, not an untrusted card', () => {
    const readiness = loginReadiness(withCertificate({ trusted: false }, {}, 0));
    expect(readiness.blockers).toEqual([]);
    expect(readiness.warnings).toEqual(['trust-not-configured']);
  });

  it('with CA certificates configured, a chained card has no trust warning', () => {
    expect(loginReadiness(snapshot()).warnings).toEqual([]);
  });

  it('returns the reader, its token and the certificate a login would use', () => {
    const readiness = loginReadiness(snapshot());
    expect(readiness.reader?.name).toBe('Reader 0');
    expect(readiness.token?.slotDescription).toBe('Reader 0');
    expect(readiness.certificate?.sha256).toBe(certificate.sha256);
  });
});

describe('loginReadiness with several readers', () => {
  const expired = { ...certificate, validity: 'expired' as const, sha256: 'b'.repeat(64) };
  const twoCards = () =>
    snapshot({
      pcsc: {
        service: 'running',
        readers: [reader('Reader 0', { cardKind: 'unknown' }), reader('Reader 1'), reader('Reader 2')],
      },
      tokens: [
        token('Reader 1', { label: 'expired', authCertificate: expired, certificates: [expired] }),
        token('Reader 2', { label: 'good' }),
      ],
    });

  it('by default takes the card that can log in, not an unknown card in the first reader', () => {
    expect(loginReadiness(twoCards()).token?.label).toBe('good');
  });

  it('with no card that can log in, takes the one that got furthest', () => {
    const s = twoCards();
    s.pcsc.readers[2]!.cardPresent = false;
    const readiness = loginReadiness(s);
    expect(readiness.reader?.name).toBe('Reader 1');
    expect(readiness.blockers).toEqual(['certificate-expired']);
  });

  it('takes the chosen reader when it holds a card, whatever its state', () => {
    const readiness = loginReadiness(twoCards(), { readerName: 'Reader 1' });
    expect(readiness.token?.label).toBe('expired');
    expect(readiness.blockers).toEqual(['certificate-expired']);
  });

  it('lists every card present, reader by reader', () => {
    expect(loginCandidates(twoCards()).map((candidate) => [candidate.reader?.name, candidate.blockers])).toEqual([
      ['Reader 0', ['unknown-card']],
      ['Reader 1', ['certificate-expired']],
      ['Reader 2', []],
    ]);
  });
});

describe('loginChoice: which of several cards a login uses', () => {
  const bertil = { ...certificate, commonName: 'Bertil Andersson', hsaId: 'SE2321000016-B2C3', sha256: 'c'.repeat(64) };
  const expired = { ...bertil, validity: 'expired' as const };
  /** Alva's card in Reader 0 and another in Reader 1. */
  const twoCards = (second: CertificateSummary = bertil, pin: Partial<TokenState['pin']> = {}) => {
    const other = token('Reader 1', { label: 'second', authCertificate: second, certificates: [second] });
    return snapshot({
      pcsc: { service: 'running', readers: [reader('Reader 0'), reader('Reader 1')] },
      tokens: [token('Reader 0', { label: 'alva' }), { ...other, pin: { ...other.pin, ...pin } }],
    });
  };
  const summary = (choice: ReturnType<typeof loginChoice>) => ({
    default: choice.defaultReaderName,
    reader: choice.readerName,
    required: choice.choiceRequired,
    gone: choice.chosenGone,
    token: choice.readiness.token?.label ?? null,
  });

  it('two cards that can both log in: no default, the user must choose', () => {
    const choice = loginChoice(twoCards());
    expect(choice.candidates.map((candidate) => candidate.certificate?.hsaId)).toEqual([
      'SE2321000016-A1B2',
      'SE2321000016-B2C3',
    ]);
    expect(summary(choice)).toEqual({ default: null, reader: null, required: true, gone: false, token: 'alva' });
  });

  it('the chosen card is the one used, the second reader as well as the first', () => {
    expect(summary(loginChoice(twoCards(), 'Reader 1'))).toEqual({
      default: null,
      reader: 'Reader 1',
      required: false,
      gone: false,
      token: 'second',
    });
    expect(summary(loginChoice(twoCards(), 'Reader 0'))).toMatchObject({ reader: 'Reader 0', token: 'alva' });
  });

  it.each<[string, CertificateSummary, Partial<TokenState['pin']>]>([
    ['an expired card', expired, {}],
    ['a card whose PIN is locked', bertil, { locked: true, triesLeft: 0 }],
    ['an untrusted card', { ...bertil, trusted: false }, {}],
  ])('the one card that can log in is the default beside %s', (_, second, pin) => {
    expect(summary(loginChoice(twoCards(second, pin)))).toEqual({
      default: 'Reader 0',
      reader: 'Reader 0',
      required: false,
      gone: false,
      token: 'alva',
    });
  });

  it('the default beside an unknown card in the first reader is the card in the second', () => {
    const s = twoCards();
    s.pcsc.readers[0]!.cardKind = 'unknown';
    s.tokens = s.tokens.filter((entry) => entry.label === 'second');
    expect(summary(loginChoice(s))).toMatchObject({ default: 'Reader 1', reader: 'Reader 1', required: false, token: 'second' });
  });

  it('a card that cannot log in can still be chosen, and its blockers are what is shown', () => {
    const choice = loginChoice(twoCards(expired), 'Reader 1');
    expect(choice.readerName).toBe('Reader 1');
    expect(choice.readiness.blockers).toEqual(['certificate-expired']);
  });

  it('one card only: that card, even when it cannot log in; no card: none, and why', () => {
    expect(summary(loginChoice(snapshot()))).toEqual({
      default: 'Reader 0',
      reader: 'Reader 0',
      required: false,
      gone: false,
      token: 'Alva',
    });
    const locked = loginChoice(withCertificate({}, { locked: true }));
    expect([locked.defaultReaderName, locked.readerName, locked.choiceRequired, locked.readiness.blockers]).toEqual([
      null,
      'Reader 0',
      false,
      ['pin-locked'],
    ]);
    const empty = snapshot();
    empty.pcsc.readers[0]!.cardPresent = false;
    expect(summary(loginChoice(empty))).toEqual({ default: null, reader: null, required: false, gone: false, token: null });
    expect(loginChoice(empty).readiness.blockers).toEqual(['no-card']);
    expect(loginChoice(null).readiness.blockers).toEqual(['card-process-starting']);
  });

  it('two cards and neither can log in: the user chooses, the one that got furthest is shown meanwhile', () => {
    const s = twoCards(expired);
    s.tokens[0] = { ...s.tokens[0]!, pin: { ...s.tokens[0]!.pin, locked: true } };
    const choice = loginChoice(s);
    expect(summary(choice)).toMatchObject({ default: null, reader: null, required: true });
    expect(choice.readiness.blockers.length).toBeGreaterThan(0);
  });

  it('a chosen card that was pulled never falls back to the other card', () => {
    const s = twoCards();
    s.pcsc.readers[1]!.cardPresent = false;
    const choice = loginChoice(s, 'Reader 1');
    expect(choice.chosenGone).toBe(true);
    expect(choice.readerName).toBe('Reader 0');
    expect(loginChoice(twoCards(), 'No such reader').chosenGone).toBe(true);
  });
});

describe('loginBlockerError: the failure the session reports for the first blocker', () => {
  it.each<[CardSnapshot | null, string, Record<string, string> | undefined]>([
    [snapshot({ pcsc: { service: 'unavailable', readers: [] } }), 'pcsc-no-service', undefined],
    [snapshot({ tokens: [] }), 'token-absent', undefined],
    [withCertificate({ validity: 'expired' }), 'certificate-expired', { notAfter: certificate.notAfter }],
    [withCertificate({ trusted: false }), 'certificate-untrusted', { issuer: certificate.issuer }],
    [
      withCertificate({ revocation: { ...certificate.revocation, status: 'revoked', revokedAt: '2026-11-30T10:00:00.000Z' } }),
      'certificate-revoked',
      { revokedAt: '2026-11-30T10:00:00.000Z' },
    ],
    [withCertificate({}, { locked: true }), 'pin-locked', { triesLeft: '0' }],
  ])('case %#', (input, code, details) => {
    expect(loginBlockerError(loginReadiness(input))).toEqual(details ? { code, details } : { code });
  });

  it('is null when nothing stops the login', () => {
    expect(loginBlockerError(loginReadiness(snapshot()))).toBeNull();
  });
});
