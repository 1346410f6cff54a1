import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { fail } from '../../common/errors/error-codes';
import type { MainServices } from '../composition-root';
import { contentTypeFor, resolveRendererFile } from '../renderer-files';
import { buildContentSecurityPolicy } from '../security/window-security';
import { BRIDGE_META_NAME, BRIDGE_PATH, bridgeRequestSchema } from './bridge-protocol';

export interface BridgeServerOptions {
  /** 0 picks a free port. The bridge always binds to 127.0.0.1. */
  port: number;
  rendererRoot: string;
  logger: Logger;
  /** Builds the same main-process services the Electron shell uses, trusting only our origin. */
  composeServices: (trustedOrigin: string) => MainServices;
}

export interface BridgeServer {
  readonly url: string;
  readonly port: number;
  readonly services: MainServices;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The test bridge: serves the built renderer over HTTP on loopback and carries the IPC contract
 * over a WebSocket guarded by our origin and a random per-run token. Never part of a packaged build.
 */
export async function startBridgeServer(options: BridgeServerOptions): Promise<BridgeServer> {
  const log = options.logger.child({ component: 'test-bridge' });
  const token = randomBytes(32).toString('base64url');
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const socketUrl = `ws://127.0.0.1:${port}${BRIDGE_PATH}`;
  const services = options.composeServices(origin);
  const csp = buildContentSecurityPolicy({ connectSources: [socketUrl] });
  // DNS rebinding: a page of another site whose name now points at 127.0.0.1 reaches this port, but
  // its requests name that site in Host. Only requests addressed to us are answered.
  const ourHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const addressedToUs = (request: http.IncomingMessage) => ourHosts.has((request.headers.host ?? '').toLowerCase());

  server.on('request', (request, response) => {
    if (!addressedToUs(request)) {
      log.warn({ event: 'bridge-host-refused', host: request.headers.host ?? null }, 'Bridge request for another host refused');
      response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Wrong host name');
      return;
    }
    void (async () => {
      const file = request.method === 'GET' ? resolveRendererFile(options.rendererRoot, request.url ?? '/') : null;
      try {
        if (!file) throw new Error('not found');
        let body: Buffer | string = await readFile(file);
        if (file.endsWith('index.html')) {
          const meta = `<meta name="${BRIDGE_META_NAME}" content="${socketUrl}?token=${token}">`;
          body = body.toString('utf8').replace('<head>', `<head>\n    ${meta}`);
        }
        response.writeHead(200, {
          'Content-Type': contentTypeFor(file),
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-store',
        });
        response.end(body);
      } catch {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Hittades inte');
      }
    })();
  });

  const sockets = new WebSocketServer({
    server,
    path: BRIDGE_PATH,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ origin: requestOrigin, req }, done) => {
      const given = new URL(req.url ?? '', origin).searchParams.get('token') ?? '';
      const allowed = addressedToUs(req) && requestOrigin === origin && sameSecret(given, token);
      if (!allowed)
        log.warn(
          { event: 'bridge-connection-refused', requestOrigin, host: req.headers.host ?? null },
          'Bridge connection refused',
        );
      done(allowed, 403);
    },
  });

  sockets.on('connection', (socket: WebSocket) => {
    const unsubscribe = services.events.subscribe((message) => socket.send(JSON.stringify({ event: message })));
    socket.on('close', unsubscribe);
    // A protocol error (a message over the limit, a text frame that is not UTF-8, ...) ends only this
    // connection: ws closes it with the matching status code. Without a listener it would end the process.
    socket.on('error', (error: Error & { code?: string }) => {
      log.warn({ event: 'bridge-protocol-error', code: error.code ?? null }, 'Bridge connection closed after a protocol error');
    });
    socket.on('message', (data) => {
      void (async () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          parsed = undefined;
        }
        const request = bridgeRequestSchema.safeParse(parsed);
        if (!request.success) {
          log.warn({ event: 'ipc-refused', errorCode: 'ipc-invalid-payload' }, 'Malformed bridge message');
          socket.send(JSON.stringify({ id: null, result: fail('ipc-invalid-payload') }));
          return;
        }
        // The connection was authenticated as our page at upgrade: it stands for our window's top frame.
        const result = await services.router.dispatch(request.data.channel, request.data.payload, {
          frameUrl: `${origin}/`,
          isMainFrame: true,
        });
        socket.send(JSON.stringify({ id: request.data.id, result }));
      })();
    });
  });

  log.info({ event: 'bridge-started', port }, 'Test bridge listening on loopback');
  return {
    url: `${origin}/`,
    port,
    services,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
