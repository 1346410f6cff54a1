import type { PinState } from '../../../common/card/card-state';
import { pinReadiness } from '../../../common/card/login-readiness';

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
  // Locked / last try / low: the one PIN rule (common/card/login-readiness); this only picks the words.
  const readiness = pinReadiness(pin);
  if (readiness.blocker === 'pin-locked') {
    if (puk === 0) return { key: 'cardCare.tries.pukBlocked', params: {}, level: 'error' };
    if (puk !== null) return { key: 'cardCare.tries.lockedPuk', params: { count: puk }, level: 'error' };
    return { key: 'cardCare.tries.locked', params: {}, level: 'error' };
  }
  if (readiness.warning === 'pin-final-try') return { key: 'cardCare.tries.last', params: {}, level: 'warning' };
  if (readiness.warning === 'pin-count-low') return { key: 'cardCare.tries.low', params: {}, level: 'warning' };
  if (pin.triesLeft !== null) return { key: 'cardCare.tries.count', params: { count: pin.triesLeft }, level: 'ok' };
  return { key: 'cardCare.tries.unknown', params: {}, level: 'ok' };
}
