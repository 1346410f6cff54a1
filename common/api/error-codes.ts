import { z } from 'zod';

/** Login failure codes, all answered with 401. */
export const LOGIN_FAILURE_CODES = [
  'challenge-unknown',
  'challenge-expired',
  'challenge-used',
  'origin-mismatch',
  'algorithm-unsupported',
  'algorithm-mismatch',
  'signature-invalid',
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-untrusted',
  'certificate-key-usage',
  'certificate-no-hsa-id',
  // The certificate's CA has revoked it (OCSP or CRL).
  'certificate-revoked',
  // No revocation answer could be had (responder and CRL unreachable, or answers that do not verify).
  'revocation-unavailable',
  'not-authorised',
] as const;

/**
 * The backend's refusals of an administration call that the client passes on unchanged, as its own
 * error codes (common/errors/error-codes.ts spreads this list; main/backend/backend-client.ts maps them to themselves).
 */
export const ADMINISTRATION_REFUSAL_CODES = [
  'validation-failed',
  'permission-unknown',
  // 403, 404, 409, 412 (If-Match not the current version).
  'no-agreement',
  'not-found',
  'hsa-id-in-use',
  'hsa-id-is-administrator',
  // Roles (source 004): only the authorised orderer appoints and removes administrators (403); an
  // organisation keeps its last administrator and its last authorised orderer (409); one role per
  // person and organisation (409); an ended organisation is readable only (409).
  'not-authorised-orderer',
  'last-administrator',
  'last-authorised-orderer',
  'hsa-id-is-user',
  'hsa-id-has-role',
  'organisation-ended',
  'version-conflict',
] as const;
export type AdministrationRefusalCode = (typeof ADMINISTRATION_REFUSAL_CODES)[number];

/** Whether the backend's code is an administration refusal the client passes on unchanged. */
export function isAdministrationRefusal(code: string): code is AdministrationRefusalCode {
  return (ADMINISTRATION_REFUSAL_CODES as readonly string[]).includes(code);
}

/**
 * The closed set of error codes the backend answers with, in `{ error: { code, message, fields? } }`.
 * The client maps each code to its own Swedish text; `message` is for logs and integrators.
 */
export const API_ERROR_CODES = [
  // 400: input that does not match the schema (`fields` names each offending field), 403, 404, 409, 412:
  // the administration refusals.
  ...ADMINISTRATION_REFUSAL_CODES,
  'body-too-large',
  'certificate-malformed',
  // 401 from POST /auth/login: which check failed.
  ...LOGIN_FAILURE_CODES,
  // 401 on every other route.
  'unauthenticated',
  'session-expired',
  // 428: an If-Match header is required.
  'precondition-required',
  // 429: too many unauthenticated requests from one address.
  'too-many-requests',
  // 503 / 500: never for bad input; details stay in the server log.
  'unavailable',
  'internal',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export type LoginFailureCode = (typeof LOGIN_FAILURE_CODES)[number];

/** One authorised orderer or administrator, as a user of their organisation may see them. */
export const roleContactSchema = z.object({
  organisation: z.string(),
  role: z.enum(['administrator', 'authorised-orderer']),
  givenName: z.string(),
  surname: z.string(),
  email: z.string(),
});
export type RoleContact = z.infer<typeof roleContactSchema>;

export const apiErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(API_ERROR_CODES),
    message: z.string(),
    /** Field path (dot-separated) → Swedish message, for 400 responses. */
    fields: z.record(z.string(), z.string()).optional(),
    /**
     * With `not-authorised` for a card holder (signature verified) who is a user, not an
     * administrator: who they can turn to — each of their organisations' authorised orderers and
     * administrators (source 004: users can see who they are).
     */
    contacts: z.array(roleContactSchema).optional(),
  }),
});

export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
