import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { PeriodicJob } from '../core/periodic-job';
import type { OutboxMessage, Storage } from '../storage/storage';

/** Sends one e-mail; the pluggable step behind the outbox (SMTP, an agency mail API, a log). */
export interface MailSender {
  send(message: Pick<OutboxMessage, 'recipient' | 'subject' | 'body'>): Promise<void>;
}

/** Writes the mail to the log instead of sending it: the reference server's default. */
export class LogMailSender implements MailSender {
  constructor(private readonly log: Logger) {}

  /** Logs recipient and subject (the body may carry personal data; it stays in the database). */
  async send(message: Pick<OutboxMessage, 'recipient' | 'subject'>): Promise<void> {
    this.log.info({ to: message.recipient, subject: message.subject }, 'mail (not sent: log sender)');
  }
}

/**
 * Appends each mail (outbox id, recipient, subject, body) as one JSON line to a file: the
 * development stand-in for a mail server, which several instances may share (one append each).
 */
export class FileMailSender implements MailSender {
  constructor(private readonly file: string) {}

  /** One line per mail, written with a single append. */
  async send(message: Pick<OutboxMessage, 'recipient' | 'subject' | 'body'> & { id?: number }): Promise<void> {
    const line = JSON.stringify({ id: message.id, to: message.recipient, subject: message.subject, body: message.body });
    await appendFile(this.file, `${line}\n`);
  }
}

export const OUTBOX_MAX_ATTEMPTS = 5;
/** How long a claim holds a message: longer than any send takes. */
export const OUTBOX_LEASE_MS = 2 * 60_000;
/** Back-off after the n-th failed attempt: 30 s, 1 min, 2 min, 4 min … at most 30 min. */
export function outboxRetryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}
/** The drain timer's pause after a drain that failed (database down or read-only), doubling. */
const MAX_IDLE_AFTER_FAILURE_MS = 5 * 60_000;

/**
 * Drains the outbox: the transaction that changed permissions only queued the mail, so a mail
 * server being down never blocks or rolls back an administrator's change. Safe with several
 * instances on one database: a message is claimed (and its attempt counted) in the database
 * before it is sent, so each claim sends it at most once, and a database that cannot be written
 * sends nothing.
 */
export class OutboxDispatcher {
  private job: PeriodicJob | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly sender: MailSender,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Claims what is due and sends it once; returns how many were sent. Throws when the database fails. */
  async drain(batch = 50): Promise<number> {
    const now = this.clock.now();
    const claimed = await this.storage.claimOutbox({
      limit: batch,
      maxAttempts: OUTBOX_MAX_ATTEMPTS,
      now: now.toISOString(),
      claimedUntil: new Date(now.getTime() + OUTBOX_LEASE_MS).toISOString(),
      claimToken: randomUUID(),
    });
    let sent = 0;
    for (const message of claimed) {
      try {
        await this.sender.send(message);
      } catch (e) {
        const retryAt = new Date(this.clock.now().getTime() + outboxRetryDelayMs(message.attempts)).toISOString();
        await this.storage.markOutboxFailed(message.id, message.claimToken, e instanceof Error ? e.message : String(e), retryAt);
        this.log.warn(
          { outboxId: message.id, attempts: message.attempts, retryAt: message.attempts < OUTBOX_MAX_ATTEMPTS ? retryAt : null },
          message.attempts < OUTBOX_MAX_ATTEMPTS ? 'mail failed; will retry' : 'mail failed; giving up',
        );
        continue;
      }
      if (!(await this.storage.markOutboxSent(message.id, message.claimToken, this.clock.now().toISOString()))) {
        this.log.warn({ outboxId: message.id }, 'mail sent after its claim expired; another dispatcher may send it again');
      }
      sent++;
    }
    return sent;
  }

  /** Drains every `intervalMs` until stop(); after a failed drain waits longer each time. */
  start(intervalMs: number): void {
    this.job ??= new PeriodicJob({
      intervalMs,
      run: () => this.drain(),
      onError: (e, nextTryInMs) => this.log.error({ err: e, nextTryInMs }, 'outbox drain failed'),
      maxBackoffMs: MAX_IDLE_AFTER_FAILURE_MS,
    });
    this.job.start();
  }

  /** Stops the timer and waits for a drain in progress. */
  async stop(): Promise<void> {
    await this.job?.stop();
  }
}
