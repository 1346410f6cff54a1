import type { PinState } from '../../../common/card/card-state';
import { pinReadiness } from '../../../common/card/login-readiness';

export type PinCareMode = 'change' | 'unblock';

/**
 * What the card's PIN state offers: change the PIN while it works; unblock with the PUK once it is
 * locked, unless the PUK is blocked too — then only the organisation's card administrator can help.
 */
export function pinCareOffer(pin: PinState): { change: boolean; unblock: boolean; pukBlocked: boolean } {
  const locked = pinReadiness(pin).blocker === 'pin-locked';
  const pukBlocked = locked && pin.pukTriesLeft === 0;
  return { change: !locked && !pin.pinPad, unblock: locked && !pukBlocked && !pin.pinPad, pukBlocked };
}

/** The new PIN, typed twice, against the token's length rules: an i18n key for the problem, or null. */
export function checkNewPin(
  newPin: string,
  repeated: string,
  pin: Pick<PinState, 'minLength' | 'maxLength'>,
): { key: string; params?: Record<string, number> } | null {
  if (newPin !== repeated) return { key: 'cardCare.care.mismatch' };
  if (newPin.length < pin.minLength || newPin.length > pin.maxLength) {
    return { key: 'cardCare.care.length', params: { min: pin.minLength, max: pin.maxLength } };
  }
  if (!/^[0-9]+$/.test(newPin)) return { key: 'cardCare.care.digits' };
  return null;
}
