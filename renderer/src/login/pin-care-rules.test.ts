import { describe, expect, it } from 'vitest';
import type { PinState } from '../../../common/card/card-state';
import { checkNewPin, pinCareOffer } from './pin-care-rules';

const PIN: PinState = {
  minLength: 6,
  maxLength: 8,
  countLow: false,
  finalTry: false,
  locked: false,
  triesLeft: 3,
  pinPad: false,
};

describe('pinCareOffer', () => {
  it('offers the PIN change while the PIN works, the PUK unblock once it is locked', () => {
    expect(pinCareOffer(PIN)).toEqual({ change: true, unblock: false, pukBlocked: false });
    expect(pinCareOffer({ ...PIN, locked: true, triesLeft: 0, pukTriesLeft: 3 })).toEqual({
      change: false,
      unblock: true,
      pukBlocked: false,
    });
  });

  it('a blocked PUK offers no unblock: the card administrator has to help', () => {
    expect(pinCareOffer({ ...PIN, locked: true, triesLeft: 0, pukTriesLeft: 0 })).toEqual({
      change: false,
      unblock: false,
      pukBlocked: true,
    });
  });
});

describe('checkNewPin', () => {
  it('wants the new PIN typed twice alike, within the token length, digits only', () => {
    expect(checkNewPin('135790', '135791', PIN)).toEqual({ key: 'cardCare.care.mismatch' });
    expect(checkNewPin('1357', '1357', PIN)).toEqual({ key: 'cardCare.care.length', params: { min: 6, max: 8 } });
    expect(checkNewPin('13579a', '13579a', PIN)).toEqual({ key: 'cardCare.care.digits' });
    expect(checkNewPin('135790', '135790', PIN)).toBeNull();
  });
});
