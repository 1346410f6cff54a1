import type { Result } from '../errors/error-codes';
import {
  IPC_CHANNELS,
  type IpcChannel,
  type IpcEventMessage,
  type IpcEventName,
  type IpcEventPayload,
  type IpcRequest,
  type IpcResponse,
} from './contract';

type MethodOf<C extends IpcChannel> = (typeof IPC_CHANNELS)[C]['method'];

type MethodFor<C extends IpcChannel> =
  IpcRequest<C> extends undefined
    ? () => Promise<Result<IpcResponse<C>>>
    : (request: IpcRequest<C>) => Promise<Result<IpcResponse<C>>>;

/** The API the renderer sees: one named function per channel, never a generic invoke. */
export type AppApi = { [C in IpcChannel as MethodOf<C>]: MethodFor<C> } & {
  /** Subscribes to one event from main; returns the unsubscribe function. */
  on<E extends IpcEventName>(name: E, listener: (payload: IpcEventPayload<E>) => void): () => void;
};

/** How an API instance reaches main: Electron IPC in the preload, a WebSocket in the test bridge. */
export interface ApiTransport {
  invoke(channel: IpcChannel, payload: unknown): Promise<unknown>;
  subscribe(listener: (message: IpcEventMessage) => void): () => void;
}

/** Builds the named-function API from the contract over a transport. */
export function createAppApi(transport: ApiTransport): AppApi {
  const api: Record<string, unknown> = {};
  for (const channel of Object.keys(IPC_CHANNELS) as IpcChannel[]) {
    const { method } = IPC_CHANNELS[channel];
    api[method] = (request?: unknown) => transport.invoke(channel, request);
  }
  api.on = (name: IpcEventName, listener: (payload: unknown) => void) =>
    transport.subscribe((message) => {
      if (message.name === name) listener(message.payload);
    });
  return api as AppApi;
}
