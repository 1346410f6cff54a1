import { z } from 'zod';
import { cardSnapshotSchema, DEFAULT_EXPIRY_WARNING_DAYS } from '../../common/card/card-state';
import { DEFAULT_IGNORED_READERS } from '../../common/card/ignored-readers';
import { appErrorSchema } from '../../common/errors/error-codes';
// The watchdog's test hooks are left out of a release build (see test-hooks.ts).
import './test-hooks';

/** Settings the card process starts with. */
export const cardWorkerConfigSchema = z.object({
  modulePath: z.string().min(1),
  trustAnchorPaths: z.array(z.string()),
  atrTablePath: z.string(),
  /** Reader-name patterns to ignore (the setting ignoredReaders): never offered, listed as ignored. */
  ignoredReaders: z.array(z.string()).default([...DEFAULT_IGNORED_READERS]),
  /** Certificates this many days from their end are `expiring-soon` (the setting expiryWarningDays). */
  expiryWarningDays: z.number().int().positive().default(DEFAULT_EXPIRY_WARNING_DAYS),
  /** Re-read tokens this long after a PC/SC change, so the middleware has seen the card too. */
  settleMs: z.number().int().nonnegative().default(150),
  pcscRetryMs: z.number().int().positive().default(1000),
  /** Wait this long after start before the first snapshot, so PC/SC has listed the readers. */
  startupSettleMs: z.number().int().nonnegative().default(300),
});
export type CardWorkerConfig = z.input<typeof cardWorkerConfigSchema>;

export const signParamsSchema = z.object({
  slotId: z.string().max(128),
  certificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  dataBase64: z.string().max(4096),
  pin: z.string().max(64),
});

/** "Byt PIN-kod": the current and the new PIN go to the card process once and nowhere else. */
export const changePinParamsSchema = z.object({
  slotId: z.string().max(128),
  certificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  oldPin: z.string().min(1).max(64),
  newPin: z.string().min(1).max(64),
});

/** "Lås upp PIN-kod med PUK". */
export const unblockPinParamsSchema = z.object({
  slotId: z.string().max(128),
  certificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  puk: z.string().min(1).max(64),
  newPin: z.string().min(1).max(64),
});

/** Messages from main to the card process. */
/** Exit code of a card process that replaces itself on purpose (after a wedged middleware). */
export const RECYCLE_EXIT_CODE = 75;

const request = { type: z.literal('request'), id: z.number().int() };
export const toWorkerSchema = z.union([
  z.object({ type: z.literal('init'), config: cardWorkerConfigSchema }),
  z.discriminatedUnion('op', [
    z.object({ ...request, op: z.literal('ping') }),
    z.object({ ...request, op: z.literal('reread') }),
    z.object({ ...request, op: z.literal('refresh') }),
    z.object({ ...request, op: z.literal('sign'), params: signParamsSchema }),
    z.object({ ...request, op: z.literal('change-pin'), params: changePinParamsSchema }),
    z.object({ ...request, op: z.literal('unblock-pin'), params: unblockPinParamsSchema }),
  ]),
  // The watchdog's test hooks (block, or exit).
  ...(__CARD_TEST_HOOKS__
    ? [
        z.discriminatedUnion('op', [
          z.object({ ...request, op: z.literal('test-block'), ms: z.number().int().max(600_000) }),
          z.object({ ...request, op: z.literal('test-crash') }),
        ]),
      ]
    : []),
]);
export type ToWorker = z.input<typeof toWorkerSchema>;

export const signOutcomeSchema = z.object({
  algorithm: z.enum(['RS256', 'ES256']),
  signatureBase64: z.string(),
  certificateBase64: z.string(),
});
export type SignOutcome = z.infer<typeof signOutcomeSchema>;

/**
 * A log line from the card process (its logger, card-process-log.ts), written by main's logger.
 * Only codes and safe details travel here: never a PIN, never key material.
 */
export const workerLogSchema = z.object({
  type: z.literal('log'),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  /** A stable event name, e.g. `card-read-failed`. */
  event: z.string().regex(/^[a-z0-9-]{1,64}$/),
  message: z.string().max(500),
  fields: z
    .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
    .default({}),
});
export type WorkerLog = z.input<typeof workerLogSchema>;

/** Messages from the card process to main. */
export const fromWorkerSchema = z.union([
  z.object({ type: z.literal('snapshot'), snapshot: cardSnapshotSchema }),
  workerLogSchema,
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: appErrorSchema }),
]);
export type FromWorker = z.input<typeof fromWorkerSchema>;
