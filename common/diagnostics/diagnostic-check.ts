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

export const diagnosticCheckSchema = z.object({
  id: z.enum(CHECK_IDS),
  status: checkStatusSchema,
  /** What was found and, unless it passed, what to do: plain Swedish. */
  message: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** Further findings, as codes and parameters (absent: none). */
  notes: z.array(checkNoteSchema).optional(),
});
export type DiagnosticCheck = z.infer<typeof diagnosticCheckSchema>;
