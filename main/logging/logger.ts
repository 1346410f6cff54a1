import pino, { type DestinationStream, type Logger } from 'pino';
import { RotatingFileDestination, type RotatingFileOptions } from './rotating-file';

/**
 * Paths redacted from every log line. Secrets are also never passed to the logger on purpose;
 * this is the second wall (scrubSecrets below is the one that reaches any depth).
 */
export const REDACTED_PATHS = [
  'pin',
  '*.pin',
  'puk',
  '*.puk',
  'oldPin',
  '*.oldPin',
  'newPin',
  '*.newPin',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'signature',
  '*.signature',
];

export const REDACTED = '[borttaget]';

/** Key names (lower case, without - and _) whose values never reach a log line, at any depth. */
const SECRET_KEYS = new Set([
  'pin',
  'puk',
  'newpin',
  'oldpin',
  'token',
  'bearer',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'signature',
  'signaturebase64',
  'password',
  'passphrase',
  'secret',
  'privatekey',
  'privatekeypem',
]);
const SECRET_SUFFIXES = ['token', 'pin', 'password', 'secret', 'signature', 'privatekey'];

/** True for a key whose value is a secret (pin, sessionToken, Authorization, signatureBase64, ...). */
export function isSecretKey(key: string): boolean {
  const normal = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEYS.has(normal) || SECRET_SUFFIXES.some((suffix) => normal.endsWith(suffix));
}

const MAX_DEPTH = 8;

/**
 * A copy of a log object with every secret-named value replaced, at any depth; binary data
 * (signatures, keys) shown only by its length; errors reduced to name, code, message and stack
 * (an HTTP client's error carries its request headers, Authorization included).
 */
export function scrubSecrets(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? scrubText(value) : value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (seen.has(value)) return '[cirkel]';
  seen.add(value);
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return `[binary data, ${value.byteLength} bytes]`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      type: value.name,
      message: scrubText(value.message),
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      stack: value.stack ? scrubText(value.stack) : undefined,
      ...(value.cause !== undefined ? { cause: scrubSecrets(value.cause, depth + 1, seen) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => scrubSecrets(item, depth + 1, seen));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretKey(key) ? REDACTED : scrubSecrets(item, depth + 1, seen);
  }
  return copy;
}

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/** Removes credentials written inline in a string ("Authorization: Bearer ..."). */
export function scrubText(text: string): string {
  return text.replace(BEARER, `$1 ${REDACTED}`);
}

/** Wraps a destination so every finished line passes scrubText once more (the last wall). */
function scrubbing(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(scrubText(line)) };
}

export interface LoggerOptions {
  level?: string;
  /** Stands in for stderr (tests). */
  destination?: DestinationStream;
  /** Also write to a rotating log file (the user's data folder; a folder from env under the bridge and tests). */
  file?: RotatingFileOptions;
  /** A packaged build: no stderr (see logOutputs). */
  packaged?: boolean;
}

/**
 * Where the log goes: the rotating file where there is one, and stderr only in development. A
 * packaged Windows GUI program started without a console has no fd 2 (writes there are lost,
 * duplicated or hang), so a packaged build logs to the file only.
 */
export function logOutputs({ packaged, file }: { packaged: boolean; file: boolean }): ('stderr' | 'file')[] {
  return [...(packaged ? [] : (['stderr'] as const)), ...(file ? (['file'] as const) : [])];
}

/** Creates the structured logger shared by every main-process component. */
export function createLogger({ level = 'info', destination, file, packaged = false }: LoggerOptions = {}): Logger {
  const options = {
    level,
    base: { app: 'behorighetsadmin' },
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Errors are already reduced to plain fields by scrubSecrets; keep them as they are.
    serializers: { err: (value: unknown) => value },
    formatters: {
      bindings: (bindings: pino.Bindings) => scrubSecrets(bindings) as pino.Bindings,
      log: (object: Record<string, unknown>) => scrubSecrets(object) as Record<string, unknown>,
    },
  };
  const streams = logOutputs({ packaged, file: file !== undefined }).map((output) =>
    output === 'stderr' ? (destination ?? pino.destination(2)) : new RotatingFileDestination(file!),
  );
  const scrubbed = streams.map((stream) => ({ stream: scrubbing(stream), level: 'trace' as const }));
  const logger =
    scrubbed.length === 1
      ? pino(options, scrubbed[0]!.stream)
      : scrubbed.length === 0
        ? pino({ ...options, enabled: false })
        : pino(options, pino.multistream(scrubbed));
  // pino applies formatters.bindings to the root only; children (and theirs, which inherit this) scrub here.
  const child = logger.child as unknown as (this: unknown, bindings: pino.Bindings, options?: unknown) => Logger;
  const scrubbedChild = function (this: unknown, bindings: pino.Bindings, childOptions?: unknown) {
    return child.call(this, scrubSecrets(bindings) as pino.Bindings, childOptions);
  };
  logger.child = scrubbedChild as unknown as Logger['child'];
  return logger;
}
