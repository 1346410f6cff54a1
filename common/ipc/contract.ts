import { z } from 'zod';
import { cardSnapshotSchema } from '../card/card-state';

/**
 * The one IPC contract shared by main, preload, the test bridge and the renderer.
 * Every channel names the preload method that calls it and the schemas of its request and
 * response; main parses every request against its schema before any handler runs.
 */

export const appInfoSchema = z.object({
  productName: z.string(),
  version: z.string(),
  platform: z.string(),
  arch: z.string(),
  /** How the renderer reaches main: the real Electron IPC, or the development/test bridge. */
  transport: z.enum(['electron-ipc', 'test-bridge']),
  electronVersion: z.string().nullable(),
  nodeVersion: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const noticeEventSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  code: z.string().max(64),
});

const noRequest = z.undefined();

export const IPC_CHANNELS = {
  'app:get-info': {
    method: 'getAppInfo',
    request: noRequest,
    response: appInfoSchema,
  },
  'app:open-external': {
    method: 'openExternal',
    request: z.object({ url: z.string().max(2048) }).strict(),
    response: z.object({ opened: z.boolean() }),
  },
  'card:get-snapshot': {
    method: 'getCardSnapshot',
    request: noRequest,
    response: cardSnapshotSchema,
  },
  'card:reread': {
    method: 'rereadCard',
    request: noRequest,
    response: cardSnapshotSchema,
  },
  'card:restart-process': {
    method: 'restartCardProcess',
    request: noRequest,
    response: cardSnapshotSchema,
  },
} as const;

/** Events pushed from main to the renderer (card events join here). */
export const IPC_EVENTS = {
  'app:notice': noticeEventSchema,
  /** The card layer's state, pushed on every change (reader, card, token, process). */
  'card:snapshot': cardSnapshotSchema,
} as const;

/** The single Electron channel that carries every event, tagged with its name. */
export const EVENT_CHANNEL = 'app:event';

export type IpcChannel = keyof typeof IPC_CHANNELS;
export type IpcRequest<C extends IpcChannel> = z.infer<(typeof IPC_CHANNELS)[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.infer<(typeof IPC_CHANNELS)[C]['response']>;
export type IpcEventName = keyof typeof IPC_EVENTS;
export type IpcEventPayload<E extends IpcEventName> = z.infer<(typeof IPC_EVENTS)[E]>;
export type IpcEventMessage = { [E in IpcEventName]: { name: E; payload: IpcEventPayload<E> } }[IpcEventName];

export const ipcEventMessageSchema = z.object({ name: z.string(), payload: z.unknown() });

export function isIpcChannel(value: string): value is IpcChannel {
  return Object.prototype.hasOwnProperty.call(IPC_CHANNELS, value);
}
