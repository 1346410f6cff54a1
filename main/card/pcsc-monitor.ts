import pcsclite from 'pcsclite';
import type { PcscState, ReaderState } from '../../common/card/card-state';
import { atrToHex, recogniseAtr, type KnownAtr } from './atr-table';
import { fromPcscError } from './card-errors';

const SCARD_STATE_PRESENT = 0x20;
const SCARD_STATE_MUTE = 0x200;

type PcscContext = ReturnType<typeof pcsclite>;
type PcscReader = Parameters<Parameters<PcscContext['on']>[1]>[0] & { close(): void; name: string };

export interface PcscMonitorOptions {
  atrTable: readonly KnownAtr[];
  onChange: (state: PcscState) => void;
  /** How long to wait before re-creating the PC/SC context after the service went away. */
  retryMs?: number;
  createContext?: () => PcscContext;
}

/**
 * Watches readers and cards through PC/SC, without ever connecting to a card (an exclusive
 * connection would lock out the PKCS#11 middleware). pcsclite stops for good after one error, so
 * on any error the context is dropped and re-created until the card service answers again.
 */
export class PcscMonitor {
  private context: PcscContext | null = null;
  private readonly readers = new Map<string, { reader: PcscReader; state: ReaderState }>();
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

  /**
   * Drops the context and its readers. `close` is false when the service went away: pcsclite's
   * close() cancels through pcscd and then joins the status thread on this (the event loop's)
   * thread, which blocks for as long as that thread waits on a daemon that is gone. Those threads
   * end on their own with an error, which the listeners kept here swallow.
   */
  private release(close = true): void {
    for (const { reader } of this.readers.values()) {
      reader.removeAllListeners();
      // Keep a listener: a reader of a vanished service still emits 'error', and an 'error' with no
      // listener would crash the card process (issue 14).
      reader.on('error', () => undefined);
      if (!close) continue;
      try {
        reader.close();
      } catch {
        // Already closed by the service going away.
      }
    }
    this.readers.clear();
    const context = this.context;
    this.context = null;
    if (context) {
      context.removeAllListeners();
      // Keep a listener: a late error from a dropped context must not crash the process.
      context.on('error', () => undefined);
      if (close) {
        try {
          context.close();
        } catch {
          // Already closed.
        }
      }
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
    this.release(mapped.code !== 'pcsc-no-service');
    const changed = this.service !== 'unavailable';
    this.service = mapped.code === 'pcsc-no-service' ? 'unavailable' : 'running';
    if (changed || mapped.code !== 'pcsc-no-service') this.emit();
    this.scheduleRetry();
  }

  private connect(): void {
    if (this.context || this.stopped) return;
    let context: PcscContext;
    try {
      context = (this.options.createContext ?? pcsclite)();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.context = context;
    this.service = 'running';
    this.emit();
    context.on('error', (error: unknown) => this.fail(error));
    context.on('reader', (reader) => this.watchReader(reader as PcscReader));
  }

  private watchReader(reader: PcscReader): void {
    const state: ReaderState = {
      name: reader.name,
      cardPresent: false,
      atr: null,
      cardKind: null,
      cardLabel: null,
      eventCount: 0,
    };
    this.readers.set(reader.name, { reader, state });
    this.emit();
    reader.on('status', (status: { state: number; atr?: Buffer }) => {
      const present = (status.state & SCARD_STATE_PRESENT) !== 0 && (status.state & SCARD_STATE_MUTE) === 0;
      const atr = present && status.atr && status.atr.length > 0 ? atrToHex(status.atr) : null;
      const match = atr ? recogniseAtr(atr, this.options.atrTable) : null;
      const next: ReaderState = {
        name: reader.name,
        cardPresent: present,
        atr,
        cardKind: match?.kind ?? null,
        cardLabel: match?.label ?? null,
        // pcsc-lite keeps a per-reader event counter in the upper 16 bits of the event state.
        eventCount: (status.state >>> 16) & 0xffff,
      };
      const entry = this.readers.get(reader.name);
      if (!entry) return;
      const previous = entry.state;
      entry.state = next;
      if (previous.cardPresent !== next.cardPresent || previous.atr !== next.atr || previous.eventCount !== next.eventCount) {
        this.emit();
      }
    });
    reader.on('end', () => {
      if (this.readers.get(reader.name)?.reader === reader) {
        this.readers.delete(reader.name);
        this.emit();
      }
    });
    reader.on('error', (error: unknown) => this.fail(error));
  }
}
