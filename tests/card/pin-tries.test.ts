import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardSnapshot, TokenState } from '../../common/card/card-state';
import type { CardProcessSupervisor } from '../../main/card/card-process-supervisor';
import { LAB_PERSON, startCardLab, type CardLab, type InsertOptions } from '../cardlab/index';
import { startSupervisor } from './card-test-support';

// PIN tries before the first attempt: the card process reads the lab card's own retry counters over
// PC/SC (SELECT PIV, VERIFY without data) and shows them in its snapshot, before any PIN is typed.
let lab: CardLab;
let card: CardProcessSupervisor;

// The lab's second reader, with a person of its own: the token is found by HSA-id whatever else is
// in the other reader.
const READER = 1;
const PERSON = { ...LAB_PERSON, givenName: 'Cecilia', hsaId: 'SE2321000016-C3D4' };

/** Insert a card and wait for a snapshot whose token carries counters read from this card. */
async function insert(options: Omit<InsertOptions, 'reader' | 'person'>): Promise<TokenState> {
  await new Promise((resolve) => setTimeout(resolve, 400));
  const before = card.snapshot().updatedAt;
  await lab.insert({ ...options, reader: READER, person: PERSON });
  const hsaId = PERSON.hsaId;
  const snapshot = await card.waitFor(
    (s: CardSnapshot) =>
      s.updatedAt !== before &&
      s.tokens.some((token) => token.authCertificate?.hsaId === hsaId && token.pin.triesSource !== undefined),
    15_000,
  );
  const token = snapshot?.tokens.find((candidate) => candidate.authCertificate?.hsaId === hsaId);
  if (!token) throw new Error(`no token for the ${options.profile} card`);
  return token;
}

beforeAll(async () => {
  lab = await startCardLab({ lockTimeoutMs: 240_000 });
  card = startSupervisor({
    modulePath: lab.pkcs11Module,
    trustAnchorPaths: [lab.pki.rootCa.certificatePath, lab.pki.intermediateCa.certificatePath],
  });
  await card.waitFor(
    (snapshot) => snapshot.pcsc.service === 'running' && snapshot.pcsc.readers.length >= lab.readers.length,
    20_000,
  );
}, 250_000);

afterAll(async () => {
  card?.stop();
  await lab?.stop();
});

describe('PIN tries read from the card before any PIN is typed', () => {
  it.each([3, 2, 1])('shows %i tries when the lab card counter says so, and the PUK counter', async (tries) => {
    const token = await insert({ profile: 'valid', pinTriesLeft: tries });
    const counter = await lab.pinTriesLeft(READER);
    expect(counter).toBe(tries);
    expect(token.pin).toMatchObject({ triesLeft: counter, triesSource: 'card', pukTriesLeft: await lab.pukTriesLeft(READER) });
    // Reading the counter is no attempt: the card's counter is unchanged.
    expect(await lab.pinTriesLeft(READER)).toBe(tries);
  });

  it('a PUK counter other than full shows as read', async () => {
    const token = await insert({ profile: 'valid', pinTriesLeft: 2, pukTriesLeft: 1 });
    expect(token.pin).toMatchObject({ triesLeft: 2, pukTriesLeft: 1, triesSource: 'card' });
  });

  it('locked and puk-blocked cards: 0 PIN tries, and the PUK counter tells them apart', async () => {
    expect((await insert({ profile: 'locked' })).pin).toMatchObject({ locked: true, triesLeft: 0, pukTriesLeft: 3 });
    expect((await insert({ profile: 'puk-blocked' })).pin).toMatchObject({ locked: true, triesLeft: 0, pukTriesLeft: 0 });
  });

  it('a wrong PIN answers with the card counter; the right PIN still signs afterwards (OpenSC undisturbed)', async () => {
    const token = await insert({ profile: 'valid', pinTriesLeft: 3 });
    const attempt = (pin: string) =>
      card.sign({ slotId: token.slotId, certificateSha256: token.authCertificate!.sha256, data: Buffer.alloc(64), pin });
    const wrong = await attempt('000000');
    expect(wrong).toMatchObject({ ok: false, error: { code: 'pin-incorrect', details: { triesLeft: '2' } } });
    expect(await lab.pinTriesLeft(READER)).toBe(2);
    const mine = (s: CardSnapshot) => s.tokens.find((candidate) => candidate.authCertificate?.hsaId === PERSON.hsaId);
    const shown = await card.waitFor((s) => mine(s)?.pin.triesLeft === 2, 10_000);
    expect(shown && mine(shown)?.pin.triesSource).toBe('card');
    expect(await attempt(lab.pin)).toMatchObject({ ok: true });
    expect(await lab.pinTriesLeft(READER)).toBe(3);
  });

  it('an unknown card (no PIV application) gets no VERIFY at all', async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    await lab.insert({ profile: 'unknown-card', reader: READER });
    await card.waitFor((s) => s.pcsc.readers.some((reader) => reader.name === lab.readers[READER] && reader.cardPresent), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const status = await lab.status();
    expect(status.readers[READER]!.card!.pinTriesLeft).toBe(3);
  });
});
