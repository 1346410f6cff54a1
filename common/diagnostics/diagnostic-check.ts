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

export const diagnosticCheckSchema = z.object({
  id: z.enum(CHECK_IDS),
  status: checkStatusSchema,
  /** What was found and, unless it passed, what to do: plain Swedish. */
  message: z.string(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type DiagnosticCheck = z.infer<typeof diagnosticCheckSchema>;
