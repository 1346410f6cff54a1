import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { userPageSchema } from '../../common/api/schemas';
import { createIdleCardServiceFake } from '../../tests/fixtures/idle-card-service';
import { createLogger } from '../logging/logger';
import { createIpcRouter, type IpcHandlers } from './ipc-router';
import { markValidated } from './validated-response';

const ORIGIN = 'app://renderer';
const OUR_FRAME = { frameUrl: `${ORIGIN}/index.html`, isMainFrame: true };

function setup(overrides: Partial<IpcHandlers> = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const card = createIdleCardServiceFake();
  // Only the channels these tests call; the full set is wired in the composition root.
  const handlers = {
    'app:get-info': () => ({
      productName: 'Behörighetsadmin',
      version: '1.2.3',
      platform: 'linux',
      arch: 'x64',
      transport: 'electron-ipc',
      electronVersion: null,
      nodeVersion: '20',
    }),
    'app:open-external': ({ url }: { url: string }) => ({ opened: url.startsWith('https://') }),
    'card:get-snapshot': () => card.snapshot(),
    'card:reread': () => card.snapshot(),
    'card:restart-process': () => card.snapshot(),
    ...overrides,
  } as unknown as IpcHandlers;
  const router = createIpcRouter({ handlers, trustedOrigins: [ORIGIN], logger: createLogger({ destination }) });
  return { router, lines };
}

describe('IPC router', () => {
  it('answers a well-formed call from our window', async () => {
    const { router } = setup();
    const result = await router.dispatch('app:get-info', undefined, OUR_FRAME);
    expect(result).toMatchObject({ ok: true, value: { version: '1.2.3' } });
  });

  it('refuses a malformed payload with a typed error, logs it, and never runs the handler', async () => {
    let ran = false;
    const { router, lines } = setup({ 'app:open-external': () => ((ran = true), { opened: true }) });
    const result = await router.dispatch('app:open-external', { url: 42 }, OUR_FRAME);
    expect(result).toEqual({ ok: false, error: { code: 'ipc-invalid-payload' } });
    expect(ran).toBe(false);
    expect(lines).toContainEqual(
      expect.objectContaining({ event: 'ipc-refused', channel: 'app:open-external', errorCode: 'ipc-invalid-payload' }),
    );
  });

  it('passes the chosen card’s reader with the PIN to login, and refuses a malformed one', async () => {
    const seen: unknown[] = [];
    const { router } = setup({
      'session:login': (request) => (seen.push(request), { status: 'logged-out', reason: null }),
    });
    expect(await router.dispatch('session:login', { pin: '123456', readerName: 'Virtual PCD 00 01' }, OUR_FRAME)).toMatchObject({
      ok: true,
    });
    expect(await router.dispatch('session:login', { pin: '123456' }, OUR_FRAME)).toMatchObject({ ok: true });
    expect(seen).toEqual([{ pin: '123456', readerName: 'Virtual PCD 00 01' }, { pin: '123456' }]);
    for (const readerName of [1, '', 'x'.repeat(257), null]) {
      expect(await router.dispatch('session:login', { pin: '123456', readerName }, OUR_FRAME)).toEqual({
        ok: false,
        error: { code: 'ipc-invalid-payload' },
      });
    }
    expect(seen).toHaveLength(2);
  });

  it('refuses unknown keys and prototype-pollution keys', async () => {
    const { router } = setup();
    const polluted = JSON.parse('{"url":"https://inera.se","__proto__":{"admin":true}}') as unknown;
    expect(await router.dispatch('app:open-external', polluted, OUR_FRAME)).toMatchObject({ ok: false });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses a message from a frame that is not ours, and logs it', async () => {
    const { router, lines } = setup();
    const fromElsewhere = await router.dispatch('app:get-info', undefined, {
      frameUrl: 'https://evil.example/',
      isMainFrame: true,
    });
    expect(fromElsewhere).toEqual({ ok: false, error: { code: 'ipc-forbidden-sender' } });
    expect(lines).toContainEqual(
      expect.objectContaining({ event: 'ipc-refused', errorCode: 'ipc-forbidden-sender', senderOrigin: 'https://evil.example' }),
    );
  });

  it('refuses our own origin when it is a subframe, and a sender with no URL', async () => {
    const { router } = setup();
    expect(await router.dispatch('app:get-info', undefined, { frameUrl: `${ORIGIN}/x.html`, isMainFrame: false })).toMatchObject({
      error: { code: 'ipc-forbidden-sender' },
    });
    expect(await router.dispatch('app:get-info', undefined, { frameUrl: null, isMainFrame: true })).toMatchObject({
      error: { code: 'ipc-forbidden-sender' },
    });
  });

  it('refuses a channel that is not in the contract', async () => {
    const { router } = setup();
    expect(await router.dispatch('fs:read', { path: '/etc/passwd' }, OUR_FRAME)).toEqual({
      ok: false,
      error: { code: 'ipc-unknown-channel' },
    });
  });

  it('turns a failing handler into "internal" without leaking its message', async () => {
    const { router, lines } = setup({
      'app:get-info': () => {
        throw new Error('secret detail');
      },
    });
    const result = await router.dispatch('app:get-info', undefined, OUR_FRAME);
    expect(result).toEqual({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('secret detail');
    expect(lines).toContainEqual(expect.objectContaining({ event: 'ipc-handler-failed' }));
  });

  it('refuses a handler response that breaks the contract', async () => {
    const { router } = setup({ 'app:open-external': () => ({ opened: 'yes' }) as unknown as { opened: boolean } });
    expect(await router.dispatch('app:open-external', { url: 'https://inera.se' }, OUR_FRAME)).toEqual({
      ok: false,
      error: { code: 'internal' },
    });
  });
});

describe('IPC router and pages parsed at the boundary', () => {
  const page = { users: [], nextCursor: null, matched: 0, total: 0 };
  const request = { limit: 100, sort: 'surname', direction: 'asc', search: '' };

  it('does not parse again a page the backend client parsed with the same schema', async () => {
    const parse = vi.spyOn(userPageSchema, 'parse');
    try {
      const { router } = setup({ 'admin:list-user-page': () => markValidated({ ...page }, userPageSchema) });
      expect(await router.dispatch('admin:list-user-page', request, OUR_FRAME)).toMatchObject({ ok: true });
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('still parses an answer nobody vouched for, and refuses one that breaks the contract', async () => {
    const parse = vi.spyOn(userPageSchema, 'parse');
    try {
      const { router } = setup({ 'admin:list-user-page': () => ({ ...page, matched: 'many' }) as never });
      expect(await router.dispatch('admin:list-user-page', request, OUR_FRAME)).toEqual({
        ok: false,
        error: { code: 'internal' },
      });
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });
});
