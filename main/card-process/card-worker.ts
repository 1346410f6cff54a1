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
// The watchdog's test hooks are left out of a release build (see test-hooks.ts).
import './test-hooks';
import {
  RECYCLE_EXIT_CODE,
  type FromWorker,
  toWorkerSchema,
  cardWorkerConfigSchema,
  type SignOutcome,
  type WorkerLog,
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

export function runCardWorker(channel: WorkerChannel): void {
  let monitor: PcscMonitor | null = null;
  let tokens: Pkcs11TokenAccess | null = null;
  let pcsc: PcscState = { service: 'unavailable', readers: [] };
  let tokenStates: TokenState[] = [];
  let slotErrors: SlotError[] = [];
  let caCertificates = 0;
  let ignoredReaders: readonly string[] = DEFAULT_IGNORED_READERS;
  let expiryWarningDays = DEFAULT_EXPIRY_WARNING_DAYS;
  let moduleFailureLogged = false;
  let settleTimer: NodeJS.Timeout | null = null;
  let settleMs = 150;
  // PKCS#11 work runs one operation at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T> | T): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const snapshot = (): CardSnapshot => ({
    pcsc,
    module: tokens?.state ?? { path: '', status: 'failed', manufacturer: null, description: null, version: null },
    caCertificates,
    expiryWarningDays,
    tokens: tokenStates,
    slotErrors,
    process: 'running',
    updatedAt: new Date().toISOString(),
  });
  // PC/SC lists readers a moment after the context opens: publishing before that would tell main
  // "no reader" (and end a session) every time this process is replaced.
  let ready = false;
  const publish = () => {
    if (ready) channel.send({ type: 'snapshot', snapshot: snapshot() });
  };

  /** A line for main's log: codes and safe details only, never a PIN. */
  const log = (level: WorkerLog['level'], event: string, message: string, fields: WorkerLog['fields'] = {}) => {
    channel.send({ type: 'log', level, event, message, fields });
  };

  const readTokens = () => {
    if (!tokens) return;
    // open() is a no-op while the module is loaded, and loads it again after a re-read closed it.
    const module = tokens.open();
    if (module.status !== 'loaded') {
      tokenStates = [];
      slotErrors = [];
      if (!moduleFailureLogged) {
        log('warn', 'pkcs11-module-unavailable', 'The PKCS#11 module could not be loaded', {
          status: module.status,
          path: module.path,
          ...tokens.openFailure,
        });
      }
      moduleFailureLogged = true;
      return;
    }
    moduleFailureLogged = false;
    try {
      // An ignored reader's card never becomes a token: no login, no PIN, no PC/SC counter read.
      const read = tokens.readSlots((slotDescription) => isIgnoredSlot(pcsc, slotDescription, ignoredReaders));
      tokenStates = read.tokens;
      for (const failed of read.slotErrors) {
        // Logged when a slot starts failing, not on every re-read of the same card.
        const key = `${failed.slotId}:${failed.error.code}:${failed.error.details?.ckr ?? ''}`;
        if (
          !slotErrors.some((previous) => `${previous.slotId}:${previous.error.code}:${previous.error.details?.ckr ?? ''}` === key)
        ) {
          log('warn', 'card-slot-read-failed', 'A slot could not be read', {
            slot: failed.slotDescription,
            code: failed.error.code,
            ...failed.error.details,
          });
        }
      }
      slotErrors = read.slotErrors;
    } catch (error) {
      tokenStates = [];
      slotErrors = [];
      const mapped = error instanceof CardError ? error : new CardError('internal');
      log('warn', 'card-read-failed', 'Reading the slots failed', { code: mapped.code, ...mapped.details });
    }
  };

  /** The PC/SC reader a token's slot stands for (OpenSC names the slot after the reader), if a card is in it. */
  const readerOf = (slotDescription: string) =>
    readerOfSlot(
      pcsc.readers.filter((reader) => reader.cardPresent),
      slotDescription,
    );

  /** The card's own PIN/PUK counters for a slot, over PC/SC (nulls when the card does not say). */
  const triesOf = async (slotDescription: string): Promise<CardTries> => {
    const reader = readerOf(slotDescription);
    return reader ? readCardTries(reader.name) : { pin: null, puk: null };
  };

  /** Adds the card's own counters to every token's PIN state. Runs on the PKCS#11 queue. */
  const readTries = async () => {
    const read: TokenState[] = [];
    for (const token of tokenStates) {
      read.push({ ...token, pin: withCardTries(token.pin, await triesOf(token.slotDescription)) });
    }
    tokenStates = read;
  };

  /** readTokens, then the counters: what every refresh does. */
  const readAll = async () => {
    readTokens();
    await readTries();
  };

  const refreshSoon = () => {
    if (settleTimer) clearTimeout(settleTimer);
    settleTimer = setTimeout(() => {
      settleTimer = null;
      void serial(async () => {
        await readAll();
        publish();
      });
    }, settleMs);
  };

  let recycleAfterReply = false;
  const reply = (id: number, work: () => Promise<unknown>) => {
    work()
      .then(
        (value) => channel.send({ type: 'response', id, ok: true, value }),
        (error: unknown) => {
          const mapped = error instanceof CardError ? error : new CardError('internal');
          channel.send({ type: 'response', id, ok: false, error: { code: mapped.code, details: mapped.details } });
        },
      )
      .finally(() => {
        if (recycleAfterReply) setTimeout(() => process.exit(RECYCLE_EXIT_CODE), 20);
      });
  };

  /** Resolves true once PC/SC reports the reader behind a slot empty (or gone), within the limit. */
  const readerEmptied = (slotDescription: string, withinMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const started = Date.now();
      const poll = () => {
        const reader = readerOfSlot(pcsc.readers, slotDescription);
        if (!reader || !reader.cardPresent) return resolve(true);
        if (Date.now() - started >= withinMs) return resolve(false);
        setTimeout(poll, 25);
      };
      poll();
    });

  channel.onMessage((raw) => {
    const parsed = toWorkerSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'init') {
      const config = cardWorkerConfigSchema.parse(message.config);
      settleMs = config.settleMs;
      ignoredReaders = config.ignoredReaders;
      const atrTable = (JSON.parse(readFileSync(config.atrTablePath, 'utf8')) as { cards: KnownAtr[] }).cards;
      const trustStore = TrustStore.fromPemFiles(config.trustAnchorPaths);
      caCertificates = trustStore.size;
      expiryWarningDays = config.expiryWarningDays;
      tokens = new Pkcs11TokenAccess({
        modulePath: config.modulePath,
        trustStore,
        now: () => new Date(),
        expiryWarningDays: config.expiryWarningDays,
      });
      tokens.open();
      monitor = new PcscMonitor({
        atrTable,
        retryMs: config.pcscRetryMs,
        onChange: (state) => {
          pcsc = withIgnoredReaders(state, ignoredReaders);
          publish();
          refreshSoon();
        },
      });
      monitor.start();
      setTimeout(() => {
        ready = true;
        void serial(async () => {
          await readAll();
          publish();
        });
      }, config.startupSettleMs);
      return;
    }
    if (__CARD_TEST_HOOKS__ && (message.op === 'test-block' || message.op === 'test-crash')) {
      // The watchdog's test hooks (not in a release build; see test-hooks.ts).
      if (process.env.BEHORIGHETSADMIN_TEST_HOOKS !== '1') {
        reply(message.id, async () => {
          throw new CardError('internal', { reason: 'test-hooks-disabled' });
        });
        return;
      }
      if (message.op === 'test-crash') process.exit(70);
      const ms = message.ms;
      reply(message.id, async () => {
        const until = Date.now() + ms;
        while (Date.now() < until) {
          // Busy-wait on purpose: simulates a PKCS#11 call that never returns.
        }
        return null;
      });
      return;
    }
    switch (message.op) {
      case 'ping':
        // Answered on the event loop, not the PKCS#11 queue: a blocked loop is what the watchdog looks for.
        channel.send({ type: 'response', id: message.id, ok: true, value: null });
        return;
      case 'refresh':
        reply(message.id, () =>
          serial(async () => {
            await readAll();
            publish();
            return snapshot();
          }),
        );
        return;
      case 'reread':
        // "Läs in kortet på nytt": close sessions, finalise, reload the module, new PC/SC context.
        reply(message.id, () =>
          serial(async () => {
            tokens?.close();
            monitor?.restart();
            readTokens();
            if (monitor) pcsc = withIgnoredReaders(monitor.state, ignoredReaders);
            await readTries();
            publish();
            return snapshot();
          }),
        );
        return;
      case 'change-pin':
      case 'unblock-pin': {
        const { op } = message;
        reply(message.id, () =>
          serial(async () => {
            if (!tokens) throw new CardError('pkcs11-module-failed');
            const slot = tokenStates.find((token) => token.slotId === message.params.slotId);
            try {
              if (message.op === 'change-pin') tokens.changePin(message.params);
              else tokens.unblockPin(message.params);
              log('info', op === 'change-pin' ? 'pin-changed' : 'pin-unblocked', 'The PIN was set on the card');
              return null;
            } catch (error) {
              const mapped = error instanceof CardError ? error : new CardError('pkcs11-failed');
              log('warn', `${op}-failed`, 'The PIN could not be set', { code: mapped.code, ...mapped.details });
              const tries = slot ? await triesOf(slot.slotDescription) : { pin: null, puk: null };
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
              refreshSoon();
            }
          }),
        );
        return;
      }
      case 'sign':
        reply(message.id, () =>
          serial(async (): Promise<SignOutcome> => {
            if (!tokens) throw new CardError('pkcs11-module-failed');
            const { params } = message;
            const slot = tokenStates.find((token) => token.slotId === params.slotId);
            let failed = false;
            try {
              const result = await tokens.sign({
                slotId: params.slotId,
                certificateSha256: params.certificateSha256,
                data: Buffer.from(params.dataBase64, 'base64'),
                pin: params.pin,
              });
              // A good PIN resets the token's PIN flags; no need to read the card through PKCS#11 again
              // (a card pulled during that read is what wedges some middleware): the counters come
              // over PC/SC.
              const tries = slot ? await triesOf(slot.slotDescription) : { pin: null, puk: null };
              tokenStates = tokenStates.map((token) =>
                token.slotId === params.slotId
                  ? {
                      ...token,
                      pin: withCardTries(
                        { ...token.pin, countLow: false, finalTry: false, locked: false, triesLeft: null },
                        tries,
                      ),
                    }
                  : token,
              );
              publish();
              return {
                algorithm: result.algorithm,
                signatureBase64: Buffer.from(result.signature).toString('base64'),
                certificateBase64: Buffer.from(result.certificateDer).toString('base64'),
              };
            } catch (error) {
              failed = true;
              const mapped = error instanceof CardError ? error : new CardError('pkcs11-failed');
              if (mapped.code === 'pin-incorrect' && slot) {
                // The card's own counter, where it gives one, is the exact number of tries left.
                const tries = await triesOf(slot.slotDescription);
                if (tries.pin === 0) throw new CardError('pin-locked', { ...mapped.details, triesLeft: '0' });
                if (tries.pin !== null) throw new CardError('pin-incorrect', { ...mapped.details, triesLeft: String(tries.pin) });
              }
              if (mapped.code !== 'pkcs11-failed' && mapped.code !== 'card-removed') throw mapped;
              // A card pulled mid-signature can leave the middleware wedged (OpenSC 0.23 keeps its
              // lock), so this process is replaced once the answer is out. The reader says whether
              // the card is gone; the middleware's own code is often just CKR_GENERAL_ERROR.
              recycleAfterReply = true;
              const gone = slot ? await readerEmptied(slot.slotDescription, 1000) : false;
              throw gone ? new CardError('card-removed', mapped.details) : mapped;
            } finally {
              // A wrong PIN changes the PIN state: read it again soon, off this call's path.
              if (!recycleAfterReply && failed) refreshSoon();
            }
          }),
        );
        return;
    }
  });
}
