/**
 * A job the server runs every so often in the background (the outbox dispatcher, the expiry of
 * time-limited permissions): one run at a time, the next one `intervalMs` after the previous one
 * finished (never overlapping), a failed run reported and tried again, and stop() waiting for the
 * run in progress. The timer never keeps the process alive.
 */
export interface PeriodicJobOptions {
  /** The pause between the end of one run and the start of the next. */
  intervalMs: number;
  /** One run; a rejection is a failed run. */
  run: () => Promise<unknown>;
  /** Told of each failed run and of the pause before the next try. */
  onError: (error: unknown, nextTryInMs: number) => void;
  /** When set, the pause doubles after each failed run in a row, up to this; a good run resets it. */
  maxBackoffMs?: number;
}

export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private pauseMs: number;

  constructor(private readonly options: PeriodicJobOptions) {
    this.pauseMs = options.intervalMs;
  }

  /** Starts the timer: the first run comes after one interval. Starting a started job does nothing. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.pauseMs = this.options.intervalMs;
    if (!this.running) this.schedule();
  }

  /** Stops the timer and waits for a run in progress; no run starts after this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.tick(), this.pauseMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    const { intervalMs, maxBackoffMs, run, onError } = this.options;
    this.running = run().then(
      () => {
        this.pauseMs = intervalMs;
      },
      (error: unknown) => {
        this.pauseMs = maxBackoffMs === undefined ? intervalMs : Math.min(this.pauseMs * 2, maxBackoffMs);
        try {
          onError(error, this.pauseMs);
        } catch {
          // A failing report must not stop the job.
        }
      },
    );
    void this.running.finally(() => {
      this.running = undefined;
      if (!this.stopped) this.schedule();
    });
  }
}
