import { describe, expect, it } from 'vitest';
import { createAppApi, type ApiTransport } from './api';
import { IPC_CHANNELS, type IpcEventMessage } from './contract';

describe('createAppApi', () => {
  it('exposes one named function per channel and no generic invoke', async () => {
    const calls: [string, unknown][] = [];
    const transport: ApiTransport = {
      invoke: async (channel, payload) => (calls.push([channel, payload]), { ok: true, value: null }),
      subscribe: () => () => undefined,
    };
    const api = createAppApi(transport);
    expect(Object.keys(api).sort()).toEqual([...Object.values(IPC_CHANNELS).map((c) => c.method), 'on'].sort());
    expect('invoke' in api).toBe(false);
    await api.openExternal({ url: 'https://inera.se' });
    expect(calls).toEqual([['app:open-external', { url: 'https://inera.se' }]]);
  });

  it('delivers only the subscribed event and stops after unsubscribe', () => {
    let emit: (message: IpcEventMessage) => void = () => undefined;
    const api = createAppApi({
      invoke: async () => null,
      subscribe: (listener) => ((emit = listener), () => (emit = () => undefined)),
    });
    const received: unknown[] = [];
    const off = api.on('app:notice', (payload) => received.push(payload));
    emit({ name: 'app:notice', payload: { level: 'info', code: 'demo-mode' } });
    off();
    emit({ name: 'app:notice', payload: { level: 'warning', code: 'demo-mode' } });
    expect(received).toEqual([{ level: 'info', code: 'demo-mode' }]);
  });
});
