import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardSnapshot } from '../../common/card/card-state';
import type { CardProcessSupervisor } from '../../main/card/card-process-supervisor';
import { startCardLab, type CardLab, type CardProfileName } from '../cardlab/index';
import { signLoginData, startSupervisor } from './card-test-support';

// The card layer against the card lab: pcscd, the vpcd reader, the virtual PIV card and OpenSC.
let lab: CardLab;
let card: CardProcessSupervisor;

const withCard = (snapshot: CardSnapshot) => snapshot.pcsc.readers.some((reader) => reader.cardPresent);
const withToken = (snapshot: CardSnapshot) => withCard(snapshot) && snapshot.tokens.length > 0;
const withoutCard = (snapshot: CardSnapshot) => snapshot.pcsc.service === 'running' && !withCard(snapshot);

async function insert(profile: CardProfileName): Promise<CardSnapshot> {
  // Let the card process finish re-reading the previous card first: a card pulled in the middle
  // of a read can wedge OpenSC, and the watchdog would then replace the process (tested apart).
  await new Promise((resolve) => setTimeout(resolve, 400));
  await lab.insert({ profile });
  const expectToken = profile !== 'unknown-card';
  const snapshot = await card.waitFor(expectToken ? withToken : withCard, 15_000);
  if (!snapshot) throw new Error(`no snapshot with the ${profile} card`);
  return snapshot;
}

function tokenOf(snapshot: CardSnapshot) {
  const token = snapshot.tokens[0];
  if (!token) throw new Error('no token');
  return token;
}

beforeAll(async () => {
  lab = await startCardLab();
  card = startSupervisor({
    modulePath: lab.pkcs11Module,
    trustAnchorPaths: [lab.pki.rootCa.certificatePath, lab.pki.intermediateCa.certificatePath],
  });
  await card.waitFor(
    (snapshot) => snapshot.pcsc.service === 'running' && snapshot.pcsc.readers.length >= lab.readers.length,
    20_000,
  );
}, 120_000);

afterAll(async () => {
  card?.stop();
  await lab?.stop();
});

describe('card layer on the card lab', () => {
  it('sees the lab readers and a card being inserted and removed', async () => {
    expect(card.snapshot().pcsc.readers.map((reader) => reader.name)).toEqual(expect.arrayContaining([...lab.readers]));
    const inserted = await insert('valid');
    const reader = inserted.pcsc.readers.find((candidate) => candidate.cardPresent)!;
    expect(reader).toMatchObject({ name: lab.readers[0], cardKind: 'lab' });
    await lab.remove();
    expect(await card.waitFor(withoutCard, 10_000)).not.toBeNull();
  });

  it('reads the valid card: token, PIN state and the authentication certificate', async () => {
    const snapshot = await insert('valid');
    const token = tokenOf(snapshot);
    expect(token.pin).toMatchObject({ locked: false, finalTry: false });
    expect(token.authCertificate).toMatchObject({
      hsaId: lab.hsaId,
      givenName: 'Alva',
      surname: 'Testsson',
      validity: 'valid',
      trusted: true,
      isAuthentication: true,
      keyAlgorithm: 'rsa',
    });
    expect(token.authCertificate!.keyUsage).toContain('digitalSignature');
    // The signature certificate is on the card but never chosen for login.
    const signing = token.certificates.find((certificate) => !certificate.isAuthentication);
    expect(signing?.keyUsage).toContain('nonRepudiation');
  });

  it.each([
    ['expired', { validity: 'expired' }],
    ['not-yet-valid', { validity: 'not-yet-valid' }],
    ['expiring-soon', { validity: 'expiring-soon' }],
    ['untrusted', { validity: 'valid', trusted: false }],
    ['ecc', { validity: 'valid', trusted: true, keyAlgorithm: 'ec' }],
  ] as const)('reports the %s card before any PIN', async (profile, expected) => {
    const token = tokenOf(await insert(profile));
    expect(token.authCertificate).toMatchObject(expected);
  });

  it('reports a card with no authentication certificate', async () => {
    const token = tokenOf(await insert('no-auth-cert'));
    expect(token.authCertificate).toBeNull();
    expect(token.certificates.length).toBeGreaterThan(0);
  });

  it('reports the locked and one-try-left cards from the token flags', async () => {
    expect(tokenOf(await insert('locked')).pin).toMatchObject({ locked: true, triesLeft: 0 });
    expect(tokenOf(await insert('one-try-left')).pin).toMatchObject({ finalTry: true, triesLeft: 1 });
  });

  it('reports an unknown card as unknown', async () => {
    const snapshot = await insert('unknown-card');
    expect(snapshot.pcsc.readers.find((reader) => reader.cardPresent)).toMatchObject({ cardKind: 'unknown' });
  });

  it.each(['valid', 'ecc'] as const)(
    'signs the login data with the %s card so that the certificate key verifies it',
    async (profile) => {
      const signed = await signLoginData(card, tokenOf(await insert(profile)), lab.pin);
      expect(signed.algorithm).toBe(profile === 'ecc' ? 'ES256' : 'RS256');
      expect(signed.verified).toBe(true);
    },
  );

  it('refuses a PIN of the wrong length before the card sees it', async () => {
    const token = tokenOf(await insert('valid'));
    const before = await lab.pinTriesLeft();
    const result = await card.sign({
      slotId: token.slotId,
      certificateSha256: token.authCertificate!.sha256,
      data: Buffer.alloc(64),
      pin: '12',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'pin-length' } });
    expect(await lab.pinTriesLeft()).toBe(before);
  });

  it('reports wrong PINs with tries left, and the third as locked', async () => {
    const token = tokenOf(await insert('valid'));
    const attempt = () =>
      card.sign({
        slotId: token.slotId,
        certificateSha256: token.authCertificate!.sha256,
        data: Buffer.alloc(64),
        pin: '000000',
      });
    const first = await attempt();
    expect(first).toMatchObject({ ok: false, error: { code: 'pin-incorrect' } });
    const second = await attempt();
    expect(second).toMatchObject({ ok: false, error: { code: 'pin-incorrect', details: { triesLeft: '1' } } });
    const third = await attempt();
    expect(third).toMatchObject({ ok: false, error: { code: 'pin-locked' } });
    expect(await lab.pinTriesLeft()).toBe(0);
    const locked = await card.waitFor((snapshot) => snapshot.tokens[0]?.pin.locked === true, 10_000);
    expect(locked).not.toBeNull();
  });

  it('gives "card removed", not a hang, when the card is pulled during a signature', async () => {
    const token = tokenOf(await insert('valid'));
    await lab.setFault({ on: 'sign', action: 'disconnect' });
    const started = Date.now();
    const result = await card.sign({
      slotId: token.slotId,
      certificateSha256: token.authCertificate!.sha256,
      data: Buffer.alloc(64),
      pin: lab.pin,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'card-removed' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    await lab.setFault(null);
    // The card process replaced itself (the middleware may be wedged) and reads a new card again.
    const back = await insert('valid');
    expect(tokenOf(back).authCertificate?.validity).toBe('valid');
  });

  it('refuses to sign when another card was put in after the certificate was read', async () => {
    const first = tokenOf(await insert('valid'));
    await lab.remove();
    await card.waitFor(withoutCard, 10_000);
    await insert('ecc');
    const result = await card.sign({
      slotId: first.slotId,
      certificateSha256: first.authCertificate!.sha256,
      data: Buffer.alloc(64),
      pin: lab.pin,
    });
    expect(result.ok).toBe(false);
    expect(['card-changed', 'card-removed']).toContain(!result.ok && result.error.code);
  });

  it('re-read picks up a card swapped underneath', async () => {
    await insert('valid');
    const rsa = tokenOf(card.snapshot()).authCertificate!.sha256;
    await lab.insert({ profile: 'ecc' });
    const reread = await card.reread();
    // The message names the error code when the re-read fails (a bare { ok: false } says nothing).
    expect(reread, JSON.stringify(reread.ok ? 'ok' : reread.error)).toMatchObject({ ok: true });
    const fresh = await card.waitFor((snapshot) => snapshot.tokens[0]?.authCertificate?.keyAlgorithm === 'ec', 10_000);
    // waitFor gives null on timeout: assert the ECC token is there before comparing.
    expect(fresh?.tokens[0]?.authCertificate?.keyAlgorithm).toBe('ec');
    expect(fresh!.tokens[0]!.authCertificate!.sha256).not.toBe(rsa);
  });

  it('survives the card service stopping and starting again, with events flowing afterwards', async () => {
    await lab.remove();
    await card.waitFor(withoutCard, 10_000);
    await lab.stopService();
    try {
      const down = await card.waitFor((snapshot) => snapshot.pcsc.service === 'unavailable', 10_000);
      expect(down?.pcsc.readers).toEqual([]);
    } finally {
      await lab.startService();
    }
    const up = await card.waitFor((snapshot) => snapshot.pcsc.service === 'running' && snapshot.pcsc.readers.length >= 1, 15_000);
    expect(up).not.toBeNull();
    const back = await insert('valid');
    expect(tokenOf(back).authCertificate?.hsaId).toBe(lab.hsaId);
  });
});
