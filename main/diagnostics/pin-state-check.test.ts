import { describe, expect, it } from 'vitest';
import type { PinState, TokenState } from '../../common/card/card-state';
import { pinStateCheck } from './pin-state-check';
import { checkWords } from './check-words';

/** The checks' words, as the doctor and the support report print them: the catalogue's Swedish. */
const SV = checkWords('sv');

const PIN: PinState = {
  minLength: 4,
  maxLength: 8,
  countLow: false,
  finalTry: false,
  locked: false,
  triesLeft: null,
  pinPad: false,
};
const token = (pin: Partial<PinState>): TokenState => ({
  slotId: '00',
  slotDescription: 'Reader',
  label: 'Card',
  manufacturer: '',
  model: '',
  serialNumber: '',
  pin: { ...PIN, ...pin },
  certificates: [],
  authCertificate: null,
});

describe('pinStateCheck', () => {
  it.each([3, 2])('passes with the exact count %i from the card in details and message', (count) => {
    const check = pinStateCheck(token({ triesLeft: count, triesSource: 'card', pukTriesLeft: 3 }));
    expect(check).toMatchObject({ status: 'pass', details: { triesLeft: count, pukTriesLeft: 3, triesSource: 'card' } });
    expect(SV.message(check)).toContain(`${count} försök kvar`);
  });

  it('warns on the last try', () => {
    expect(pinStateCheck(token({ triesLeft: 1, finalTry: true, triesSource: 'card', pukTriesLeft: 3 }))).toMatchObject({
      status: 'warn',
      details: { triesLeft: 1, pukTriesLeft: 3 },
    });
  });

  it('null, not a guess, when only the count-low flag or nothing is known', () => {
    expect(pinStateCheck(token({ countLow: true }))).toMatchObject({
      status: 'warn',
      details: { triesLeft: null, pukTriesLeft: null, countLow: true },
    });
    expect(pinStateCheck(token({}))).toMatchObject({ status: 'pass', details: { triesLeft: null, pukTriesLeft: null } });
  });

  it('a locked PIN fails; a blocked PUK names the card administrator', () => {
    const locked = pinStateCheck(token({ locked: true, triesLeft: 0, pukTriesLeft: 2 }));
    expect(locked).toMatchObject({ status: 'fail', details: { triesLeft: 0, pukTriesLeft: 2 } });
    expect(SV.message(locked)).toContain('PUK-koden (2 försök kvar');
    const pukBlocked = pinStateCheck(token({ locked: true, triesLeft: 0, pukTriesLeft: 0 }));
    expect(pukBlocked).toMatchObject({ status: 'fail', details: { pukTriesLeft: 0 } });
    expect(SV.message(pukBlocked)).toContain('kortadministratör');
  });
});
