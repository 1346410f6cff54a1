import type { ApiTransport } from '../../../common/ipc/api';
import type { Result } from '../../../common/errors/error-codes';
import type { IpcEventMessage } from '../../../common/ipc/contract';

/**
 * The preload API's stand-in when the renderer runs in a plain browser against the test bridge
 * (development and tests only). Same contract, carried over a loopback WebSocket.
 */
export function createBridgeTransport(socketUrl: string): ApiTransport {
  const socket = new WebSocket(socketUrl);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('bridge unreachable')), { once: true });
  });
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Set<(message: IpcEventMessage) => void>();
  let nextId = 1;

  socket.addEventListener('message', (event) => {
    const data = JSON.parse(String(event.data)) as { id?: number | null; result?: Result<unknown>; event?: IpcEventMessage };
    if (data.event) {
      for (const listener of listeners) listener(data.event);
    } else if (typeof data.id === 'number' && data.result) {
      pending.get(data.id)?.(data.result);
      pending.delete(data.id);
    }
  });
  socket.addEventListener('close', () => {
    for (const resolve of pending.values()) resolve({ ok: false, error: { code: 'internal' } });
    pending.clear();
  });

  return {
    async invoke(channel, payload) {
      try {
        await opened;
      } catch {
        return { ok: false, error: { code: 'internal' } } satisfies Result<unknown>;
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, channel, payload }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
