/**
 * The card engine: the virtual cards of the lab's readers, run in a worker thread (see
 * card-worker.mjs). The lab's thread drives it with request messages; `CardEngineClient` wraps that.
 */
import type { MessagePort } from 'node:worker_threads';
import { PivApplet } from './piv-applet.js';
import type { CardCredentials } from './test-pki.js';
import { VirtualCard, type CardFault } from './virtual-card.js';

export interface EngineCardInfo {
  connected: boolean;
  powered: boolean;
  pinTriesLeft: number;
  pukTriesLeft: number;
  pinVerified: boolean;
  apduCount: number;
}

export type EngineRequest =
  | {
      op: 'insert';
      reader: number;
      port: number;
      atr: Uint8Array;
      credentials: CardCredentials;
      pinTriesLeft: number;
      pukTriesLeft: number;
      noPivApplication: boolean;
    }
  | { op: 'remove'; reader: number }
  | { op: 'fault'; reader: number; fault: CardFault | null }
  | { op: 'status' };

export type EngineResponse =
  { id: number; ok: true; result?: Array<EngineCardInfo | null> } | { id: number; ok: false; error: string };

/** Serve engine requests arriving on `port` (the worker's parentPort). */
export function runCardEngine(port: MessagePort | null): void {
  if (!port) throw new Error('card engine must run in a worker thread');
  const cards = new Map<number, VirtualCard>();

  async function handle(req: EngineRequest): Promise<Array<EngineCardInfo | null> | undefined> {
    switch (req.op) {
      case 'insert': {
        await cards.get(req.reader)?.disconnect();
        cards.delete(req.reader);
        const card = new VirtualCard({
          port: req.port,
          atr: req.atr,
          applet: new PivApplet({
            credentials: req.credentials,
            pinTriesLeft: req.pinTriesLeft,
            pukTriesLeft: req.pukTriesLeft,
            noPivApplication: req.noPivApplication,
          }),
        });
        await card.connect();
        cards.set(req.reader, card);
        return undefined;
      }
      case 'remove':
        await cards.get(req.reader)?.disconnect();
        cards.delete(req.reader);
        return undefined;
      case 'fault': {
        const card = cards.get(req.reader);
        if (!card) throw new Error(`no card in reader ${req.reader}`);
        card.setFault(req.fault);
        return undefined;
      }
      case 'status':
        return [0, 1, 2].map((i) => {
          const card = cards.get(i);
          return card
            ? {
                connected: card.connected,
                powered: card.powered,
                pinTriesLeft: card.applet.pinTriesLeft,
                pukTriesLeft: card.applet.pukTriesLeft,
                pinVerified: card.applet.pinVerified,
                apduCount: card.apduCount,
              }
            : null;
        });
    }
  }

  port.on('message', (msg: { id: number; req: EngineRequest }) => {
    handle(msg.req).then(
      (result) => port.postMessage({ id: msg.id, ok: true, result } satisfies EngineResponse),
      (err: unknown) =>
        port.postMessage({
          id: msg.id,
          ok: false,
          error: err instanceof Error ? err.message : String(err),
        } satisfies EngineResponse),
    );
  });
}
