import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock';
import { openStorage } from '../storage/open-storage';
import type { Storage } from '../storage/storage';
import { ENGINES, engineDatabases, openReadOnly, type EngineDatabases } from '../../tests/server-support/storage-engines';
import { ALVA, createTestContext, sessionFor, type TestContext } from '../../tests/server-support/test-context';
import { OutboxDispatcher, outboxRetryDelayMs, type MailSender } from './outbox-dispatcher';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await createTestContext();
});
afterEach(async () => {
  await ctx.close();
});

async function changePermissions(): Promise<void> {
  const token = await sessionFor(ctx, ALVA.hsaId);
  const headers = { authorization: `Bearer ${token}` };
  const user = await ctx.app.fastify.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers,
    payload: { givenName: 'Eva', surname: 'Ek', hsaId: 'SE2321000016-EV01', email: 'eva.ek@testkommunen.se' },
  });
  const res = await ctx.app.fastify.inject({
    method: 'PUT',
    url: `/api/v1/users/${user.json<{ id: string }>().id}/permissions/statlig-ersattning`,
    headers: { ...headers, 'if-match': '"1"' },
    payload: { permissions: ['las-arenden'] },
  });
  expect(res.statusCode).toBe(200);
}

describe('outbox', () => {
  it('sends queued mail through the pluggable sender once, and retries after a failure', async () => {
    await changePermissions();
    const sent: string[] = [];
    let fail = true;
    const sender: MailSender = {
      send: async (m) => {
        if (fail) throw new Error('smtp down');
        sent.push(`${m.recipient}: ${m.subject}`);
      },
    };
    const dispatcher = new OutboxDispatcher(ctx.storage, sender, ctx.clock, pino({ level: 'silent' }));
    expect(await dispatcher.drain()).toBe(0);
    fail = false;
    // Backed off after the failure: not before 30 s.
    expect(await dispatcher.drain()).toBe(0);
    ctx.clock.advance(outboxRetryDelayMs(1));
    expect(await dispatcher.drain()).toBe(1);
    expect(await dispatcher.drain()).toBe(0);
    expect(sent).toEqual(['eva.ek@testkommunen.se: Dina behörigheter har ändrats']);
  });
});

describe('GET /api/v1/status', () => {
  it('reports ok, then degraded with the operator message about a disturbance', async () => {
    const ok = await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/status' });
    expect(ok.json()).toMatchObject({ status: 'ok', message: null, time: ctx.clock.now().toISOString() });
    await ctx.agency.setOperatorMessage({ severity: 'disturbance', text: 'Inloggning med SITHS-kort är långsam' });
    const degraded = await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/status' });
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json()).toMatchObject({
      status: 'degraded',
      message: { severity: 'disturbance', text: 'Inloggning med SITHS-kort är långsam' },
    });
  });

  it('answers 503 unavailable when the database is gone', async () => {
    await ctx.storage.close();
    const res = await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/status' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable' });
  });
});

describe.each(ENGINES)('outbox shared by several instances (%s)', (engine) => {
  let dbs: EngineDatabases;
  beforeAll(async () => {
    dbs = await engineDatabases(engine);
  });
  afterAll(async () => {
    await dbs?.dispose();
  });

  async function queueMail(storage: Storage, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await storage.insertOutbox({
        organisationId: 'kommun-testkommunen',
        recipient: `user${i}@testkommunen.se`,
        subject: 'Dina behörigheter har ändrats',
        body: 'Hej',
        createdAt: new Date().toISOString(),
      });
    }
  }

  it('sends each mail once when two dispatchers on two instances drain at the same time', async () => {
    const db = await dbs.fresh();
    const a = await openStorage(db);
    const b = await openStorage(db);
    try {
      await queueMail(a, 20);
      const sent: string[] = [];
      const sender: MailSender = {
        send: async (m) => {
          await sleep(2);
          sent.push(m.recipient);
        },
      };
      const log = pino({ level: 'silent' });
      const clock = new ManualClock();
      await Promise.all([
        new OutboxDispatcher(a, sender, clock, log).drain(),
        new OutboxDispatcher(b, sender, clock, log).drain(),
        new OutboxDispatcher(a, sender, clock, log).drain(),
      ]);
      expect(sent.length).toBe(20);
      expect(new Set(sent).size).toBe(20);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('does not send the same mail again and again when the database cannot be written', async () => {
    const db = await dbs.fresh();
    const writable = await openStorage(db);
    await queueMail(writable, 1);
    await writable.close();
    const readOnly = await openReadOnly(dbs, db);
    try {
      const sent: string[] = [];
      const dispatcher = new OutboxDispatcher(
        readOnly,
        { send: async (m) => void sent.push(m.recipient) },
        new ManualClock(),
        pino({ level: 'silent' }),
      );
      const failures: unknown[] = [];
      for (let round = 0; round < 3; round++) await dispatcher.drain().catch((e: unknown) => failures.push(e));
      expect(failures.length).toBe(3);
      expect(sent).toEqual([]);
    } finally {
      await readOnly.close();
    }
  });
});
