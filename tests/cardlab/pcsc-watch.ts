/**
 * Watches the lab's readers through PC/SC, so that insert/remove can resolve only once pcscd itself
 * reports the change (vpcd is polled by pcscd, so a socket change shows up after up to ~0.5 s).
 * Uses the Node-API binding `smartcard` directly (SCardGetStatusChange), not the app's PcscMonitor,
 * so the lab stays an independent witness of what pcscd reports.
 */
import { Context, type ReaderState as PcscReaderState } from 'smartcard';

/** Reader state as PC/SC reports it. */
export interface ReaderState {
  name: string;
  present: boolean;
  atr: string | null;
}

const SCARD_STATE_CHANGED = 0x2;
const SCARD_STATE_PRESENT = 0x20;
/** PC/SC's pseudo-reader whose state changes when a reader is attached or detached. */
const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';
/** One bounded SCardGetStatusChange, so close() never waits long for the loop to notice. */
const WAIT_MS = 250;

/** A PC/SC watcher of reader states. */
export class PcscWatcher {
  private readonly context = new Context();
  private readonly states = new Map<string, ReaderState>();
  /** Each reader's last PC/SC event state (without the changed bit), passed back as its current state. */
  private readonly known = new Map<string, number>();
  private listeners = new Set<() => void>();
  private closed = false;
  private readonly loop: Promise<void>;
  /** Last PC/SC error, if the watcher has stopped because of one. */
  error: Error | null = null;

  private constructor() {
    this.loop = this.watch().catch((err: unknown) => {
      if (this.closed) return;
      this.error = err instanceof Error ? err : new Error(String(err));
      this.notify();
    });
  }

  /** Start watching; resolves once all `readerNames` are reported by PC/SC. */
  static async start(readerNames: readonly string[], timeoutMs = 5000): Promise<PcscWatcher> {
    const watcher = new PcscWatcher();
    try {
      await watcher.waitFor(() => readerNames.every((n) => watcher.states.has(n)), timeoutMs, 'the lab readers');
    } catch (err) {
      await watcher.close();
      throw err;
    }
    return watcher;
  }

  /** Reader names PC/SC reports, in order. */
  get readerNames(): string[] {
    return [...this.states.keys()].sort();
  }

  /** Current state of a reader, if PC/SC reports it. */
  state(name: string): ReaderState | undefined {
    return this.states.get(name);
  }

  /** Wait until a reader's presence flag is `present` (and, if given, the ATR matches). */
  waitForPresence(name: string, present: boolean, timeoutMs: number, atrHex?: string): Promise<void> {
    return this.waitFor(
      () => {
        const s = this.states.get(name);
        return s !== undefined && s.present === present && (atrHex === undefined || s.atr === atrHex);
      },
      timeoutMs,
      `reader "${name}" to report ${present ? 'a card' : 'no card'}`,
    );
  }

  private async watch(): Promise<void> {
    this.syncReaders();
    let pnpState = this.known.size << 16;
    while (!this.closed) {
      const query: PcscReaderState[] = [...this.known.keys(), PNP_NOTIFICATION].map((name) => ({
        name,
        state: name === PNP_NOTIFICATION ? pnpState : this.known.get(name)!,
        changed: false,
        atr: null,
      }));
      const changes = await this.context.waitForChange(query, WAIT_MS);
      if (changes === null || this.closed) return;
      let readerListChanged = false;
      for (const change of changes) {
        if (!change.changed) continue;
        if (change.name === PNP_NOTIFICATION) {
          pnpState = change.state & ~SCARD_STATE_CHANGED;
          readerListChanged = true;
          continue;
        }
        this.known.set(change.name, change.state & ~SCARD_STATE_CHANGED);
        this.states.set(change.name, {
          name: change.name,
          present: (change.state & SCARD_STATE_PRESENT) !== 0,
          atr: change.atr && change.atr.length > 0 ? change.atr.toString('hex').toUpperCase() : null,
        });
        this.notify();
      }
      if (readerListChanged) {
        this.syncReaders();
        pnpState = (pnpState & 0xffff) | (this.known.size << 16);
      }
    }
  }

  /** Follows PC/SC's reader list: new readers are asked for their state, gone ones forgotten. */
  private syncReaders(): void {
    const listed = new Set(this.context.listReaders().map((reader) => reader.name));
    for (const name of [...this.known.keys()]) {
      if (listed.has(name)) continue;
      this.known.delete(name);
      this.states.delete(name);
      this.notify();
    }
    // SCARD_STATE_UNAWARE (0): the first wait answers at once with the reader's state.
    for (const name of listed) if (!this.known.has(name)) this.known.set(name, 0);
  }

  private waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.error) {
          finish();
          reject(new Error(`PC/SC error while waiting for ${what}: ${this.error.message}`));
        } else if (cond()) {
          finish();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Stop watching and release the PC/SC context (once the pending wait has returned). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    try {
      this.context.cancel();
    } catch {
      // Already invalid.
    }
    await this.loop;
    try {
      this.context.close();
    } catch {
      // Already closed.
    }
  }
}
