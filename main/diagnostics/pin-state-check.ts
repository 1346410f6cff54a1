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
    const message =
      pukTriesLeft === 0
        ? 'PIN-koden och PUK-koden är låsta. Bara organisationens kortadministratör kan låsa upp kortet: kontakta den som administrerar korten i din organisation.'
        : pukTriesLeft !== null
          ? `PIN-koden är låst. Lås upp den med PUK-koden (${pukTriesLeft} försök kvar för PUK-koden) eller kontakta organisationens kortadministratör.`
          : 'PIN-koden är låst. Lås upp kortet med PUK-koden eller kontakta organisationens kortadministratör.';
    return { id: 'pin-state', status: 'fail', message, details: { ...details, locked: true } };
  }
  if (readiness.warning === 'pin-final-try') {
    return {
      id: 'pin-state',
      status: 'warn',
      message: 'PIN-koden: 1 försök kvar innan den låses. Var säker på koden innan du försöker igen.',
      details: { ...details, triesLeft: 1 },
    };
  }
  if (readiness.warning === 'pin-count-low') {
    return {
      id: 'pin-state',
      status: 'warn',
      message: 'PIN-koden har angetts fel nyligen; få försök kvar innan den låses (kortet uppger inte hur många).',
      details: { ...details, countLow: true },
    };
  }
  return {
    id: 'pin-state',
    status: 'pass',
    message:
      triesLeft === null
        ? 'PIN-koden är inte låst (kortet uppger inte hur många försök som är kvar).'
        : `PIN-koden är inte låst: ${triesLeft} försök kvar.`,
    details,
  };
}
