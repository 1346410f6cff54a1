import type { TokenState } from '../../common/card/card-state';
import { pinReadiness } from '../../common/card/login-readiness';
import type { DiagnosticCheck } from '../../common/diagnostics/diagnostic-check';

/**
 * The `pin-state` check: locked / last try / low / fine, with the exact tries left where the card
 * gave them. Details always carry `triesLeft` and `pukTriesLeft` (a number, or null when unknown —
 * never a guess) and where the count came from (`triesSource`: card, token-flags or null).
 */
export function pinStateCheck(token: TokenState): DiagnosticCheck {
  const { pin } = token;
  const triesLeft = pin.triesLeft;
  const pukTriesLeft = pin.pukTriesLeft ?? null;
  const details = {
    triesLeft,
    pukTriesLeft,
    triesSource: pin.triesSource ?? null,
    minLength: pin.minLength,
    maxLength: pin.maxLength,
  };
  const readiness = pinReadiness(pin);
  if (readiness.blocker === 'pin-locked') {
    const code =
      pukTriesLeft === 0 ? 'pin-state.puk-blocked' : pukTriesLeft !== null ? 'pin-state.locked-puk-tries' : 'pin-state.locked';
    return {
      id: 'pin-state',
      status: 'fail',
      code,
      params: { pukTriesLeft: pukTriesLeft ?? '' },
      details: { ...details, locked: true },
    };
  }
  if (readiness.warning === 'pin-final-try') {
    return { id: 'pin-state', status: 'warn', code: 'pin-state.final-try', params: {}, details: { ...details, triesLeft: 1 } };
  }
  if (readiness.warning === 'pin-count-low') {
    return { id: 'pin-state', status: 'warn', code: 'pin-state.count-low', params: {}, details: { ...details, countLow: true } };
  }
  return triesLeft === null
    ? { id: 'pin-state', status: 'pass', code: 'pin-state.ok-tries-unknown', params: {}, details }
    : { id: 'pin-state', status: 'pass', code: 'pin-state.ok', params: { triesLeft }, details };
}
