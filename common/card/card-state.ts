import { z } from 'zod';
import { appErrorSchema } from '../errors/error-codes';

/**
 * What main knows about readers, cards, tokens and certificates, as the renderer and `doctor` see it.
 * Nothing here is secret: no PIN, no key material, only public certificate metadata.
 */

export const cardKindSchema = z.enum(['siths', 'lab', 'unknown']);
export type CardKind = z.infer<typeof cardKindSchema>;

export const readerStateSchema = z.object({
  name: z.string(),
  cardPresent: z.boolean(),
  /** ATR in upper-case hex with spaces, or null with no card. */
  atr: z.string().nullable(),
  cardKind: cardKindSchema.nullable(),
  /** Human name of the recognised card type, from resources/known-atrs.json. */
  cardLabel: z.string().nullable(),
  /** PC/SC's per-reader event counter: a changed value means the card was swapped in between. */
  eventCount: z.number().int(),
});
export type ReaderState = z.infer<typeof readerStateSchema>;

/** A reader the program ignores: its name matches a pattern of the setting `ignoredReaders`. */
export const ignoredReaderSchema = readerStateSchema.extend({
  /** The pattern its name matched (e.g. "Microsoft Virtual Smart Card*"). */
  pattern: z.string(),
});
export type IgnoredReader = z.infer<typeof ignoredReaderSchema>;

export const pcscStateSchema = z.object({
  service: z.enum(['running', 'unavailable']),
  /** The readers a login may use: every reader PC/SC lists but the ignored ones. */
  readers: z.array(readerStateSchema),
  /** Readers left out because their name matches the ignore list (Windows Hello, TPM virtual smart cards). */
  ignoredReaders: z.array(ignoredReaderSchema).optional(),
});
export type PcscState = z.infer<typeof pcscStateSchema>;

/** How many days before its end a certificate is flagged, unless policy says otherwise (expiryWarningDays). */
export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

export const certificateValiditySchema = z.enum(['valid', 'expiring-soon', 'expired', 'not-yet-valid']);
export type CertificateValidity = z.infer<typeof certificateValiditySchema>;

/**
 * Whether the certificate's CA has revoked it, as its OCSP responder (or, failing that, its CRL)
 * answered. `unknown`: no answer could be had, or the responder does not know the certificate;
 * `not-checked`: not asked (yet, or no CA certificate to check the answer with).
 */
export const revocationStatusSchema = z.object({
  status: z.enum(['good', 'revoked', 'unknown', 'not-checked']),
  source: z.enum(['ocsp', 'crl']).nullable(),
  /** The OCSP responder or CRL address asked (or that failed), from the certificate. */
  responder: z.string().nullable(),
  checkedAt: z.string().nullable(),
  nextUpdate: z.string().nullable(),
  revokedAt: z.string().nullable(),
  reason: z.enum(['responder-unknown', 'unreachable', 'invalid-response', 'no-responder', 'no-issuer', 'pending']).nullable(),
});
export type RevocationStatus = z.infer<typeof revocationStatusSchema>;

/** The revocation status of a certificate nobody has asked about yet. */
export const REVOCATION_NOT_CHECKED: RevocationStatus = {
  status: 'not-checked',
  source: null,
  responder: null,
  checkedAt: null,
  nextUpdate: null,
  revokedAt: null,
  reason: 'pending',
};

export const certificateSummarySchema = z.object({
  subject: z.string(),
  commonName: z.string().nullable(),
  givenName: z.string().nullable(),
  surname: z.string().nullable(),
  /** SITHS carries the HSA-id in the subject's serialNumber attribute. */
  hsaId: z.string().nullable(),
  organisation: z.string().nullable(),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  keyUsage: z.array(z.string()),
  extendedKeyUsage: z.array(z.string()),
  keyAlgorithm: z.enum(['rsa', 'ec', 'other']),
  sha256: z.string(),
  validity: certificateValiditySchema,
  /** Whole days until notAfter (negative once expired). */
  daysLeft: z.number().int(),
  /** Chains up to a configured trust anchor. */
  trusted: z.boolean(),
  isAuthentication: z.boolean(),
  /** The OCSP responder addresses (AIA) the certificate names. */
  ocspUrls: z.array(z.string()),
  /** The CRL distribution points the certificate names. */
  crlUrls: z.array(z.string()),
  revocation: revocationStatusSchema,
});
export type CertificateSummary = z.infer<typeof certificateSummarySchema>;

export const pinStateSchema = z.object({
  minLength: z.number().int(),
  maxLength: z.number().int(),
  countLow: z.boolean(),
  finalTry: z.boolean(),
  locked: z.boolean(),
  /**
   * Exact PIN tries left: read from the card (VERIFY without data, `63 Cx`), else from the token's
   * flags where they are exact (final try = 1, locked = 0), else null — never a guess.
   */
  triesLeft: z.number().int().nullable(),
  /** Where `triesLeft` came from: the card's own counter, or the PKCS#11 token flags (null: unknown). */
  triesSource: z.enum(['card', 'token-flags']).nullable().optional(),
  /** PUK tries left where the card says so, else null (unknown). */
  pukTriesLeft: z.number().int().nullable().optional(),
  /** The reader has its own PIN pad: no PIN dialog. */
  pinPad: z.boolean(),
});
export type PinState = z.infer<typeof pinStateSchema>;

export const tokenStateSchema = z.object({
  slotId: z.string(),
  slotDescription: z.string(),
  label: z.string(),
  manufacturer: z.string(),
  model: z.string(),
  serialNumber: z.string(),
  pin: pinStateSchema,
  certificates: z.array(certificateSummarySchema),
  /** The certificate used to log in (digitalSignature, client authentication), or null. */
  authCertificate: certificateSummarySchema.nullable(),
});
export type TokenState = z.infer<typeof tokenStateSchema>;

/** A slot the PKCS#11 module lists with a token that could not be read (e.g. an unrecognised card). */
export const slotErrorSchema = z.object({
  slotId: z.string(),
  slotDescription: z.string(),
  /** `token-absent` for CKR_TOKEN_NOT_RECOGNIZED; details carry the PKCS#11 name (`ckr`). */
  error: appErrorSchema,
});
export type SlotError = z.infer<typeof slotErrorSchema>;

export const moduleStateSchema = z.object({
  path: z.string(),
  status: z.enum(['loaded', 'missing', 'failed']),
  manufacturer: z.string().nullable(),
  description: z.string().nullable(),
  version: z.string().nullable(),
});
export type ModuleState = z.infer<typeof moduleStateSchema>;

export const cardSnapshotSchema = z.object({
  pcsc: pcscStateSchema,
  module: moduleStateSchema,
  tokens: z.array(tokenStateSchema),
  /**
   * How many CA certificates (roots and intermediates, the setting trustAnchors) the card process
   * checks certificate chains against; 0: none configured, so `trusted` says nothing.
   */
  caCertificates: z.number().int().nonnegative(),
  /** Certificates this close to their end (in days) are `expiring-soon`: the setting expiryWarningDays. */
  expiryWarningDays: z.number().int().positive().optional(),
  /** Slots whose token could not be read, each reported on its own (absent: none). */
  slotErrors: z.array(slotErrorSchema).optional(),
  /** The card process's state: restarting after a crash or hang shows here. */
  process: z.enum(['running', 'restarting', 'stopped']),
  updatedAt: z.string(),
});
export type CardSnapshot = z.infer<typeof cardSnapshotSchema>;

export const signatureAlgorithmSchema = z.enum(['RS256', 'ES256']);
export type SignatureAlgorithm = z.infer<typeof signatureAlgorithmSchema>;
