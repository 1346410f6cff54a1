import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardSnapshot, TokenState } from '../../common/card/card-state';
import type { CardProcessSupervisor } from '../../main/card/card-process-supervisor';
import { LAB_PERSON, LAB_PUK, startCardLab, type CardLab, type InsertOptions } from '../cardlab/index';
import { startSupervisor } from './card-test-support';

// "Byt PIN-kod" and "Lås upp PIN-kod med PUK" through the card process (pkcs11js → OpenSC → the lab
// card). The unblock runs with the lab's OpenSC configuration, which offers OpenSC's PIV unblock.
let lab: CardLab;
let card: CardProcessSupervisor;

const READER = 1;
const PERSON = { ...LAB_PERSON, givenName: 'Doris', hsaId: 'SE2321000016-D4E5' };
const mine = (s: CardSnapshot) => s.tokens.find((token) => token.authCertificate?.hsaId === PERSON.hsaId);

async function insert(options: Omit<InsertOptions, 'reader' | 'person'>): Promise<TokenState> {
  await new Promise((resolve) => setTimeout(resolve, 400));
  const before = card.snapshot().updatedAt;
  await lab.insert({ ...options, reader: READER, person: PERSON });
  const snapshot = await card.waitFor((s) => s.updatedAt !== before && mine(s)?.pin.triesSource !== undefined, 15_000);
  const token = snapshot && mine(snapshot);
  if (!token) throw new Error(`no token for the ${options.profile} card`);
  return token;
}

const ids = (token: TokenState) => ({ slotId: token.slotId, certificateSha256: token.authCertificate!.sha256 });

beforeAll(async () => {
  lab = await startCardLab({ lockTimeoutMs: 240_000 });
  card = startSupervisor({
    modulePath: lab.pkcs11Module,
    trustAnchorPaths: [lab.pki.rootCa.certificatePath, lab.pki.intermediateCa.certificatePath],
    env: { OPENSC_CONF: lab.openscConf },
  });
  await card.waitFor((s) => s.pcsc.service === 'running' && s.pcsc.readers.length >= lab.readers.length, 20_000);
}, 250_000);

afterAll(async () => {
  card?.stop();
  await lab?.stop();
});

describe('PIN change and PUK unblock through the card process', () => {
  it('changes the PIN: the new PIN signs, the old one is wrong', async () => {
    const token = await insert({ profile: 'valid' });
    expect(await card.changePin({ ...ids(token), oldPin: lab.pin, newPin: '135790' })).toMatchObject({ ok: true });
    const sign = (pin: string) => card.sign({ ...ids(token), data: Buffer.alloc(64), pin });
    expect(await sign('135790')).toMatchObject({ ok: true });
    expect(await sign(lab.pin)).toMatchObject({ ok: false, error: { code: 'pin-incorrect', details: { triesLeft: '2' } } });
  });

  it('a wrong current PIN costs a try and says how many are left', async () => {
    const token = await insert({ profile: 'valid' });
    const result = await card.changePin({ ...ids(token), oldPin: '000000', newPin: '135790' });
    expect(result).toMatchObject({ ok: false, error: { code: 'pin-incorrect', details: { triesLeft: '2' } } });
    expect(await lab.pinTriesLeft(READER)).toBe(2);
  });

  it('a wrong current PIN on the last try is reported as locked, as signing reports it (one login path)', async () => {
    const token = await insert({ profile: 'one-try-left' });
    const result = await card.changePin({ ...ids(token), oldPin: '000000', newPin: '135790' });
    expect(result).toMatchObject({ ok: false, error: { code: 'pin-locked' } });
    expect(await lab.pinTriesLeft(READER)).toBe(0);
  });

  it('a new PIN outside the token length rules is refused before the card sees anything', async () => {
    const token = await insert({ profile: 'valid' });
    const result = await card.changePin({ ...ids(token), oldPin: lab.pin, newPin: '12' });
    expect(result).toMatchObject({ ok: false, error: { code: 'pin-length' } });
    expect(await lab.pinTriesLeft(READER)).toBe(3);
  });

  it('a new PIN the card refuses (not 6-8 digits) is reported as refused, and no try is spent', async () => {
    const token = await insert({ profile: 'valid' });
    const result = await card.changePin({ ...ids(token), oldPin: lab.pin, newPin: '1234' });
    expect(result).toMatchObject({ ok: false, error: { code: 'pin-change-refused' } });
    expect(await lab.pinTriesLeft(READER)).toBe(3);
  });

  it('unblocks a locked PIN with the PUK; a wrong PUK first says the PUK tries left', async () => {
    const token = await insert({ profile: 'locked' });
    const wrong = await card.unblockPin({ ...ids(token), puk: '87654321', newPin: '246813' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'puk-incorrect', details: { pukTriesLeft: '2' } } });
    expect(await lab.pukTriesLeft(READER)).toBe(2);
    expect(await card.unblockPin({ ...ids(token), puk: LAB_PUK, newPin: '246813' })).toMatchObject({ ok: true });
    expect(await lab.pinTriesLeft(READER)).toBe(3);
    const unlocked = await card.waitFor((s) => mine(s)?.pin.locked === false, 10_000);
    expect(unlocked && mine(unlocked)?.pin).toMatchObject({ triesLeft: 3, pukTriesLeft: 3 });
    expect(await card.sign({ ...ids(token), data: Buffer.alloc(64), pin: '246813' })).toMatchObject({ ok: true });
  });

  it('a blocked PUK is reported as such, and nothing changes on the card', async () => {
    const token = await insert({ profile: 'puk-blocked' });
    const result = await card.unblockPin({ ...ids(token), puk: LAB_PUK, newPin: '246813' });
    expect(result).toMatchObject({ ok: false, error: { code: 'puk-locked' } });
    expect(await lab.pinTriesLeft(READER)).toBe(0);
    expect(await lab.pukTriesLeft(READER)).toBe(0);
  });

  it('a PIN that is not locked is not "unblocked" (the PUK could otherwise be spent as a PIN)', async () => {
    const token = await insert({ profile: 'valid' });
    const result = await card.unblockPin({ ...ids(token), puk: LAB_PUK, newPin: '246813' });
    expect(result).toMatchObject({ ok: false, error: { code: 'pin-unblock-unavailable' } });
    expect(await lab.pinTriesLeft(READER)).toBe(3);
  });
});
