import type { Logger } from 'pino';
// The watchdog's test hooks are left out of a release build (see test-hooks.ts).
import '../card-process/test-hooks';
import type { CardSnapshot } from '../../common/card/card-state';
import { fail, ok, type AppErrorCode, type Result } from '../../common/errors/error-codes';
import {
  RECYCLE_EXIT_CODE,
  fromWorkerSchema,
  type CardWorkerConfig,
  type SignOutcome,
  type ToWorker,
} from '../card-process/card-worker-protocol';

/** A running card process, however it was started (utilityProcess in Electron, fork under Node). */
export interface WorkerHandle {
  send(message: ToWorker): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type WorkerLauncher = () => WorkerHandle;

export interface SupervisorOptions {
  launch: WorkerLauncher;
  config: CardWorkerConfig;
  logger: Logger;
  /** Limit for reading the card; a PKCS#11 call past it counts as hung. */
  readTimeoutMs?: number;
  /** Limit for PIN entry and signature on the card. */
  signTimeoutMs?: number;
  restartDelayMs?: number;
  /** How often the card process must show a live event loop, and how long it may take to answer. */
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  /**
   * How long a new card process may take to answer its first message. Start-up (loading the addons,
   * a cold disk, an antivirus scan) can take longer than a heartbeat, and must not count as a hang.
   */
  startTimeoutMs?: number;
}

export interface SignInput {
  slotId: string;
  certificateSha256: string;
  data: Uint8Array;
  pin: string;
}

const RESERVED_LOG_KEYS = new Set(['component', 'event', 'level', 'time', 'msg', 'pid', 'hostname', 'err']);

type Pending = { resolve: (result: Result<unknown>) => void; timer: NodeJS.Timeout };

const EMPTY_SNAPSHOT = (path: string): CardSnapshot => ({
  pcsc: { service: 'unavailable', readers: [] },
  module: { path, status: 'failed', manufacturer: null, description: null, version: null },
  caCertificates: 0,
  tokens: [],
  process: 'restarting',
  updatedAt: new Date(0).toISOString(),
});

/**
 * Main's side of the card process: starts it, forwards requests with a time limit, and restarts it
 * when it crashes or hangs (the window never waits on a stuck module). Implements the CardService.
 */
export class CardProcessSupervisor {
  private worker: WorkerHandle | null = null;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(snapshot: CardSnapshot) => void>();
  private latest: CardSnapshot;
  private nextId = 1;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Consecutive exits without a snapshot in between: restarts back off so a crash loop stays cheap. */
  private crashStreak = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  /** Whether the current process has answered once: the heartbeat limit applies only after that. */
  private workerAnswered = false;
  private readonly log: Logger;
  /** The card process's own log lines (it has no logger; main writes them). */
  private readonly workerLog: Logger;

  constructor(private readonly options: SupervisorOptions) {
    this.latest = EMPTY_SNAPSHOT(options.config.modulePath);
    this.log = options.logger.child({ component: 'card-supervisor' });
    this.workerLog = options.logger.child({ component: 'card-process' });
  }

  /** Starts the card process. */
  start(): void {
    this.stopped = false;
    this.spawn();
    // A PKCS#11 call that blocks the card process's event loop is noticed even when nobody asks.
    this.heartbeat = setInterval(() => {
      if (this.worker && this.workerAnswered) void this.request({ op: 'ping' }, this.options.heartbeatTimeoutMs ?? 5_000);
    }, this.options.heartbeatIntervalMs ?? 1_500);
    this.heartbeat.unref();
  }

  /** Stops the card process for good (program exit). */
  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.terminate('card-process-crashed');
    this.setProcessState('stopped');
  }

  /** The latest state the card process reported. */
  snapshot(): CardSnapshot {
    return this.latest;
  }

  /** Subscribes to every new snapshot; returns the unsubscribe function. */
  onSnapshot(listener: (snapshot: CardSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first snapshot that satisfies the predicate (or null after the timeout). */
  waitFor(predicate: (snapshot: CardSnapshot) => boolean, timeoutMs: number): Promise<CardSnapshot | null> {
    if (predicate(this.latest)) return Promise.resolve(this.latest);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(null);
      }, timeoutMs);
      const off = this.onSnapshot((snapshot) => {
        if (!predicate(snapshot)) return;
        clearTimeout(timer);
        off();
        resolve(snapshot);
      });
    });
  }

  /** Reads readers, tokens and certificates again without restarting anything. */
  refresh(): Promise<Result<CardSnapshot>> {
    return this.request({ op: 'refresh' }, this.options.readTimeoutMs ?? 15_000) as Promise<Result<CardSnapshot>>;
  }

  /** "Läs in kortet på nytt": finalise and reload the PKCS#11 module, new PC/SC context, read all. */
  reread(): Promise<Result<CardSnapshot>> {
    return this.request({ op: 'reread' }, this.options.readTimeoutMs ?? 15_000) as Promise<Result<CardSnapshot>>;
  }

  /** Restarts the card process itself (the support action for a stuck middleware). */
  async restartProcess(): Promise<Result<CardSnapshot>> {
    this.terminate('card-process-crashed');
    this.spawn();
    const fresh = await this.waitFor((snapshot) => snapshot.process === 'running', this.options.readTimeoutMs ?? 15_000);
    return fresh ? ok(fresh) : fail('card-process-hung');
  }

  /** Signs with the card's authentication key. The PIN goes to the card process once and nowhere else. */
  sign(input: SignInput): Promise<Result<SignOutcome>> {
    return this.request(
      {
        op: 'sign',
        params: {
          slotId: input.slotId,
          certificateSha256: input.certificateSha256,
          dataBase64: Buffer.from(input.data).toString('base64'),
          pin: input.pin,
        },
      },
      this.options.signTimeoutMs ?? 30_000,
    ) as Promise<Result<SignOutcome>>;
  }

  /** "Byt PIN-kod" on the card in a slot: both PINs go to the card process once and nowhere else. */
  changePin(input: { slotId: string; certificateSha256: string; oldPin: string; newPin: string }): Promise<Result<unknown>> {
    return this.request({ op: 'change-pin', params: { ...input } }, this.options.signTimeoutMs ?? 30_000);
  }

  /** "Lås upp PIN-kod med PUK" on the card in a slot: the PUK and the new PIN go to the card process only. */
  unblockPin(input: { slotId: string; certificateSha256: string; puk: string; newPin: string }): Promise<Result<unknown>> {
    return this.request({ op: 'unblock-pin', params: { ...input } }, this.options.signTimeoutMs ?? 30_000);
  }

  /** Test hook for the watchdog: asks the card process to block for `ms` (test mode only). */
  blockForTest(ms: number, timeoutMs: number): Promise<Result<unknown>> {
    if (!__CARD_TEST_HOOKS__) return Promise.resolve(fail('internal'));
    return this.request({ op: 'test-block', ms }, timeoutMs);
  }

  /** Test hook for the watchdog: asks the card process to exit as a crashing module would (test mode only). */
  crashForTest(timeoutMs: number): Promise<Result<unknown>> {
    if (!__CARD_TEST_HOOKS__) return Promise.resolve(fail('internal'));
    return this.request({ op: 'test-crash' }, timeoutMs);
  }

  private request(
    body: DistributiveOmit<Extract<ToWorker, { type: 'request' }>, 'type' | 'id'>,
    timeoutMs: number,
  ): Promise<Result<unknown>> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(fail('card-process-crashed'));
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.log.error(
          { event: 'card-process-hung', op: body.op, timeoutMs },
          'Card process did not answer in time; restarting it',
        );
        resolve(fail('card-process-hung'));
        this.terminate('card-process-hung');
        // The first hang restarts at once; a module that hangs every time backs off.
        this.scheduleRestart(this.backoff(true));
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      worker.send({ type: 'request', id, ...body } as ToWorker);
    });
  }

  private spawn(): void {
    if (this.stopped || this.worker) return;
    const worker = this.options.launch();
    this.worker = worker;
    this.workerAnswered = false;
    worker.onMessage((raw) => {
      if (this.worker !== worker) return;
      this.workerAnswered = true;
      const parsed = fromWorkerSchema.safeParse(raw);
      if (!parsed.success) {
        this.log.warn({ event: 'card-process-bad-message' }, 'Ignored a malformed message from the card process');
        return;
      }
      const message = parsed.data;
      if (message.type === 'log') {
        // Fields may not overwrite pino's own keys or the component binding.
        const fields = Object.fromEntries(Object.entries(message.fields).filter(([key]) => !RESERVED_LOG_KEYS.has(key)));
        this.workerLog[message.level]({ ...fields, event: message.event }, message.message);
        return;
      }
      if (message.type === 'snapshot') {
        this.crashStreak = 0;
        this.latest = message.snapshot;
        for (const listener of this.listeners) listener(this.latest);
        return;
      }
      const entry = this.pending.get(message.id);
      if (!entry) return;
      clearTimeout(entry.timer);
      this.pending.delete(message.id);
      entry.resolve(message.ok ? ok(message.value) : { ok: false, error: message.error });
    });
    worker.onExit((code) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failPending('card-process-crashed');
      this.setProcessState('restarting');
      if (code === RECYCLE_EXIT_CODE) {
        this.log.info({ event: 'card-process-recycled' }, 'Card process replaced itself after a middleware failure');
        this.scheduleRestart(0);
        return;
      }
      this.log.error({ event: 'card-process-exited', exitCode: code }, 'Card process exited; restarting it');
      this.scheduleRestart(this.backoff(false));
    });
    worker.send({ type: 'init', config: this.options.config });
    // The first answer has the start-up limit; a process that never answers (a module hanging in
    // C_Initialize) is replaced like any hung one.
    void this.request({ op: 'ping' }, this.options.startTimeoutMs ?? 20_000);
  }

  /** Delay before the next restart: doubles with each failure in a row, up to 30 s. */
  private backoff(firstImmediately: boolean): number {
    this.crashStreak += 1;
    const base = this.options.restartDelayMs ?? 500;
    if (firstImmediately && this.crashStreak === 1) return 0;
    return Math.min(base * 2 ** (this.crashStreak - (firstImmediately ? 2 : 1)), 30_000);
  }

  private scheduleRestart(delayMs: number): void {
    if (this.stopped || this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.spawn();
    }, delayMs);
  }

  private terminate(code: AppErrorCode): void {
    const worker = this.worker;
    this.worker = null;
    this.failPending(code);
    if (worker) {
      worker.kill();
      this.setProcessState('restarting');
    }
  }

  private failPending(code: AppErrorCode): void {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve(fail(code));
      this.pending.delete(id);
    }
  }

  private setProcessState(state: CardSnapshot['process']): void {
    this.latest = { ...this.latest, process: state, updatedAt: new Date().toISOString() };
    for (const listener of this.listeners) listener(this.latest);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
