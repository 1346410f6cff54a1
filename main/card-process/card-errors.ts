import type { AppErrorCode } from '../../common/errors/error-codes';
import { AppFailure } from '../errors/app-failure';

/** A failure in the card layer, carrying one code of the closed vocabulary and safe details. */
export class CardError extends AppFailure {
  constructor(code: AppErrorCode, details: Record<string, string> = {}, cause?: unknown) {
    super(code, details, { cause });
    this.name = 'CardError';
  }
}

// PKCS#11 return values (PKCS #11 v2.40 / v3.0, pkcs11t.h).
const CKR = {
  CKR_DEVICE_ERROR: 0x30,
  CKR_DEVICE_REMOVED: 0x32,
  CKR_FUNCTION_FAILED: 0x06,
  CKR_GENERAL_ERROR: 0x05,
  CKR_FUNCTION_NOT_SUPPORTED: 0x54,
  CKR_USER_NOT_LOGGED_IN: 0x101,
  CKR_USER_TYPE_INVALID: 0x103,
  CKR_PIN_INCORRECT: 0xa0,
  CKR_PIN_INVALID: 0xa1,
  CKR_PIN_LEN_RANGE: 0xa2,
  CKR_PIN_EXPIRED: 0xa3,
  CKR_PIN_LOCKED: 0xa4,
  CKR_SESSION_HANDLE_INVALID: 0xb3,
  CKR_SESSION_CLOSED: 0xb0,
  CKR_SLOT_ID_INVALID: 0x03,
  CKR_TOKEN_NOT_PRESENT: 0xe0,
  CKR_TOKEN_NOT_RECOGNIZED: 0xe1,
  CKR_CRYPTOKI_NOT_INITIALIZED: 0x190,
} as const;

const CKR_NAMES = new Map<number, string>(Object.entries(CKR).map(([name, value]) => [value, name]));

/** The PKCS#11 code of an error from pkcs11js (its `code`, else the hex in "CKR_X:123"), or null. */
export function pkcs11Code(error: unknown): number | null {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'number') return error.code;
  const match = error instanceof Error ? /CKR_[A-Z_]+:(\d+)/.exec(error.message) : null;
  return match ? Number(match[1]) : null;
}

/** Maps a PKCS#11 failure to the closed vocabulary; the CKR name travels along for support. */
export function fromPkcs11Error(error: unknown): CardError {
  if (error instanceof CardError) return error;
  const code = pkcs11Code(error);
  const details: Record<string, string> = code === null ? {} : { ckr: CKR_NAMES.get(code) ?? `0x${code.toString(16)}` };
  switch (code) {
    case CKR.CKR_PIN_INCORRECT:
      return new CardError('pin-incorrect', details, error);
    case CKR.CKR_PIN_LOCKED:
      return new CardError('pin-locked', details, error);
    case CKR.CKR_PIN_LEN_RANGE:
    case CKR.CKR_PIN_INVALID:
      return new CardError('pin-length', details, error);
    case CKR.CKR_DEVICE_REMOVED:
    case CKR.CKR_TOKEN_NOT_PRESENT:
    case CKR.CKR_SESSION_HANDLE_INVALID:
    case CKR.CKR_SESSION_CLOSED:
      return new CardError('card-removed', details, error);
    case CKR.CKR_TOKEN_NOT_RECOGNIZED:
    case CKR.CKR_SLOT_ID_INVALID:
      return new CardError('token-absent', details, error);
    default:
      return new CardError('pkcs11-failed', details, error);
  }
}

// PC/SC return values (winscard / pcsc-lite): SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED, ...
const SCARD = {
  SCARD_E_NO_SERVICE: 0x8010001d,
  SCARD_E_SERVICE_STOPPED: 0x8010001e,
  SCARD_E_NO_READERS_AVAILABLE: 0x8010002e,
  SCARD_E_READER_UNAVAILABLE: 0x80100017,
  SCARD_E_UNKNOWN_READER: 0x80100009,
  SCARD_W_REMOVED_CARD: 0x80100069,
  SCARD_E_NO_SMARTCARD: 0x8010000c,
} as const;

/** The PC/SC binding (`smartcard`) reports a failure by its message alone: the code behind each. */
const SCARD_BY_MESSAGE: Record<string, number> = {
  'PC/SC service not running': SCARD.SCARD_E_NO_SERVICE,
  'PC/SC service stopped': SCARD.SCARD_E_SERVICE_STOPPED,
  'No readers available': SCARD.SCARD_E_NO_READERS_AVAILABLE,
  'Reader unavailable': SCARD.SCARD_E_READER_UNAVAILABLE,
  'Unknown reader': SCARD.SCARD_E_UNKNOWN_READER,
  'Card was removed': SCARD.SCARD_W_REMOVED_CARD,
  'No smart card present': SCARD.SCARD_E_NO_SMARTCARD,
};

/** The PC/SC code of a failure: from the binding's message, or a message ending in "(0x8010001d)". */
export function pcscCode(error: unknown): number | null {
  if (!(error instanceof Error)) return null;
  const known = SCARD_BY_MESSAGE[error.message];
  if (known !== undefined) return known;
  const match = /\(0x([0-9a-f]{8})\)/i.exec(error.message);
  return match ? Number.parseInt(match[1]!, 16) : null;
}

/** Maps a PC/SC failure to the closed vocabulary. */
export function fromPcscError(error: unknown): CardError {
  const code = pcscCode(error);
  const details: Record<string, string> = code === null ? {} : { scard: `0x${code.toString(16)}` };
  switch (code) {
    case SCARD.SCARD_E_NO_SERVICE:
    case SCARD.SCARD_E_SERVICE_STOPPED:
      return new CardError('pcsc-no-service', details, error);
    case SCARD.SCARD_E_NO_READERS_AVAILABLE:
    case SCARD.SCARD_E_READER_UNAVAILABLE:
    case SCARD.SCARD_E_UNKNOWN_READER:
      return new CardError('pcsc-no-reader', details, error);
    case SCARD.SCARD_W_REMOVED_CARD:
    case SCARD.SCARD_E_NO_SMARTCARD:
      return new CardError('card-removed', details, error);
    default:
      return new CardError('pcsc-no-service', { ...details, unexpected: 'true' }, error);
  }
}
