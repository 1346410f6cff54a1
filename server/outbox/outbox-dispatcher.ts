import type { Logger } from 'pino';
import type { Clock } from '../clock';
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

const MAX_ATTEMPTS = 5;

/**
 * Drains the outbox: the transaction that changed permissions only queued the mail, so a mail
 * server being down never blocks or rolls back an administrator's change.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly sender: MailSender,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Sends what is pending once; returns how many were sent. */
  async drain(batch = 50): Promise<number> {
    let sent = 0;
    for (const message of await this.storage.pendingOutbox(batch, MAX_ATTEMPTS)) {
      try {
        await this.sender.send(message);
        await this.storage.markOutboxSent(message.id, this.clock.now().toISOString());
        sent++;
      } catch (e) {
        await this.storage.markOutboxFailed(message.id, e instanceof Error ? e.message : String(e));
        this.log.warn({ outboxId: message.id }, 'mail failed; will retry');
      }
    }
    return sent;
  }

  /** Drains every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.drain()
        .catch((e: unknown) => {
          this.log.error({ err: e }, 'outbox drain failed');
          return 0;
        })
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a drain in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
