import pino, { type Logger } from 'pino';
import { buildApp } from './app';
import { TrustStore } from './auth/trust-store';
import { FileClock, systemClock } from './core/clock';
import type { ServerConfig } from './config';
import { FileMailSender, LogMailSender, OutboxDispatcher } from './outbox/outbox-dispatcher';
import { seedDemo } from './seed/demo-seed';
import { PermissionExpiry } from './services/permission-expiry';
import { openStorage } from './storage/open-storage';

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, finishes requests in flight, drains timers, closes the database. */
  close(): Promise<void>;
}

/** Opens storage, seeds if asked, and listens; what `npm run server` runs. */
export async function startServer(config: ServerConfig, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? pino({ level: config.logLevel, base: { service: 'behorighetsadmin-server' } });
  const storage = await openStorage(config.db);
  // Serving logins and lists on a database that cannot take a change would only fail later, write
  // by write: refuse now, saying which database and why.
  try {
    await storage.probeWrite('startup', systemClock.now().toISOString());
  } catch (e) {
    await storage.close();
    throw new Error(`Refusing to start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (config.seed === 'demo') {
    const result = await seedDemo(storage, systemClock);
    log.info(result, result.created ? 'demo data loaded' : 'demo data already present');
  }
  const trust = TrustStore.fromCaFiles(config.caCertificates);
  if (trust.anchors.length === 0)
    log.warn(
      'no self-signed root among the CA certificates (--ca-certificates): every login will fail with certificate-untrusted',
    );
  else log.info(trust.describe(), 'trust configured');

  const app = buildApp({
    storage,
    clock: systemClock,
    trust,
    logger: log,
    auth: {
      origin: config.origin,
      revocation: config.revocation,
      sessionIdleMs: config.sessionIdleMinutes * 60_000,
      sessionAbsoluteMs: config.sessionAbsoluteHours * 60 * 60_000,
    },
    rateLimit: { challengesPerMinute: config.challengesPerMinute },
  });
  const sender = config.mailLog ? new FileMailSender(config.mailLog) : new LogMailSender(log);
  const outbox = new OutboxDispatcher(storage, sender, systemClock, log);
  outbox.start(config.outboxIntervalMs);
  const expiry = new PermissionExpiry(storage, config.expiryClockFile ? new FileClock(config.expiryClockFile) : systemClock, log);
  if (config.expiryClockFile) log.warn({ file: config.expiryClockFile }, 'expiry job reads its clock from a file (tests only)');
  expiry.start(config.expiryIntervalMs);
  const purge = setInterval(() => void app.auth.purge().catch((e: unknown) => log.warn({ err: e }, 'purge failed')), 60_000);
  purge.unref();

  await app.fastify.listen({ host: config.host, port: config.port });
  const address = app.fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  log.info({ url, origin: config.origin, db: storage.options.location }, 'server started');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close: () =>
      (closing ??= (async () => {
        clearInterval(purge);
        await app.fastify.close();
        await outbox.stop();
        await expiry.stop();
        await storage.close();
      })()),
  };
}
