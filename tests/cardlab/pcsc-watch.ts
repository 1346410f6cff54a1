/**
 * Watches the lab's readers through PC/SC, so that insert/remove can resolve only once pcscd itself
 * reports the change (vpcd is polled by pcscd, so a socket change shows up after up to ~0.5 s).
 */
import pcsclite from 'pcsclite';

type PcscLite = ReturnType<typeof pcsclite>;

/** Reader state as PC/SC reports it. */
export interface ReaderState {
  name: string;
  present: boolean;
  atr: string | null;
}

const SCARD_STATE_PRESENT = 0x20;

/** A PC/SC watcher of reader states. */
export class PcscWatcher {
  private readonly pcsc: PcscLite;
  private readonly states = new Map<string, ReaderState>();
  private listeners = new Set<() => void>();
  private closed = false;
  /** Last PC/SC error, if the watcher has stopped because of one. */
  error: Error | null = null;

  private constructor() {
    this.pcsc = pcsclite();
    this.pcsc.on('error', (err: unknown) => {
      this.error = err instanceof Error ? err : new Error(String(err));
      this.notify();
    });
    this.pcsc.on('reader', (reader) => {
      reader.on('error', (err: unknown) => {
        this.error = err instanceof Error ? err : new Error(String(err));
      });
      reader.on('status', (status) => {
        this.states.set(reader.name, {
          name: reader.name,
          present: (status.state & SCARD_STATE_PRESENT) !== 0,
          atr: status.atr && status.atr.length > 0 ? status.atr.toString('hex').toUpperCase() : null,
        });
        this.notify();
      });
      reader.on('end', () => {
        this.states.delete(reader.name);
        this.notify();
      });
    });
  }

  /** Start watching; resolves once all `readerNames` are reported by PC/SC. */
  static async start(readerNames: readonly string[], timeoutMs = 5000): Promise<PcscWatcher> {
    const watcher = new PcscWatcher();
    try {
      await watcher.waitFor(() => readerNames.every((n) => watcher.states.has(n)), timeoutMs, 'the lab readers');
    } catch (err) {
      watcher.close();
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

  /** Stop watching and release the PC/SC context. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    for (const reader of Object.values((this.pcsc as unknown as { readers: Record<string, { close(): void }> }).readers)) {
      reader.close();
    }
    this.pcsc.close();
  }
}
