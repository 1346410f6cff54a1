import { z } from 'zod';

/** The links of the chain, in the order the manual's troubleshooting walks them. */
export const CHECK_IDS = [
  'pcsc-service',
  'reader',
  'remote-session',
  'card',
  'atr',
  'pkcs11-module',
  'token',
  'certificate',
  'certificate-validity',
  'certificate-issuer',
  'certificate-revocation',
  'pin-state',
  'backend',
  'backend-status',
  'clock-skew',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export const checkStatusSchema = z.enum(['pass', 'warn', 'fail', 'skip']);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/**
 * Findings a check adds to its message, as a code and parameters: the words are the catalogue's
 * (`diagnostics.notes.<code>` in the renderer's i18n files).
 */
export const CHECK_NOTE_CODES = ['reader-ignored'] as const;

export const checkNoteSchema = z.object({
  code: z.enum(CHECK_NOTE_CODES),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type CheckNote = z.infer<typeof checkNoteSchema>;

/**
 * What a check found and, unless it passed, what to do: a code whose words (Swedish, English) are in
 * the catalogue under diagnostics.messages (renderer/src/i18n), with the values they name in `params`.
 */
export const CHECK_MESSAGE_CODES = [
  'skip.after-pcsc-service',
  'skip.after-reader',
  'skip.after-card-in-reader',
  'skip.after-card-and-module',
  'skip.after-card',
  'skip.after-certificate',
  'skip.after-backend',
  'skip.no-backend',
  'pcsc-service.running',
  'pcsc-service.not-running',
  'reader.none',
  'reader.found',
  'remote-session.not-windows',
  'remote-session.local',
  'remote-session.remote-desktop',
  'remote-session.citrix',
  'card.none',
  'card.found',
  'atr.unknown',
  'atr.known',
  'atr.known-siths',
  'pkcs11-module.loaded',
  'pkcs11-module.loaded-no-version',
  'pkcs11-module.missing',
  'pkcs11-module.failed',
  'token.unreadable',
  'token.read',
  'certificate.missing',
  'certificate.found',
  'certificate.found-no-hsa-id',
  'certificate-validity.expired',
  'certificate-validity.not-yet-valid',
  'certificate-validity.expiring-soon',
  'certificate-validity.valid',
  'certificate-issuer.not-configured',
  'certificate-issuer.trusted',
  'certificate-issuer.untrusted',
  'certificate-revocation.revoked',
  'certificate-revocation.revoked-since',
  'certificate-revocation.unknown-unreachable',
  'certificate-revocation.unknown-responder-unknown',
  'certificate-revocation.unknown-invalid-response',
  'certificate-revocation.unknown-no-responder',
  'certificate-revocation.unknown-other',
  'certificate-revocation.good-ocsp',
  'certificate-revocation.good-crl',
  'certificate-revocation.no-issuer',
  'certificate-revocation.no-issuer-not-configured',
  'certificate-revocation.pending',
  'certificate-revocation.pending-at',
  'pin-state.locked',
  'pin-state.locked-puk-tries',
  'pin-state.puk-blocked',
  'pin-state.final-try',
  'pin-state.count-low',
  'pin-state.ok',
  'pin-state.ok-tries-unknown',
  'backend.timeout',
  'backend.refused',
  'backend.http-error',
  'backend.malformed',
  'backend.tls-intercepted',
  'backend.tls-intercepted-server-certificate',
  'backend.ok',
  'backend-status.ok',
  'backend-status.message',
  'backend-status.unavailable',
  'backend-status.disturbance',
  'backend-status.disturbance-no-text',
  'clock-skew.ok',
  'clock-skew.skewed',
] as const;
export type CheckMessageCode = (typeof CHECK_MESSAGE_CODES)[number];

export const diagnosticCheckSchema = z.object({
  id: z.enum(CHECK_IDS),
  status: checkStatusSchema,
  code: z.enum(CHECK_MESSAGE_CODES),
  /** The values the words name (a reader's name, a date, a count). */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** Further findings, as codes and parameters (absent: none). */
  notes: z.array(checkNoteSchema).optional(),
});
export type DiagnosticCheck = z.infer<typeof diagnosticCheckSchema>;
