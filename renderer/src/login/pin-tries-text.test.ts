import { describe, expect, it } from 'vitest';
import type { PinState } from '../../../common/card/card-state';
import { createI18n } from '../i18n/i18n';
import { pinTriesText } from './pin-tries-text';

const PIN: PinState = {
  minLength: 4,
  maxLength: 8,
  countLow: false,
  finalTry: false,
  locked: false,
  triesLeft: null,
  pinPad: false,
};

describe('pinTriesText', () => {
  it.each([3, 2])('says the exact count %i from the card', (count) => {
    expect(pinTriesText({ ...PIN, triesLeft: count, triesSource: 'card' })).toEqual({
      key: 'cardCare.tries.count',
      params: { count },
      level: 'ok',
    });
  });

  it('warns on the last try, from the card or from the token flag', () => {
    expect(pinTriesText({ ...PIN, triesLeft: 1, finalTry: true }).key).toBe('cardCare.tries.last');
    expect(pinTriesText({ ...PIN, finalTry: true }).key).toBe('cardCare.tries.last');
  });

  it('says "low" from the count-low flag and "unknown" without anything, never a number', () => {
    expect(pinTriesText({ ...PIN, countLow: true })).toEqual({ key: 'cardCare.tries.low', params: {}, level: 'warning' });
    expect(pinTriesText(PIN)).toEqual({ key: 'cardCare.tries.unknown', params: {}, level: 'ok' });
  });

  it('a locked PIN says whether the PUK can unblock it', () => {
    expect(pinTriesText({ ...PIN, locked: true, triesLeft: 0, pukTriesLeft: 2 })).toMatchObject({
      key: 'cardCare.tries.lockedPuk',
      params: { count: 2 },
    });
    expect(pinTriesText({ ...PIN, locked: true, triesLeft: 0, pukTriesLeft: 0 }).key).toBe('cardCare.tries.pukBlocked');
    expect(pinTriesText({ ...PIN, locked: true, triesLeft: 0 }).key).toBe('cardCare.tries.locked');
  });

  it('every key has Swedish and English words', async () => {
    for (const language of ['sv', 'en'] as const) {
      const i18n = await createI18n(language);
      for (const key of ['count', 'last', 'low', 'unknown', 'locked', 'lockedPuk', 'pukBlocked']) {
        const text = i18n.t(`cardCare.tries.${key}`, { count: 2 });
        expect(text, `${language} ${key}`).not.toBe(`cardCare.tries.${key}`);
      }
    }
    expect((await createI18n('sv')).t('cardCare.tries.count', { count: 2 })).toBe('PIN-koden: 2 försök kvar.');
  });
});
