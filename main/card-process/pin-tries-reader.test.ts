import { beforeAll, describe, expect, it } from 'vitest';
import type { PinState } from '../../common/card/card-state';
import { PivApplet } from '../../tests/cardlab/piv-applet';
import { ensureTestPki, type CardCredentials } from '../../tests/cardlab/test-pki';
import { queryTries, readCardTries, triesFromStatus, withCardTries } from './pin-tries-reader';

const FLAGS_ONLY: PinState = {
  minLength: 4,
  maxLength: 8,
  countLow: false,
  finalTry: false,
  locked: false,
  triesLeft: null,
  pinPad: false,
};

let credentials: CardCredentials;
beforeAll(async () => {
  credentials = await (await ensureTestPki()).issueCard('valid');
});

/** The lab's PIV applet as the card at the end of the APDU channel. */
function cardWith(applet: PivApplet) {
  const sent: string[] = [];
  return {
    sent,
    transmit: async (command: Buffer) => {
      sent.push(command.toString('hex').toUpperCase());
      return Buffer.from(applet.process(command));
    },
  };
}

describe('triesFromStatus', () => {
  it('reads 63 Cx as x and 69 83 as 0; anything else is unknown', () => {
    expect(triesFromStatus(0x63c3)).toBe(3);
    expect(triesFromStatus(0x63c1)).toBe(1);
    expect(triesFromStatus(0x6983)).toBe(0);
    expect(triesFromStatus(0x9000)).toBeNull();
    expect(triesFromStatus(0x6a88)).toBeNull();
    expect(triesFromStatus(0x6d00)).toBeNull();
  });
});

describe('queryTries', () => {
  it.each([3, 2, 1, 0])('reads %i PIN tries from the PIV applet without spending one', async (tries) => {
    const applet = new PivApplet({ credentials, pinTriesLeft: tries, pukTriesLeft: 2 });
    expect(await queryTries(cardWith(applet))).toEqual({ pin: tries, puk: 2 });
    expect(applet.pinTriesLeft).toBe(tries);
  });

  it('sends no VERIFY to a card without the PIV application', async () => {
    const card = cardWith(new PivApplet({ credentials, pinTriesLeft: 3, noPivApplication: true }));
    expect(await queryTries(card)).toEqual({ pin: null, puk: null });
    expect(card.sent.some((apdu) => apdu.startsWith('0020'))).toBe(false);
  });

  it('says unknown (not a number) once the PIN is verified in this card session', async () => {
    const applet = new PivApplet({ credentials, pinTriesLeft: 3 });
    applet.process(Buffer.concat([Buffer.from('0020008008', 'hex'), Buffer.from('123456\xff\xff', 'latin1')]));
    expect(applet.pinVerified).toBe(true);
    expect((await queryTries(cardWith(applet))).pin).toBeNull();
  });
});

describe('readCardTries', () => {
  it('gives nulls, not an error, when PC/SC fails or the reader is not there', async () => {
    const failing = () => {
      throw new Error('SCardEstablishContext: Service not available');
    };
    expect(await readCardTries('Reader', failing)).toEqual({ pin: null, puk: null });
    const empty = () => ({ listReaders: () => [], close: () => undefined });
    expect(await readCardTries('Reader', empty)).toEqual({ pin: null, puk: null });
  });
});

describe('withCardTries', () => {
  it('an exact count from the card wins over the flags', () => {
    expect(withCardTries({ ...FLAGS_ONLY, countLow: true }, { pin: 2, puk: 3 })).toMatchObject({
      triesLeft: 2,
      triesSource: 'card',
      pukTriesLeft: 3,
      locked: false,
      finalTry: false,
    });
    expect(withCardTries(FLAGS_ONLY, { pin: 0, puk: null })).toMatchObject({ triesLeft: 0, locked: true });
  });

  it('keeps the flags where they are exact, and never guesses', () => {
    expect(withCardTries({ ...FLAGS_ONLY, finalTry: true, triesLeft: 1 }, { pin: null, puk: null })).toMatchObject({
      triesLeft: 1,
      triesSource: 'token-flags',
    });
    expect(withCardTries({ ...FLAGS_ONLY, countLow: true }, { pin: null, puk: null })).toMatchObject({
      triesLeft: null,
      triesSource: null,
      countLow: true,
      pukTriesLeft: null,
    });
  });
});
