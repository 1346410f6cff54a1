import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReadOptions, Storage } from '../storage/storage';
import { ALVA, createTestContext, sessionFor, type TestContext } from '../../tests/server-support/test-context';

// GET /users over a real socket: a client that closes its request (main aborting a superseded
// search) aborts the signal the list reads get. The storage is the real one behind a FAKE slow
// read: while `hold` is set, listUserPage records its signal and answers only when it aborts.

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
});

describe('a request its client closes', () => {
  it('aborts the signal of its list reads; an answered request never does', async () => {
    const signals: AbortSignal[] = [];
    let hold = false;
    const fakeSlowRead = (real: Storage): Storage =>
      new Proxy(real, {
        get(target, property, receiver) {
          if (property !== 'listUserPage') return Reflect.get(target, property, receiver) as unknown;
          return (...args: Parameters<Storage['listUserPage']>) => {
            const signal = (args[2] as ReadOptions | undefined)?.signal;
            if (signal) signals.push(signal);
            if (!hold || !signal) return real.listUserPage(...args);
            return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
          };
        },
      });
    ctx = await createTestContext({ storage: fakeSlowRead });
    const token = await sessionFor(ctx, ALVA.hsaId);
    const base = await ctx.app.fastify.listen({ host: '127.0.0.1', port: 0 });
    const list = (signal?: AbortSignal) =>
      fetch(`${base}/api/v1/users?limit=10`, { headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });

    const answered = await list();
    expect(answered.status).toBe(200);
    await answered.json();
    expect(signals).toHaveLength(1);

    hold = true;
    const client = new AbortController();
    const closed = list(client.signal).catch((error: unknown) => error);
    for (let i = 0; i < 500 && signals.length < 2; i += 1) await sleep(10);
    expect(signals).toHaveLength(2);
    expect(signals[1]!.aborted).toBe(false);
    client.abort();
    await closed;
    for (let i = 0; i < 500 && !signals[1]!.aborted; i += 1) await sleep(10);
    expect(signals[1]!.aborted).toBe(true);
    expect(signals[0]!.aborted).toBe(false);

    hold = false;
    expect((await list()).status).toBe(200);
  });
});
