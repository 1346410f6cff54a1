/** The card profiles the lab can insert or provision. */
export const PROFILE_NAMES = [
  'valid',
  'expired',
  'not-yet-valid',
  'expiring-soon',
  'untrusted',
  'one-try-left',
  'locked',
  'no-auth-cert',
  'ecc',
  'unknown-card',
  'revoked',
  'ca-leaf',
  'two-tries-left',
  'puk-blocked',
] as const;

export type CardProfileName = (typeof PROFILE_NAMES)[number];

/** The person a lab card belongs to. `hsaId` goes into the certificate subject's serialNumber. */
export interface LabPerson {
  givenName: string;
  surname: string;
  hsaId: string;
  organisation: string;
}

/** Default person on every lab card. */
export const LAB_PERSON: Readonly<LabPerson> = Object.freeze({
  givenName: 'Alva',
  surname: 'Testsson',
  hsaId: 'SE2321000016-A1B2',
  organisation: 'Testkommunen',
});

/** PIN of every lab card and token. */
export const LAB_PIN = '123456';
/** PUK (PIV: PIN unblocking key) of every lab card; also the SoftHSM SO PIN. */
export const LAB_PUK = '12345678';
/** PIN tries of a fresh card. */
export const PIN_MAX_TRIES = 3;
/** PUK tries of a fresh card. */
export const PUK_MAX_TRIES = 3;

export type KeyAlgorithm = 'rsa-2048' | 'ec-p256';

/** What a profile means for the certificates and the card. */
export interface ProfileSpec {
  keyAlgorithm: KeyAlgorithm;
  /** Issued by the untrusted CA chain instead of the SITHS-like one. */
  untrusted: boolean;
  hasAuthCert: boolean;
  hasSignatureCert: boolean;
  /** Validity relative to issuance time, in milliseconds. */
  notBeforeOffsetMs: number;
  notAfterOffsetMs: number;
  pinTriesLeft: number;
  /** PUK retry counter at insertion (0: the PUK is blocked too). */
  pukTriesLeft: number;
  /** A card without PIV application and with an unknown ATR. */
  unknownCard: boolean;
  /** Its certificates are revoked at the lab's OCSP responder and on its CRL (when issued with one). */
  revoked: boolean;
  /** The person certificates say basicConstraints CA:TRUE (a CA certificate is never a login certificate). */
  leafIsCa: boolean;
}

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

const BASE: ProfileSpec = {
  keyAlgorithm: 'rsa-2048',
  untrusted: false,
  hasAuthCert: true,
  hasSignatureCert: true,
  notBeforeOffsetMs: -30 * DAY,
  notAfterOffsetMs: 3 * YEAR,
  pinTriesLeft: PIN_MAX_TRIES,
  pukTriesLeft: PUK_MAX_TRIES,
  unknownCard: false,
  revoked: false,
  leafIsCa: false,
};

/** Profile definitions, see issue 3. */
export const PROFILES: Readonly<Record<CardProfileName, ProfileSpec>> = {
  valid: BASE,
  // Ended a day ago (started three years before that).
  expired: { ...BASE, notBeforeOffsetMs: -3 * YEAR, notAfterOffsetMs: -1 * DAY },
  'not-yet-valid': { ...BASE, notBeforeOffsetMs: 7 * DAY, notAfterOffsetMs: 3 * YEAR },
  // One extra hour so that whole days left rounds down to exactly 10.
  'expiring-soon': { ...BASE, notBeforeOffsetMs: -3 * YEAR + 10 * DAY, notAfterOffsetMs: 10 * DAY + 60 * 60 * 1000 },
  untrusted: { ...BASE, untrusted: true },
  'one-try-left': { ...BASE, pinTriesLeft: 1 },
  locked: { ...BASE, pinTriesLeft: 0 },
  'no-auth-cert': { ...BASE, hasAuthCert: false },
  ecc: { ...BASE, keyAlgorithm: 'ec-p256' },
  'unknown-card': { ...BASE, hasAuthCert: false, hasSignatureCert: false, unknownCard: true },
  revoked: { ...BASE, revoked: true },
  'ca-leaf': { ...BASE, leafIsCa: true },
  'two-tries-left': { ...BASE, pinTriesLeft: 2 },
  // PIN and PUK both blocked: only the organisation's card administrator can help.
  'puk-blocked': { ...BASE, pinTriesLeft: 0, pukTriesLeft: 0 },
};

/** Narrow an arbitrary string to a profile name. */
export function isProfileName(value: string): value is CardProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}
