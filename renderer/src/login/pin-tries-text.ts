import type { PinState } from '../../../common/card/card-state';

/** What to say about the PIN tries left, as an i18n key with its parameters and a level. */
export interface PinTriesText {
  key: string;
  params: Record<string, number>;
  level: 'ok' | 'warning' | 'error';
}

/**
 * The PIN tries line shown before any PIN is typed: the exact count where the card (or an exact
 * token flag) gave one, "low" where only the token's count-low flag is set, else "unknown" — never a
 * guessed number. A locked PIN says whether the PUK can still unblock it.
 */
export function pinTriesText(pin: PinState): PinTriesText {
  const puk = pin.pukTriesLeft ?? null;
  if (pin.locked || pin.triesLeft === 0) {
    if (puk === 0) return { key: 'cardCare.tries.pukBlocked', params: {}, level: 'error' };
    if (puk !== null) return { key: 'cardCare.tries.lockedPuk', params: { count: puk }, level: 'error' };
    return { key: 'cardCare.tries.locked', params: {}, level: 'error' };
  }
  if (pin.triesLeft === 1) return { key: 'cardCare.tries.last', params: {}, level: 'warning' };
  if (pin.triesLeft !== null) return { key: 'cardCare.tries.count', params: { count: pin.triesLeft }, level: 'ok' };
  if (pin.finalTry) return { key: 'cardCare.tries.last', params: {}, level: 'warning' };
  if (pin.countLow) return { key: 'cardCare.tries.low', params: {}, level: 'warning' };
  return { key: 'cardCare.tries.unknown', params: {}, level: 'ok' };
}
