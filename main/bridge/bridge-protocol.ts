import { z } from 'zod';

/**
 * Messages between the renderer and the test bridge over its WebSocket. Development and test
 * plumbing only: the packaged app uses Electron IPC and never starts the bridge.
 */
export const bridgeRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().max(128),
  payload: z.unknown().optional(),
});

export const BRIDGE_PATH = '/bridge';
export const BRIDGE_META_NAME = 'behorighetsadmin-bridge';
