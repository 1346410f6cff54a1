import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REVOCATION_POLICIES, type RevocationPolicy } from './services/auth-service';

/** Default origin login signatures are bound to; the client must be configured with the same. */
export const DEFAULT_ORIGIN = 'https://behorighetsadmin.test';
export const DEFAULT_PORT = 4780;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DB = path.join('.data', 'behorighetsadmin.sqlite');
/** Where the card lab writes its test PKI (root-ca.pem, person-ca.pem). */
export const CARDLAB_PKI_DIR = path.join('.cardlab', 'pki');

export interface ServerConfig {
  host: string;
  port: number;
  db: string;
  origin: string;
  /** PEM files of the CA certificates to trust: roots (self-signed, the anchors) and intermediates, in one list. */
  caCertificates: string[];
  seed: 'demo' | null;
  /** Revocation check of every login: require (fail-closed), soft-fail (let through, audited) or off. */
  revocation: RevocationPolicy;
  logLevel: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Challenges one client address may fetch per minute from this instance. */
  challengesPerMinute: number;
  /** How often this instance's outbox dispatcher looks for due mail. */
  outboxIntervalMs: number;
  /** Append each mail as a JSON line to this file instead of only logging it (development, tests). */
  mailLog: string | null;
  /** How often this instance's expiry job ends permissions that reached their end date. */
  expiryIntervalMs: number;
  /**
   * Tests only: the expiry job's "now" is the ISO time in this file while it exists (a controllable
   * clock for end-to-end tests); everything else keeps the system clock.
   */
  expiryClockFile: string | null;
}

export const USAGE = `Usage: npm run server -- [options]

  --port N               TCP port (default ${DEFAULT_PORT}; 0 picks a free one)      env BA_PORT
  --host ADDR            bind address (default ${DEFAULT_HOST})                       env BA_HOST
  --db FILE|URL          SQLite file, created on first start (default ${DEFAULT_DB}),  env BA_DB
                         or postgres://USER[:PASSWORD]@HOST:PORT/DB for PostgreSQL
                         (several instances may share one PostgreSQL database)
  --origin URL           origin login signatures must be bound to                     env BA_ORIGIN
                         (default ${DEFAULT_ORIGIN})
  --ca-certificates FILE PEM CA certificates to trust: the roots and the issuing      env BA_CA_CERTIFICATES
                         (intermediate) CAs, one list; a file may hold several;
                         repeatable (env list separated by '${path.delimiter}'). A login needs
                         a chain through these to a self-signed root among them.
                         (--trust-anchor and --intermediate are older names for it.)
  --revocation MODE      OCSP/CRL check of every login's certificate:                 env BA_REVOCATION
                         require (default: refuse when no answer can be had),
                         soft-fail (let the login through, with an audit entry),
                         off (no check; development only)
  --seed demo            load the demo kommun and region (and, when ${CARDLAB_PKI_DIR} exists,
                         trust the card lab's test root and intermediate CA)
  --session-idle-minutes N     (default 15)                                           env BA_SESSION_IDLE_MINUTES
  --session-absolute-hours N   (default 8)                                            env BA_SESSION_ABSOLUTE_HOURS
  --log-level LEVEL      pino level (default info)                                    env BA_LOG_LEVEL
  --challenges-per-minute N    per client address and instance (default 60)           env BA_CHALLENGES_PER_MINUTE
  --outbox-interval-ms N       how often the outbox is drained (default 5000)         env BA_OUTBOX_INTERVAL_MS
  --mail-log FILE        append each outgoing mail to FILE as a JSON line instead     env BA_MAIL_LOG
                         of only logging it (no mail server in development)
  --expiry-interval-ms N       how often permissions past their end date are        env BA_EXPIRY_INTERVAL_MS
                               ended (default 60000)
  --expiry-clock-file FILE     tests only: the expiry job's "now" is the ISO time   env BA_EXPIRY_CLOCK_FILE
                               in FILE while it exists (system clock otherwise)
  --help`;

export class ConfigError extends Error {}

function positiveNumber(value: string, name: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new ConfigError(`${name} must be a whole number, got "${value}"`);
  return n;
}

function envList(value: string | undefined): string[] {
  return (value ?? '').split(path.delimiter).filter((s) => s.trim() !== '');
}

/**
 * Reads flags, then environment variables, then defaults. With `--seed demo` and no trust
 * configuration, the card lab's test PKI is trusted when it exists (and only then).
 */
export function parseServerConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServerConfig | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      origin: { type: 'string' },
      'ca-certificates': { type: 'string', multiple: true },
      'trust-anchor': { type: 'string', multiple: true },
      intermediate: { type: 'string', multiple: true },
      seed: { type: 'string' },
      revocation: { type: 'string' },
      'session-idle-minutes': { type: 'string' },
      'session-absolute-hours': { type: 'string' },
      'log-level': { type: 'string' },
      'challenges-per-minute': { type: 'string' },
      'outbox-interval-ms': { type: 'string' },
      'mail-log': { type: 'string' },
      'expiry-interval-ms': { type: 'string' },
      'expiry-clock-file': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';

  const seed = values.seed ?? env.BA_SEED;
  if (seed !== undefined && seed !== 'demo') throw new ConfigError(`--seed knows only "demo", got "${seed}"`);
  const origin = values.origin ?? env.BA_ORIGIN ?? DEFAULT_ORIGIN;
  let parsedOrigin: URL;
  try {
    parsedOrigin = new URL(origin);
  } catch {
    throw new ConfigError(`--origin must be a URL, got "${origin}"`);
  }
  if (parsedOrigin.origin !== origin) {
    throw new ConfigError(
      `--origin must be a bare origin such as ${DEFAULT_ORIGIN} (no path or trailing slash), got "${origin}"`,
    );
  }

  const flagged = [...(values['ca-certificates'] ?? []), ...(values['trust-anchor'] ?? []), ...(values.intermediate ?? [])];
  let caCertificates = flagged.length > 0 ? flagged : envList(env.BA_CA_CERTIFICATES);
  if (seed === 'demo' && caCertificates.length === 0) {
    caCertificates = ['root-ca.pem', 'person-ca.pem']
      .map((file) => path.join(CARDLAB_PKI_DIR, file))
      .filter((file) => existsSync(file));
  }
  for (const file of caCertificates) {
    if (!existsSync(file)) throw new ConfigError(`Certificate file not found: ${file}`);
  }

  const revocation = values.revocation ?? env.BA_REVOCATION ?? 'require';
  if (!(REVOCATION_POLICIES as readonly string[]).includes(revocation)) {
    throw new ConfigError(`--revocation must be one of ${REVOCATION_POLICIES.join(', ')}, got "${revocation}"`);
  }

  return {
    revocation: revocation as RevocationPolicy,
    host: values.host ?? env.BA_HOST ?? DEFAULT_HOST,
    port: positiveNumber(values.port ?? env.BA_PORT ?? String(DEFAULT_PORT), '--port', true),
    db: values.db ?? env.BA_DB ?? DEFAULT_DB,
    origin,
    caCertificates,
    seed: seed === 'demo' ? 'demo' : null,
    logLevel: values['log-level'] ?? env.BA_LOG_LEVEL ?? 'info',
    sessionIdleMinutes: positiveNumber(
      values['session-idle-minutes'] ?? env.BA_SESSION_IDLE_MINUTES ?? '15',
      '--session-idle-minutes',
    ),
    sessionAbsoluteHours: positiveNumber(
      values['session-absolute-hours'] ?? env.BA_SESSION_ABSOLUTE_HOURS ?? '8',
      '--session-absolute-hours',
    ),
    challengesPerMinute: positiveNumber(
      values['challenges-per-minute'] ?? env.BA_CHALLENGES_PER_MINUTE ?? '60',
      '--challenges-per-minute',
    ),
    outboxIntervalMs: positiveNumber(values['outbox-interval-ms'] ?? env.BA_OUTBOX_INTERVAL_MS ?? '5000', '--outbox-interval-ms'),
    mailLog: values['mail-log'] ?? env.BA_MAIL_LOG ?? null,
    expiryIntervalMs: positiveNumber(
      values['expiry-interval-ms'] ?? env.BA_EXPIRY_INTERVAL_MS ?? '60000',
      '--expiry-interval-ms',
    ),
    expiryClockFile: values['expiry-clock-file'] ?? env.BA_EXPIRY_CLOCK_FILE ?? null,
  };
}
