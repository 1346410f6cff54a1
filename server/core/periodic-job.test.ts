import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeriodicJob, type PeriodicJobOptions } from './periodic-job';

/** A run the test finishes by hand. */
function controlledRuns() {
  const pending: { resolve(): void; reject(e: unknown): void }[] = [];
  let started = 0;
  const run = () =>
    new Promise<void>((resolve, reject) => {
      started++;
      pending.push({ resolve, reject });
    });
  return {
    run,
    started: () => started,
    finish: () => pending.shift()!.resolve(),
    fail: (e: unknown) => pending.shift()!.reject(e),
  };
}

/** A job over hand-finished runs, started; `end` finishes the run in progress and stops the job. */
function startedJob(options: Pick<PeriodicJobOptions, 'intervalMs'> & Partial<PeriodicJobOptions>) {
  const runs = controlledRuns();
  const job = new PeriodicJob({ onError: () => undefined, ...options, run: runs.run });
  job.start();
  const end = async () => {
    runs.finish();
    await job.stop();
  };
  return { runs, job, end };
}

describe('PeriodicJob', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs one interval after start, then one interval after each run finished, never two at once', async () => {
    const { runs, end } = startedJob({ intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(runs.started()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.started()).toBe(1);
    // A slow run: no second run starts while it lasts.
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs.started()).toBe(1);
    runs.finish();
    await vi.advanceTimersByTimeAsync(999);
    expect(runs.started()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.started()).toBe(2);
    await end();
  });

  it('reports a failed run and tries again after the interval', async () => {
    const errors: [unknown, number][] = [];
    const { runs, end } = startedJob({ intervalMs: 100, onError: (e, next) => errors.push([e, next]) });
    await vi.advanceTimersByTimeAsync(100);
    runs.fail(new Error('database down'));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([[new Error('database down'), 100]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs.started()).toBe(2);
    await end();
  });

  it('with maxBackoffMs doubles the pause after each failure in a row, up to the most, and a good run resets it', async () => {
    const pauses: number[] = [];
    const { runs, end } = startedJob({ intervalMs: 100, onError: (_e, next) => pauses.push(next), maxBackoffMs: 500 });
    await vi.advanceTimersByTimeAsync(100);
    for (const pause of [200, 400, 500, 500]) {
      runs.fail(new Error('x'));
      await vi.advanceTimersByTimeAsync(0);
      const before = runs.started();
      await vi.advanceTimersByTimeAsync(pause - 1);
      expect(runs.started()).toBe(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(runs.started()).toBe(before + 1);
    }
    expect(pauses).toEqual([200, 400, 500, 500]);
    runs.finish();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs.started()).toBe(6);
    await end();
  });

  it('stop() waits for the run in progress, and nothing runs after it', async () => {
    const { runs, job, end } = startedJob({ intervalMs: 10 });
    await vi.advanceTimersByTimeAsync(10);
    let stopped = false;
    const stopping = job.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(stopped).toBe(false);
    runs.finish();
    await stopping;
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs.started()).toBe(1);
    // Started again, it runs again.
    job.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(runs.started()).toBe(2);
    await end();
  });

  it('a failing error report does not stop the job', async () => {
    const { runs, end } = startedJob({
      intervalMs: 10,
      onError: () => {
        throw new Error('logger broke');
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    runs.fail(new Error('x'));
    await vi.advanceTimersByTimeAsync(10);
    expect(runs.started()).toBe(2);
    await end();
  });

  it('does not keep the process alive', () => {
    const job = new PeriodicJob({ intervalMs: 10, run: async () => undefined, onError: () => undefined });
    const unref = vi.spyOn(globalThis, 'setTimeout');
    job.start();
    const timer = unref.mock.results[0]!.value as { hasRef(): boolean };
    expect(timer.hasRef()).toBe(false);
    void job.stop();
  });
});
