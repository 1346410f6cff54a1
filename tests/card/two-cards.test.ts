import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CardSnapshot } from '../../common/card/card-state';
import { loginChoice } from '../../common/card/login-readiness';
import type { CardProcessSupervisor } from '../../main/card/card-process-supervisor';
import { LAB_PERSON, LAB_READER_NAMES, startCardLab, type CardLab } from '../cardlab/index';
import { signLoginData, startSupervisor } from './card-test-support';

// Issue 18, several readers and cards: two lab cards at once, one per reader, each its own person and
// profile, through pcscd + vpcd + OpenSC into a real card process; the one choice rule
// (loginChoice in common/card) over the snapshot the card process hands out.

const BERTIL = { ...LAB_PERSON, givenName: 'Bertil', surname: 'Andersson', hsaId: 'SE2321000016-B2C3' };

let lab: CardLab;
let card: CardProcessSupervisor;

/** The snapshot once both readers hold a card and the tokens named are read. */
async function bothRead(tokens: number): Promise<CardSnapshot> {
  const snapshot = await card.waitFor(
    (s) => s.pcsc.readers.filter((reader) => reader.cardPresent).length === 2 && s.tokens.length === tokens,
    20_000,
  );
  if (!snapshot) throw new Error(`the card process never read ${tokens} tokens with two cards in`);
  return snapshot;
}

const hsaIdsByReader = (snapshot: CardSnapshot) =>
  loginChoice(snapshot).candidates.map((candidate) => [candidate.reader?.name, candidate.certificate?.hsaId ?? null]);

beforeAll(async () => {
  lab = await startCardLab({ lockTimeoutMs: 240_000 });
  card = startSupervisor({
    modulePath: lab.pkcs11Module,
    trustAnchorPaths: [lab.pki.rootCa.certificatePath, lab.pki.intermediateCa.certificatePath],
  });
  await card.waitFor((s) => s.pcsc.service === 'running' && s.pcsc.readers.length >= lab.readers.length, 20_000);
}, 260_000);

afterEach(async () => {
  await lab.remove(0).catch(() => undefined);
  await lab.remove(1).catch(() => undefined);
});

afterAll(async () => {
  card?.stop();
  await lab?.stop();
});

describe('two cards at once on the card lab', () => {
  it('lists both tokens, each in its reader; no default; the chosen card signs and only it', async () => {
    await lab.insert({ profile: 'valid', reader: 0 });
    await lab.insert({ profile: 'valid', reader: LAB_READER_NAMES[1], person: BERTIL });
    const snapshot = await bothRead(2);
    expect(hsaIdsByReader(snapshot)).toEqual([
      [lab.readers[0], LAB_PERSON.hsaId],
      [lab.readers[1], BERTIL.hsaId],
    ]);
    const open = loginChoice(snapshot);
    expect([open.defaultReaderName, open.readerName, open.choiceRequired]).toEqual([null, null, true]);

    const chosen = loginChoice(snapshot, lab.readers[1]);
    expect(chosen.readiness.blockers).toEqual([]);
    const token = chosen.readiness.token!;
    expect(token.authCertificate?.commonName).toBe('Bertil Andersson');
    const signed = await signLoginData(card, token, lab.pin);
    expect(signed.certificate.subject).toContain(`serialNumber=${BERTIL.hsaId}`);
    expect(signed.verified).toBe(true);
    // The PIN went to the second card only.
    const readers = (await lab.status()).readers;
    expect(readers.map((reader) => reader.card?.pinVerified)).toEqual([false, true]);
  });

  it('the one card that can log in is the default beside an expired card of another person', async () => {
    await lab.insert({ profile: 'expired', reader: 0, person: BERTIL });
    await lab.insert({ profile: 'valid', reader: 1 });
    const snapshot = await bothRead(2);
    const choice = loginChoice(snapshot);
    expect([choice.defaultReaderName, choice.choiceRequired]).toEqual([lab.readers[1], false]);
    expect(choice.readiness.certificate?.hsaId).toBe(LAB_PERSON.hsaId);
    expect(choice.candidates.map((candidate) => candidate.blockers)).toEqual([['certificate-expired'], []]);
  });

  it('the one card that can log in is the default beside an unknown card', async () => {
    await lab.insert({ profile: 'valid', reader: 0, person: BERTIL });
    await lab.insert({ profile: 'unknown-card', reader: 1 });
    const snapshot = await card.waitFor(
      (s) =>
        s.pcsc.readers.filter((reader) => reader.cardPresent).length === 2 &&
        loginChoice(s).candidates.every((c) => !c.blockers.includes('card-reading')),
      20_000,
    );
    const choice = loginChoice(snapshot);
    expect(choice.candidates.map((candidate) => candidate.blockers[0] ?? null)).toEqual([null, 'unknown-card']);
    expect([choice.defaultReaderName, choice.readiness.certificate?.hsaId]).toEqual([lab.readers[0], BERTIL.hsaId]);
  });
});
