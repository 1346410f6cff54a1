import { Context, type ReaderState as PcscReaderState } from 'smartcard';
import type { PcscState, ReaderState } from '../../common/card/card-state';
import { atrToHex, recogniseAtr, type KnownAtr } from './atr-table';
import { fromPcscError } from './card-errors';

const SCARD_STATE_CHANGED = 0x2;
const SCARD_STATE_UNKNOWN = 0x4;
const SCARD_STATE_PRESENT = 0x20;
const SCARD_STATE_MUTE = 0x200;
/** How long one SCardGetStatusChange waits before it is asked again. */
const WAIT_MS = 1000;
/** PC/SC's pseudo-reader whose state changes when a reader is attached or detached. */
const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';

/** The part of the `smartcard` (Node-API) PC/SC context the monitor uses. */
export interface PcscContext {
  listReaders(): { name: string }[];
  /** Resolves with every reader's state once one differs from `state` given (null when cancelled). */
  waitForChange(readers: PcscReaderState[], timeout?: number): Promise<PcscReaderState[] | null>;
  cancel(): void;
  close(): void;
}

export interface PcscMonitorOptions {
  atrTable: readonly KnownAtr[];
  onChange: (state: PcscState) => void;
  /** How long to wait before re-creating the PC/SC context after the service went away. */
  retryMs?: number;
  createContext?: () => PcscContext;
}

/**
 * Watches readers and cards through PC/SC (SCardGetStatusChange, through the Node-API binding
 * `smartcard`), without ever connecting to a card (an exclusive connection would lock out the
 * PKCS#11 middleware). On any error the context is dropped and re-created until the card service
 * answers again.
 */
export class PcscMonitor {
  private context: PcscContext | null = null;
  /** Each reader's last PC/SC event state (without the changed bit), passed back as its current state. */
  private readonly readers = new Map<string, { pcscState: number; state: ReaderState }>();
  private service: PcscState['service'] = 'unavailable';
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = true;

  constructor(private readonly options: PcscMonitorOptions) {}

  /** Starts watching; safe to call again after stop(). */
  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Stops watching and releases the PC/SC context. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.release();
  }

  /** Drops and re-creates the PC/SC context (part of "Läs in kortet på nytt"). */
  restart(): void {
    this.release();
    if (!this.stopped) this.connect();
  }

  get state(): PcscState {
    return { service: this.service, readers: [...this.readers.values()].map(({ state }) => state) };
  }

  private emit(): void {
    this.options.onChange(this.state);
  }

  private release(): void {
    this.readers.clear();
    const context = this.context;
    this.context = null;
    if (!context) return;
    // The pending wait resolves with null once cancelled; its loop sees the context is no longer ours.
    try {
      context.cancel();
    } catch {
      // Already invalid.
    }
    try {
      context.close();
    } catch {
      // Already closed.
    }
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.options.retryMs ?? 1000);
  }

  private fail(error: unknown): void {
    const mapped = fromPcscError(error);
    this.release();
    const changed = this.service !== 'unavailable';
    this.service = mapped.code === 'pcsc-no-service' ? 'unavailable' : 'running';
    if (changed || mapped.code !== 'pcsc-no-service') this.emit();
    this.scheduleRetry();
  }

  private connect(): void {
    if (this.context || this.stopped) return;
    let context: PcscContext;
    try {
      context = (this.options.createContext ?? (() => new Context()))();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.context = context;
    this.service = 'running';
    this.emit();
    this.watch(context).catch((error: unknown) => {
      if (this.context === context) this.fail(error);
    });
  }

  /** Follows the reader list and every reader's state until the context is dropped. */
  private async watch(context: PcscContext): Promise<void> {
    this.syncReaders(context);
    // The PnP pseudo-reader's state carries the reader count in its upper 16 bits.
    let pnpState = this.readers.size << 16;
    while (this.context === context) {
      const names = [...this.readers.keys()];
      // The binding reads `name` and `state` (the current state) of each entry.
      const query: PcscReaderState[] = [...names, PNP_NOTIFICATION].map((name) => ({
        name,
        state: name === PNP_NOTIFICATION ? pnpState : this.readers.get(name)!.pcscState,
        changed: false,
        atr: null,
      }));
      // A bounded wait (an empty answer on timeout): a wait never outlives its context by long, and
      // never holds one of libuv's few pool threads for good.
      const changes = await context.waitForChange(query, WAIT_MS);
      if (changes === null || this.context !== context) return; // cancelled: released or restarted
      let readerListChanged = false;
      for (const change of changes) {
        if (!change.changed) continue;
        if (change.name === PNP_NOTIFICATION) {
          pnpState = change.state & ~SCARD_STATE_CHANGED;
          readerListChanged = true;
        } else if (change.state & SCARD_STATE_UNKNOWN) {
          readerListChanged = true;
        } else {
          this.updateReader(change);
        }
      }
      if (readerListChanged) {
        this.syncReaders(context);
        pnpState = (pnpState & 0xffff) | (this.readers.size << 16);
      }
    }
  }

  /** Adds the readers PC/SC lists now and drops those it no longer lists. */
  private syncReaders(context: PcscContext): void {
    const listed = new Set(context.listReaders().map((reader) => reader.name));
    let changed = false;
    for (const name of [...this.readers.keys()]) {
      if (!listed.has(name)) {
        this.readers.delete(name);
        changed = true;
      }
    }
    for (const name of listed) {
      if (this.readers.has(name)) continue;
      const state: ReaderState = { name, cardPresent: false, atr: null, cardKind: null, cardLabel: null, eventCount: 0 };
      // SCARD_STATE_UNAWARE (0): the first wait answers at once with the reader's state.
      this.readers.set(name, { pcscState: 0, state });
      changed = true;
    }
    if (changed) this.emit();
  }

  private updateReader(change: PcscReaderState): void {
    const entry = this.readers.get(change.name);
    if (!entry) return;
    entry.pcscState = change.state & ~SCARD_STATE_CHANGED;
    const present = (change.state & SCARD_STATE_PRESENT) !== 0 && (change.state & SCARD_STATE_MUTE) === 0;
    const atr = present && change.atr && change.atr.length > 0 ? atrToHex(change.atr) : null;
    const match = atr ? recogniseAtr(atr, this.options.atrTable) : null;
    const next: ReaderState = {
      name: change.name,
      cardPresent: present,
      atr,
      cardKind: match?.kind ?? null,
      cardLabel: match?.label ?? null,
      // pcsc-lite keeps a per-reader event counter in the upper 16 bits of the event state.
      eventCount: (change.state >>> 16) & 0xffff,
    };
    const previous = entry.state;
    entry.state = next;
    if (previous.cardPresent !== next.cardPresent || previous.atr !== next.atr || previous.eventCount !== next.eventCount) {
      this.emit();
    }
  }
}
