import type { AppError } from '../errors/error-codes';
import type { CardSnapshot, CertificateSummary, PinState, ReaderState, SlotError, TokenState } from './card-state';

/**
 * The one rule for "which token is this reader's" and "may this card log in", shared by the session,
 * the doctor, the diagnostics view, the login view and its troubleshooting panel. Pure functions over
 * the card snapshot main hands out; codes only (the words are in the renderer's catalogue).
 */

/**
 * What stops a login before any PIN, in the order the chain is walked (card process, PC/SC, reader,
 * card, PKCS#11 module, token, certificate, PIN). The first one is the reason to show.
 */
export const LOGIN_BLOCKERS = [
  /** The card process is starting or being restarted. */
  'card-process-starting',
  'no-service',
  'no-reader',
  'no-card',
  'module-missing',
  'module-failed',
  /** A card is in the reader and its token has not been read yet. */
  'card-reading',
  /** The card is not recognised (ATR) and the PKCS#11 module cannot read it. */
  'unknown-card',
  /** The module lists the reader's slot but could not read its token. */
  'token-unreadable',
  'no-auth-certificate',
  'certificate-expired',
  'certificate-not-yet-valid',
  /** CA certificates are configured and the certificate does not chain to a self-signed root among them. */
  'certificate-untrusted',
  'certificate-revoked',
  'pin-locked',
] as const;
export type LoginBlocker = (typeof LOGIN_BLOCKERS)[number];

/** What does not stop a login but is said before the PIN. */
export const LOGIN_WARNINGS = [
  /**
   * No CA certificate is configured (setting `trustAnchors`): the issuer cannot be checked here, and
   * the service decides. A configuration notice, not an untrusted card.
   */
  'trust-not-configured',
  /**
   * No answer on revocation could be had (responder down, unknown certificate, no responder named).
   * The service checks again at login and may refuse (fail-closed there); this program cannot know its
   * policy or whether the service reaches the responder, so it warns.
   */
  'revocation-unknown',
  /** The revocation check has not answered yet. */
  'revocation-pending',
  'certificate-expiring-soon',
  'pin-final-try',
  'pin-count-low',
] as const;
export type LoginWarning = (typeof LOGIN_WARNINGS)[number];

export interface LoginReadiness {
  /** The reader a login would use (the chosen one, else the best candidate), or null. */
  reader: ReaderState | null;
  /** Its token, or null. */
  token: TokenState | null;
  /** The token's authentication certificate, or null. */
  certificate: CertificateSummary | null;
  /** What stops the login, in chain order; empty: the PIN may be asked for. */
  blockers: LoginBlocker[];
  warnings: LoginWarning[];
}

/** A PKCS#11 slot description is a 64-character field: a longer reader name arrives cut. */
const SLOT_DESCRIPTION_LENGTH = 64;

function slotNamesReader(slotDescription: string, readerName: string): boolean {
  const slot = slotDescription.trim();
  const reader = readerName.trim();
  if (slot === '' || reader === '') return false;
  if (slot === reader) return true;
  // Middleware may add to the reader's name (OpenSC, Net iD name slots after their reader).
  if (slot.startsWith(reader)) return true;
  return slot.length >= SLOT_DESCRIPTION_LENGTH - 1 && reader.startsWith(slot);
}

/**
 * The reader a PKCS#11 slot belongs to: the one its description names (the longest such name, so
 * "Reader 1" never takes "Reader 10"'s slot), or null when it names none (SoftHSM, or a middleware
 * naming slots its own way).
 */
export function readerOfSlot<R extends Pick<ReaderState, 'name'>>(readers: readonly R[], slotDescription: string): R | null {
  let best: R | null = null;
  for (const reader of readers) {
    if (slotNamesReader(slotDescription, reader.name) && (!best || reader.name.length > best.name.length)) best = reader;
  }
  return best;
}

/**
 * The token in a reader: the token whose slot names that reader (one with an authentication certificate
 * first, where the middleware lists several). When no token's slot names any reader and only this
 * reader holds a card, the tokens are that card's (the first with an authentication certificate).
 */
export function tokenOfReader(snapshot: Pick<CardSnapshot, 'pcsc' | 'tokens'>, readerName: string): TokenState | null {
  const readers = snapshot.pcsc.readers;
  const mine = snapshot.tokens.filter((token) => readerOfSlot(readers, token.slotDescription)?.name === readerName);
  const named = mine.length > 0 ? mine : unnamedTokensOf(snapshot, readerName);
  return named.find((token) => token.authCertificate !== null) ?? named[0] ?? null;
}

function unnamedTokensOf(snapshot: Pick<CardSnapshot, 'pcsc' | 'tokens'>, readerName: string): TokenState[] {
  const readers = snapshot.pcsc.readers;
  if (snapshot.tokens.some((token) => readerOfSlot(readers, token.slotDescription) !== null)) return [];
  const withCard = readers.filter((reader) => reader.cardPresent);
  return withCard.length === 1 && withCard[0]!.name === readerName ? snapshot.tokens : [];
}

/** A slot of this reader that the module could not read, or null. */
function slotErrorOf(snapshot: CardSnapshot, readerName: string): SlotError | null {
  return (
    (snapshot.slotErrors ?? []).find(
      (failed) => readerOfSlot(snapshot.pcsc.readers, failed.slotDescription)?.name === readerName,
    ) ?? null
  );
}

function certificateBlockers(certificate: CertificateSummary, caCertificates: number): LoginBlocker[] {
  const blockers: LoginBlocker[] = [];
  if (certificate.validity === 'expired') blockers.push('certificate-expired');
  if (certificate.validity === 'not-yet-valid') blockers.push('certificate-not-yet-valid');
  if (caCertificates > 0 && !certificate.trusted) blockers.push('certificate-untrusted');
  if (certificate.revocation.status === 'revoked') blockers.push('certificate-revoked');
  return blockers;
}

function certificateWarnings(certificate: CertificateSummary, caCertificates: number): LoginWarning[] {
  const warnings: LoginWarning[] = [];
  if (caCertificates === 0) warnings.push('trust-not-configured');
  const revocation = certificate.revocation;
  if (revocation.status === 'unknown') warnings.push('revocation-unknown');
  else if (
    revocation.status === 'not-checked' &&
    revocation.reason === 'pending' &&
    certificate.ocspUrls.length + certificate.crlUrls.length > 0
  )
    warnings.push('revocation-pending');
  if (certificate.validity === 'expiring-soon') warnings.push('certificate-expiring-soon');
  return warnings;
}

/** Readiness of the card in one reader (which must be in the snapshot). */
function readinessOfReader(snapshot: CardSnapshot, reader: ReaderState): LoginReadiness {
  const result = (blockers: LoginBlocker[], token: TokenState | null = null, warnings: LoginWarning[] = []): LoginReadiness => ({
    reader,
    token,
    certificate: token?.authCertificate ?? null,
    blockers,
    warnings,
  });
  if (!reader.cardPresent) return result(['no-card']);
  if (snapshot.module.status === 'missing') return result(['module-missing']);
  if (snapshot.module.status === 'failed') return result(['module-failed']);
  const token = tokenOfReader(snapshot, reader.name);
  if (!token) {
    if (reader.cardKind === 'unknown') return result(['unknown-card']);
    return result([slotErrorOf(snapshot, reader.name) ? 'token-unreadable' : 'card-reading']);
  }
  const certificate = token.authCertificate;
  if (!certificate) return result(['no-auth-certificate'], token);
  const blockers = certificateBlockers(certificate, snapshot.caCertificates);
  const pin = pinReadiness(token.pin);
  if (pin.blocker) blockers.push(pin.blocker);
  const warnings = certificateWarnings(certificate, snapshot.caCertificates);
  if (pin.warning) warnings.push(pin.warning);
  return result(blockers, token, warnings);
}

/**
 * The PIN's part of the rule: locked (the token's flag, or the card's own count at 0), the final try,
 * or a low count. An exact count from the card wins over the token's flags; a low count is said only
 * when no exact count is known.
 */
export function pinReadiness(pin: Pick<PinState, 'locked' | 'finalTry' | 'countLow'> & { triesLeft?: number | null }): {
  blocker: Extract<LoginBlocker, 'pin-locked'> | null;
  warning: Extract<LoginWarning, 'pin-final-try' | 'pin-count-low'> | null;
} {
  const triesLeft = pin.triesLeft ?? null;
  if (pin.locked || triesLeft === 0) return { blocker: 'pin-locked', warning: null };
  if (triesLeft === 1 || (triesLeft === null && pin.finalTry)) return { blocker: null, warning: 'pin-final-try' };
  if (triesLeft === null && pin.countLow) return { blocker: null, warning: 'pin-count-low' };
  return { blocker: null, warning: null };
}

/** How far along the chain a card got: the later its first blocker, the closer it is to logging in. */
function progress(readiness: LoginReadiness): number {
  const first = readiness.blockers[0];
  return first === undefined ? LOGIN_BLOCKERS.length : LOGIN_BLOCKERS.indexOf(first);
}

/** The readiness of every card present, reader by reader, in the readers' order. */
export function loginCandidates(snapshot: CardSnapshot): LoginReadiness[] {
  if (snapshot.process !== 'running' || snapshot.pcsc.service !== 'running') return [];
  return snapshot.pcsc.readers.filter((reader) => reader.cardPresent).map((reader) => readinessOfReader(snapshot, reader));
}

/**
 * Whether a login can start, and with which reader and token: the chosen reader's card when
 * `readerName` names a reader with a card, else the card that gets furthest (one that can log in
 * first; ties go to the first reader). A null snapshot is a card process that has not answered yet.
 */
export function loginReadiness(snapshot: CardSnapshot | null, options: { readerName?: string | null } = {}): LoginReadiness {
  const none = (blocker: LoginBlocker): LoginReadiness => ({
    reader: null,
    token: null,
    certificate: null,
    blockers: [blocker],
    warnings: [],
  });
  if (!snapshot || snapshot.process !== 'running') return none('card-process-starting');
  if (snapshot.pcsc.service !== 'running') return none('no-service');
  if (snapshot.pcsc.readers.length === 0) return none('no-reader');
  const candidates = loginCandidates(snapshot);
  const chosen = options.readerName ? candidates.find((candidate) => candidate.reader?.name === options.readerName) : undefined;
  if (chosen) return chosen;
  let best: LoginReadiness | null = null;
  for (const candidate of candidates) if (!best || progress(candidate) > progress(best)) best = candidate;
  return best ?? none('no-card');
}

/** The error a login refused before the PIN reports (the first blocker), with safe details. */
export function loginBlockerError(readiness: LoginReadiness): AppError | null {
  const blocker = readiness.blockers[0];
  if (blocker === undefined) return null;
  const certificate = readiness.certificate;
  switch (blocker) {
    case 'card-process-starting':
      return { code: 'pcsc-no-service', details: { reason: 'card-process-starting' } };
    case 'no-service':
      return { code: 'pcsc-no-service' };
    case 'no-reader':
      return { code: 'pcsc-no-reader' };
    case 'no-card':
      return { code: 'card-absent' };
    case 'module-missing':
      return { code: 'pkcs11-module-missing' };
    case 'module-failed':
      return { code: 'pkcs11-module-failed' };
    case 'card-reading':
    case 'token-unreadable':
      return { code: 'token-absent' };
    case 'unknown-card':
      return { code: 'card-unknown' };
    case 'no-auth-certificate':
      return { code: 'certificate-missing' };
    case 'certificate-expired':
      return { code: 'certificate-expired', details: { notAfter: certificate?.notAfter ?? '' } };
    case 'certificate-not-yet-valid':
      return { code: 'certificate-not-yet-valid', details: { notBefore: certificate?.notBefore ?? '' } };
    case 'certificate-untrusted':
      return { code: 'certificate-untrusted', details: { issuer: certificate?.issuer ?? '' } };
    case 'certificate-revoked':
      return { code: 'certificate-revoked', details: { revokedAt: certificate?.revocation.revokedAt ?? '' } };
    case 'pin-locked':
      return { code: 'pin-locked', details: { triesLeft: '0' } };
  }
}

/** Whether a card may log in: its readiness has no blocker. */
export function canLogIn(readiness: LoginReadiness): boolean {
  return readiness.reader !== null && readiness.blockers.length === 0;
}

/** Which of the cards present a login uses, and whether the user must choose first. */
export interface LoginChoice {
  /** Every card present, reader by reader (`loginCandidates`). */
  candidates: LoginReadiness[];
  /** The reader of the one card that can log in, when exactly one can; else null. */
  defaultReaderName: string | null;
  /**
   * The reader a login uses: the chosen one while it holds a card, else the default, else the only
   * card present; null when there is no card, or several and none chosen nor the default.
   */
  readerName: string | null;
  /** A reader was chosen and holds no card (any more): a login must not fall back to another card. */
  chosenGone: boolean;
  /** Several cards are present and none is chosen nor the default: the user chooses first. */
  choiceRequired: boolean;
  /**
   * The readiness to show and to check before the PIN: that of `readerName`'s card, else the one
   * `loginReadiness` gives (the card that gets furthest, or why there is none).
   */
  readiness: LoginReadiness;
}

/**
 * The card a login uses among those present: the one the user chose, else the one card that can log
 * in if exactly one can (a second, expired or unknown card beside it changes nothing), else the only
 * card. With several cards that can log in and none chosen, the user must choose.
 */
export function loginChoice(snapshot: CardSnapshot | null, chosenReaderName: string | null = null): LoginChoice {
  const candidates = snapshot && snapshot.process === 'running' ? loginCandidates(snapshot) : [];
  const named = (name: string | null) =>
    name === null ? undefined : candidates.find((candidate) => candidate.reader?.name === name);
  const ready = candidates.filter(canLogIn);
  const defaultReaderName = ready.length === 1 ? ready[0]!.reader!.name : null;
  const chosen = named(chosenReaderName);
  const only = candidates.length === 1 ? candidates[0] : undefined;
  const selected = chosen ?? named(defaultReaderName) ?? only;
  return {
    candidates,
    defaultReaderName,
    readerName: selected?.reader?.name ?? null,
    chosenGone: chosenReaderName !== null && chosen === undefined,
    choiceRequired: selected === undefined && candidates.length > 1,
    readiness: selected ?? loginReadiness(snapshot),
  };
}
