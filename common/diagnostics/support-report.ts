import { z } from 'zod';
import { diagnosticCheckSchema } from './diagnostic-check';

/**
 * The support report: what support staff need to see where the chain breaks, and nothing more.
 * Every field is listed here; the builder copies named fields only (never a whole object), so a
 * PIN, a session token or key material has no field to travel in.
 */

export const DIAGNOSTICS_REPORT_FORMAT = 'behorighetsadmin-supportrapport/1';

export const diagnosticsRunSchema = z.object({
  checks: z.array(diagnosticCheckSchema),
  ranAt: z.string(),
});
export type DiagnosticsRun = z.infer<typeof diagnosticsRunSchema>;

/** The outcome of "Provsignera med PIN": the card signed a random challenge and it verified locally. */
export const testSignatureResultSchema = z.object({
  verified: z.boolean(),
  algorithm: z.enum(['RS256', 'ES256']),
  /** The certificate that signed (public metadata only). */
  subject: z.string(),
  serialNumber: z.string(),
  durationMs: z.number().int().nonnegative(),
  at: z.string(),
});
export type TestSignatureResult = z.infer<typeof testSignatureResultSchema>;

/** One setting in effect and where it came from (default, user, policy, flag, ...). */
export const configurationEntrySchema = z.object({
  key: z.string(),
  value: z.union([z.string(), z.array(z.string()), z.null()]),
  source: z.string(),
  /** Set by system policy: the user cannot change it. */
  locked: z.boolean(),
});
export type ConfigurationEntry = z.infer<typeof configurationEntrySchema>;

/** A warning or error line from the log, by whitelisted fields. */
export const logEntrySchema = z.object({
  time: z.string(),
  level: z.enum(['info', 'warn', 'error', 'fatal']),
  component: z.string().nullable(),
  event: z.string().nullable(),
  errorCode: z.string().nullable(),
});
export type LogEntry = z.infer<typeof logEntrySchema>;

const reportCertificateSchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  validity: z.string(),
  trusted: z.boolean(),
  isAuthentication: z.boolean(),
  keyAlgorithm: z.string(),
  sha256: z.string(),
  /** Revocation status (good, revoked, unknown, not-checked) and the OCSP responder or CRL asked. */
  revocation: z.string(),
  revocationResponder: z.string().nullable(),
});

export const supportReportSchema = z.object({
  format: z.literal(DIAGNOSTICS_REPORT_FORMAT),
  createdAt: z.string(),
  program: z.object({
    productName: z.string(),
    version: z.string(),
    transport: z.string(),
    electronVersion: z.string().nullable(),
    nodeVersion: z.string(),
  }),
  system: z.object({ platform: z.string(), arch: z.string(), release: z.string(), osVersion: z.string().nullable() }),
  configuration: z.array(configurationEntrySchema),
  checks: z.array(diagnosticCheckSchema),
  card: z.object({
    pcscService: z.string(),
    process: z.string(),
    readers: z.array(
      z.object({
        name: z.string(),
        cardPresent: z.boolean(),
        atr: z.string().nullable(),
        cardKind: z.string().nullable(),
        cardLabel: z.string().nullable(),
      }),
    ),
    /** Readers left out by the setting ignoredReaders, with the pattern that matched. */
    ignoredReaders: z
      .array(z.object({ name: z.string(), cardPresent: z.boolean(), atr: z.string().nullable(), pattern: z.string() }))
      .optional(),
    module: z.object({
      path: z.string(),
      status: z.string(),
      manufacturer: z.string().nullable(),
      description: z.string().nullable(),
      version: z.string().nullable(),
    }),
    /** CA certificates the card process checks chains against (trustAnchors); 0: none, so no certificate is "betrodd". */
    caCertificates: z.number().int(),
    tokens: z.array(
      z.object({
        label: z.string(),
        manufacturer: z.string(),
        model: z.string(),
        serialNumber: z.string(),
        slotDescription: z.string(),
        pin: z.object({
          locked: z.boolean(),
          finalTry: z.boolean(),
          countLow: z.boolean(),
          pinPad: z.boolean(),
          /** Retry counters only (never a PIN or PUK): null when the card does not say. */
          triesLeft: z.number().int().nullable().optional(),
          pukTriesLeft: z.number().int().nullable().optional(),
        }),
        certificates: z.array(reportCertificateSchema),
      }),
    ),
  }),
  /** The last "Provsignera med PIN" of this run of the program, if any. */
  testSignature: z
    .object({ at: z.string(), outcome: z.enum(['verified', 'not-verified', 'failed']), errorCode: z.string().nullable() })
    .nullable(),
  recentErrors: z.array(logEntrySchema),
});
export type SupportReport = z.infer<typeof supportReportSchema>;

export const supportReportFilesSchema = z.object({
  /** The report as JSON (machine-readable). */
  json: z.string(),
  /** The same report as readable Swedish text. */
  text: z.string(),
});
export type SupportReportFiles = z.infer<typeof supportReportFilesSchema>;
