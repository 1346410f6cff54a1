import { readFileSync } from 'node:fs';
import {
  DEFAULT_EXPIRY_WARNING_DAYS,
  type CardSnapshot,
  type PcscState,
  type SlotError,
  type TokenState,
} from '../../common/card/card-state';
import { DEFAULT_IGNORED_READERS, isIgnoredSlot, withIgnoredReaders } from '../../common/card/ignored-readers';
import { readerOfSlot } from '../../common/card/login-readiness';
import type { KnownAtr } from './atr-table';
import { CardError } from './card-errors';
import { cardProcessLogger, type CardProcessLogger } from './card-process-log';
// The watchdog's test hooks are left out of a release build (see test-hooks.ts).
import './test-hooks';
import {
  RECYCLE_EXIT_CODE,
  type FromWorker,
  toWorkerSchema,
  cardWorkerConfigSchema,
  type SignOutcome,
} from './card-worker-protocol';
import { PcscMonitor } from './pcsc-monitor';
import { readCardTries, withCardTries, type CardTries } from './pin-tries-reader';
import { Pkcs11TokenAccess } from './pkcs11-token-access';
import { TrustStore } from './trust-store';

/**
 * The card process: owns PC/SC and the PKCS#11 module, so a hanging or crashing module takes down
 * only this process, never the window. Talks to main over a typed message channel.
 */
export interface WorkerChannel {
  send(message: FromWorker): void;
  onMessage(listener: (message: unknown) => void): void;
}

type Message = ReturnType<typeof toWorkerSchema.parse>;
type Request = Exclude<Message, { type: 'init' }>;
type Config = ReturnType<typeof cardWorkerConfigSchema.parse>;
type PinRequest = Extract<Request, { op: 'change-pin' | 'unblock-pin' }>;
type SignRequest = Extract<Request, { op: 'sign' }>;

const NO_TRIES: CardTries = { pin: null, puk: null };

/** Runs the card process on this channel: answers main's requests and publishes snapshots. */
export function runCardWorker(channel: WorkerChannel): void {
  const worker = new CardWorker(channel);
  channel.onMessage((raw) => worker.receive(raw));
}

/** Runs work one piece at a time, in order (PKCS#11 calls never overlap). */
function serialQueue(): <T>(work: () => Promise<T> | T) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T> | T): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
}

/** The card process's state and its parts: start, read, publish, answer. */
class CardWorker {
  private monitor: PcscMonitor | null = null;
  private tokens: Pkcs11TokenAccess | null = null;
  private pcsc: PcscState = { service: 'unavailable', readers: [] };
  private tokenStates: TokenState[] = [];
  private slotErrors: SlotError[] = [];
  private caCertificates = 0;
  private ignoredReaders: readonly string[] = DEFAULT_IGNORED_READERS;
  private expiryWarningDays = DEFAULT_EXPIRY_WARNING_DAYS;
  private moduleFailureLogged = false;
  private settleTimer: NodeJS.Timeout | null = null;
  private settleMs = 150;
  /**
   * PC/SC lists readers a moment after the context opens: publishing before that would tell main
   * "no reader" (and end a session) every time this process is replaced.
   */
  private ready = false;
  /** Set when the middleware may be wedged: the process exits (to be replaced) once the answer is out. */
  private recycleAfterReply = false;
  private readonly serial = serialQueue();
  private readonly log: CardProcessLogger;

  constructor(private readonly channel: WorkerChannel) {
    this.log = cardProcessLogger((message) => channel.send(message));
  }

  /** One message from main: init, a test hook, or a request. Anything that does not parse is ignored. */
  receive(raw: unknown): void {
    const parsed = toWorkerSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'init') return this.start(cardWorkerConfigSchema.parse(message.config));
    if (__CARD_TEST_HOOKS__ && (message.op === 'test-block' || message.op === 'test-crash')) return this.testHook?.(message);
    switch (message.op) {
      case 'ping':
        // Answered on the event loop, not the PKCS#11 queue: a blocked loop is what the watchdog looks for.
        this.channel.send({ type: 'response', id: message.id, ok: true, value: null });
        return;
      case 'refresh':
        return this.reply(message.id, () => this.serial(() => this.refresh()));
      case 'reread':
        return this.reply(message.id, () => this.serial(() => this.reread()));
      case 'change-pin':
      case 'unblock-pin':
        return this.reply(message.id, () => this.serial(() => this.setPin(message)));
      case 'sign':
        return this.reply(message.id, () => this.serial(() => this.sign(message)));
    }
  }

  /** Loads the ATR table, the CA certificates and the module, and starts watching PC/SC. */
  private start(config: Config): void {
    this.settleMs = config.settleMs;
    this.ignoredReaders = config.ignoredReaders;
    const atrTable = (JSON.parse(readFileSync(config.atrTablePath, 'utf8')) as { cards: KnownAtr[] }).cards;
    const trustStore = TrustStore.fromPemFiles(config.trustAnchorPaths);
    this.caCertificates = trustStore.size;
    this.expiryWarningDays = config.expiryWarningDays;
    this.tokens = new Pkcs11TokenAccess({
      modulePath: config.modulePath,
      trustStore,
      now: () => new Date(),
      expiryWarningDays: config.expiryWarningDays,
    });
    this.tokens.open();
    this.monitor = new PcscMonitor({
      atrTable,
      retryMs: config.pcscRetryMs,
      onChange: (state) => {
        this.pcsc = withIgnoredReaders(state, this.ignoredReaders);
        this.publish();
        this.refreshSoon();
      },
    });
    this.monitor.start();
    setTimeout(() => {
      this.ready = true;
      void this.serial(async () => {
        await this.readAll();
        this.publish();
      });
    }, config.startupSettleMs);
  }

  /**
   * The watchdog's test hooks (not in a release build; see test-hooks.ts). A property, not a method:
   * esbuild drops `false ? … : undefined`, but never an unused class method.
   */
  private readonly testHook = __CARD_TEST_HOOKS__
    ? (message: Extract<Request, { op: 'test-block' | 'test-crash' }>): void => {
        if (process.env.BEHORIGHETSADMIN_TEST_HOOKS !== '1') {
          return this.reply(message.id, async () => {
            throw new CardError('internal', { reason: 'test-hooks-disabled' });
          });
        }
        if (message.op === 'test-crash') process.exit(70);
        const ms = message.ms;
        this.reply(message.id, async () => {
          const until = Date.now() + ms;
          while (Date.now() < until) {
            // Busy-wait on purpose: simulates a PKCS#11 call that never returns.
          }
          return null;
        });
      }
    : undefined;

  private snapshot(): CardSnapshot {
    return {
      pcsc: this.pcsc,
      module: this.tokens?.state ?? { path: '', status: 'failed', manufacturer: null, description: null, version: null },
      caCertificates: this.caCertificates,
      expiryWarningDays: this.expiryWarningDays,
      tokens: this.tokenStates,
      slotErrors: this.slotErrors,
      process: 'running',
      updatedAt: new Date().toISOString(),
    };
  }

  private publish(): void {
    if (this.ready) this.channel.send({ type: 'snapshot', snapshot: this.snapshot() });
  }

  /** Reads every slot through PKCS#11; a module that will not load is logged once, with its CKR code. */
  private readTokens(): void {
    const tokens = this.tokens;
    if (!tokens) return;
    // open() is a no-op while the module is loaded, and loads it again after a re-read closed it.
    const module = tokens.open();
    if (module.status !== 'loaded') {
      this.tokenStates = [];
      this.slotErrors = [];
      if (!this.moduleFailureLogged) {
        this.log.warn('pkcs11-module-unavailable', 'The PKCS#11 module could not be loaded', {
          status: module.status,
          path: module.path,
          ...tokens.openFailure,
        });
      }
      this.moduleFailureLogged = true;
      return;
    }
    this.moduleFailureLogged = false;
    try {
      // An ignored reader's card never becomes a token: no login, no PIN, no PC/SC counter read.
      const read = tokens.readSlots((slotDescription) => isIgnoredSlot(this.pcsc, slotDescription, this.ignoredReaders));
      this.tokenStates = read.tokens;
      this.logNewSlotErrors(read.slotErrors);
      this.slotErrors = read.slotErrors;
    } catch (error) {
      this.tokenStates = [];
      this.slotErrors = [];
      const mapped = error instanceof CardError ? error : new CardError('internal');
      this.log.warn('card-read-failed', 'Reading the slots failed', { code: mapped.code, ...mapped.details });
    }
  }

  /** Logs a slot when it starts failing, not on every re-read of the same card. */
  private logNewSlotErrors(failures: readonly SlotError[]): void {
    const keyOf = (failed: SlotError) => `${failed.slotId}:${failed.error.code}:${failed.error.details?.ckr ?? ''}`;
    const known = new Set(this.slotErrors.map(keyOf));
    for (const failed of failures) {
      if (known.has(keyOf(failed))) continue;
      this.log.warn('card-slot-read-failed', 'A slot could not be read', {
        slot: failed.slotDescription,
        code: failed.error.code,
        ...failed.error.details,
      });
    }
  }

  /** The card's own PIN/PUK counters for a slot, over PC/SC (nulls when the card does not say). */
  private async triesOf(slotDescription: string): Promise<CardTries> {
    // The PC/SC reader a token's slot stands for (OpenSC names the slot after the reader), if a card is in it.
    const reader = readerOfSlot(
      this.pcsc.readers.filter((candidate) => candidate.cardPresent),
      slotDescription,
    );
    return reader ? readCardTries(reader.name) : NO_TRIES;
  }

  /** Adds the card's own counters to every token's PIN state. Runs on the PKCS#11 queue. */
  private async readTries(): Promise<void> {
    const read: TokenState[] = [];
    for (const token of this.tokenStates) {
      read.push({ ...token, pin: withCardTries(token.pin, await this.triesOf(token.slotDescription)) });
    }
    this.tokenStates = read;
  }

  /** readTokens, then the counters: what every refresh does. */
  private async readAll(): Promise<void> {
    this.readTokens();
    await this.readTries();
  }

  /** Reads everything again once PC/SC has settled (a burst of reader events makes one read). */
  private refreshSoon(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      void this.serial(async () => {
        await this.readAll();
        this.publish();
      });
    }, this.settleMs);
  }

  /** Answers request `id` with the work's value or its CardError; exits afterwards when the middleware may be wedged. */
  private reply(id: number, work: () => Promise<unknown>): void {
    work()
      .then(
        (value) => this.channel.send({ type: 'response', id, ok: true, value }),
        (error: unknown) => {
          const mapped = error instanceof CardError ? error : new CardError('internal');
          this.channel.send({ type: 'response', id, ok: false, error: { code: mapped.code, details: mapped.details } });
        },
      )
      .finally(() => {
        if (this.recycleAfterReply) setTimeout(() => process.exit(RECYCLE_EXIT_CODE), 20);
      });
  }

  /** Resolves true once PC/SC reports the reader behind a slot empty (or gone), within the limit. */
  private readerEmptied(slotDescription: string, withinMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const started = Date.now();
      const poll = () => {
        const reader = readerOfSlot(this.pcsc.readers, slotDescription);
        if (!reader || !reader.cardPresent) return resolve(true);
        if (Date.now() - started >= withinMs) return resolve(false);
        setTimeout(poll, 25);
      };
      poll();
    });
  }

  private async refresh(): Promise<CardSnapshot> {
    await this.readAll();
    this.publish();
    return this.snapshot();
  }

  /** "Läs in kortet på nytt": close sessions, finalise, reload the module, new PC/SC context. */
  private async reread(): Promise<CardSnapshot> {
    this.tokens?.close();
    this.monitor?.restart();
    this.readTokens();
    if (this.monitor) this.pcsc = withIgnoredReaders(this.monitor.state, this.ignoredReaders);
    await this.readTries();
    this.publish();
    return this.snapshot();
  }

  /** "Byt PIN-kod" and "Lås upp PIN-kod med PUK"; a refusal carries the card's own counters. */
  private async setPin(message: PinRequest): Promise<null> {
    const tokens = this.tokens;
    if (!tokens) throw new CardError('pkcs11-module-failed');
    const { op } = message;
    const slot = this.tokenStates.find((token) => token.slotId === message.params.slotId);
    try {
      if (message.op === 'change-pin') tokens.changePin(message.params);
      else tokens.unblockPin(message.params);
      this.log.info(op === 'change-pin' ? 'pin-changed' : 'pin-unblocked', 'The PIN was set on the card');
      return null;
    } catch (error) {
      const mapped = error instanceof CardError ? error : new CardError('pkcs11-failed');
      this.log.warn(`${op}-failed`, 'The PIN could not be set', { code: mapped.code, ...mapped.details });
      const tries = slot ? await this.triesOf(slot.slotDescription) : NO_TRIES;
      if (op === 'change-pin' && mapped.code === 'pin-incorrect' && tries.pin !== null) {
        throw new CardError(tries.pin === 0 ? 'pin-locked' : 'pin-incorrect', {
          ...mapped.details,
          triesLeft: String(tries.pin),
        });
      }
      if (op === 'unblock-pin') {
        // The card's PUK counter tells a blocked PUK from a middleware that refuses the unblock.
        if (tries.puk === 0) throw new CardError('puk-locked', { ...mapped.details, pukTriesLeft: '0' });
        if (mapped.code === 'puk-incorrect' && tries.puk !== null) {
          throw new CardError('puk-incorrect', { ...mapped.details, pukTriesLeft: String(tries.puk) });
        }
      }
      throw mapped;
    } finally {
      // The PIN state changed (or a try was spent): read it again soon.
      this.refreshSoon();
    }
  }

  /** Signs with the PIN; a card pulled mid-signature answers card-removed and this process is replaced. */
  private async sign({ params }: SignRequest): Promise<SignOutcome> {
    const tokens = this.tokens;
    if (!tokens) throw new CardError('pkcs11-module-failed');
    const slot = this.tokenStates.find((token) => token.slotId === params.slotId);
    let failed = false;
    try {
      const result = await tokens.sign({
        slotId: params.slotId,
        certificateSha256: params.certificateSha256,
        data: Buffer.from(params.dataBase64, 'base64'),
        pin: params.pin,
      });
      await this.afterGoodPin(params.slotId, slot?.slotDescription);
      return {
        algorithm: result.algorithm,
        signatureBase64: Buffer.from(result.signature).toString('base64'),
        certificateBase64: Buffer.from(result.certificateDer).toString('base64'),
      };
    } catch (error) {
      failed = true;
      throw await this.signFailure(error, slot?.slotDescription);
    } finally {
      // A wrong PIN changes the PIN state: read it again soon, off this call's path.
      if (!this.recycleAfterReply && failed) this.refreshSoon();
    }
  }

  /**
   * A good PIN resets the token's PIN flags; no need to read the card through PKCS#11 again (a card
   * pulled during that read is what wedges some middleware): the counters come over PC/SC.
   */
  private async afterGoodPin(slotId: string, slotDescription: string | undefined): Promise<void> {
    const tries = slotDescription ? await this.triesOf(slotDescription) : NO_TRIES;
    this.tokenStates = this.tokenStates.map((token) =>
      token.slotId === slotId
        ? {
            ...token,
            pin: withCardTries({ ...token.pin, countLow: false, finalTry: false, locked: false, triesLeft: null }, tries),
          }
        : token,
    );
    this.publish();
  }

  /** What a failed signature answers: the card's own tries left for a wrong PIN; card-removed for a card pulled. */
  private async signFailure(error: unknown, slotDescription: string | undefined): Promise<CardError> {
    const mapped = error instanceof CardError ? error : new CardError('pkcs11-failed');
    if (mapped.code === 'pin-incorrect' && slotDescription) {
      // The card's own counter, where it gives one, is the exact number of tries left.
      const tries = await this.triesOf(slotDescription);
      if (tries.pin === 0) return new CardError('pin-locked', { ...mapped.details, triesLeft: '0' });
      if (tries.pin !== null) return new CardError('pin-incorrect', { ...mapped.details, triesLeft: String(tries.pin) });
    }
    if (mapped.code !== 'pkcs11-failed' && mapped.code !== 'card-removed') return mapped;
    // A card pulled mid-signature can leave the middleware wedged (OpenSC 0.23 keeps its lock), so this
    // process is replaced once the answer is out. The reader says whether the card is gone; the
    // middleware's own code is often just CKR_GENERAL_ERROR.
    this.recycleAfterReply = true;
    const gone = slotDescription ? await this.readerEmptied(slotDescription, 1000) : false;
    return gone ? new CardError('card-removed', mapped.details) : mapped;
  }
}
