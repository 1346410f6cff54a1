import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALVA, createTestContext, sessionFor, type TestContext } from '../test-support/test-context';
import { OutboxDispatcher, type MailSender } from './outbox-dispatcher';

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
