import { z } from 'zod';
import { ADMINISTRATION_REFUSAL_CODES } from '../api/error-codes';

/**
 * The closed vocabulary of failures the main process reports to the renderer.
 * The renderer turns each code into a Swedish sentence in one place (an exhaustive switch);
 * nobody parses message strings.
 */
export const APP_ERROR_CODES = [
  // IPC boundary
  'ipc-invalid-payload',
  'ipc-forbidden-sender',
  'ipc-unknown-channel',
  // Card service and readers (PC/SC)
  'pcsc-no-service',
  'pcsc-no-reader',
  'card-absent',
  'card-removed',
  'card-changed',
  'card-unknown',
  /** Several cards can log in and none was chosen. */
  'card-choice-required',
  // PKCS#11 module and token
  'pkcs11-module-missing',
  'pkcs11-module-failed',
  'pkcs11-failed',
  'token-absent',
  'certificate-missing',
  // PIN
  'pin-incorrect',
  'pin-locked',
  'pin-length',
  // PIN change and PUK unblock
  'pin-change-refused',
  'puk-incorrect',
  'puk-locked',
  'pin-unblock-unavailable',
  // Certificate checks made before any PIN
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-untrusted',
  // Revocation (OCSP/CRL): the card's CA has revoked the certificate, or no answer could be had
  'certificate-revoked',
  'revocation-unavailable',
  // The card process
  'card-process-hung',
  'card-process-crashed',
  // Backend (network and HTTP)
  'backend-not-configured',
  'backend-unreachable',
  'backend-timeout',
  'backend-failed',
  'backend-malformed',
  'backend-tls',
  'backend-redirect',
  'backend-proxy-auth',
  // Login refused by the backend (which check failed)
  'login-challenge-failed',
  'login-origin-mismatch',
  'login-signature-invalid',
  'login-certificate-key-usage',
  'login-not-authorised',
  // Session
  'not-logged-in',
  'session-expired',
  // Administration refused by the backend: its own codes, passed on unchanged.
  ...ADMINISTRATION_REFUSAL_CODES,
  // Anything unexpected in main; details stay in the log, never in the window.
  'internal',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export const appErrorSchema = z.object({
  code: z.enum(APP_ERROR_CODES),
  /** Field-level or diagnostic detail safe to show (never a PIN, token or stack trace). */
  details: z.record(z.string(), z.string()).optional(),
});

export type AppError = z.infer<typeof appErrorSchema>;

/** Result of every IPC call: errors travel as values, because Electron keeps only `message` of a thrown error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: AppErrorCode, details?: Record<string, string>): Result<T> {
  return details ? { ok: false, error: { code, details } } : { ok: false, error: { code } };
}

/** Compile-time exhaustiveness check for switches over closed unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
