import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeriodicJob } from './periodic-job';

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

describe('PeriodicJob', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs one interval after start, then one interval after each run finished, never two at once', async () => {
    const runs = controlledRuns();
    const job = new PeriodicJob({ intervalMs: 1000, run: runs.run, onError: () => undefined });
    job.start();
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
    runs.finish();
    await job.stop();
  });

  it('reports a failed run and tries again after the interval', async () => {
    const runs = controlledRuns();
    const errors: [unknown, number][] = [];
    const job = new PeriodicJob({ intervalMs: 100, run: runs.run, onError: (e, next) => errors.push([e, next]) });
    job.start();
    await vi.advanceTimersByTimeAsync(100);
    runs.fail(new Error('database down'));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([[new Error('database down'), 100]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs.started()).toBe(2);
    runs.finish();
    await job.stop();
  });

  it('with maxBackoffMs doubles the pause after each failure in a row, up to the most, and a good run resets it', async () => {
    const runs = controlledRuns();
    const pauses: number[] = [];
    const job = new PeriodicJob({
      intervalMs: 100,
      run: runs.run,
      onError: (_e, next) => pauses.push(next),
      maxBackoffMs: 500,
    });
    job.start();
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
    runs.finish();
    await job.stop();
  });

  it('stop() waits for the run in progress, and nothing runs after it', async () => {
    const runs = controlledRuns();
    const job = new PeriodicJob({ intervalMs: 10, run: runs.run, onError: () => undefined });
    job.start();
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
    runs.finish();
    await job.stop();
  });

  it('a failing error report does not stop the job', async () => {
    const runs = controlledRuns();
    const job = new PeriodicJob({
      intervalMs: 10,
      run: runs.run,
      onError: () => {
        throw new Error('logger broke');
      },
    });
    job.start();
    await vi.advanceTimersByTimeAsync(10);
    runs.fail(new Error('x'));
    await vi.advanceTimersByTimeAsync(10);
    expect(runs.started()).toBe(2);
    runs.finish();
    await job.stop();
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
