import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { backendHealthSchema } from '../../common/ipc/contract';
import { backendHealth, probeBackend } from './backend-probe';

// The one backend probe (the login view's troubleshooting, diagnostics, `npm run doctor`) against a
// real HTTP server on loopback: each answer maps to one word of the closed vocabulary.

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve).closeAllConnections())));
});

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const STATUS = { status: 'ok', time: '2026-01-01T00:00:00.000Z', version: '1.2.3', message: null };

function json(status: number, body: unknown): RequestListener {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
}

describe('probeBackend', () => {
  it('reads the status of GET /api/v1/status, with its round trip', async () => {
    let asked = '';
    const url = await serve((request, response) => {
      asked = request.url ?? '';
      json(200, STATUS)(request, response);
    });
    const probe = await probeBackend(url);
    expect(asked).toBe('/api/v1/status');
    expect(probe).toMatchObject({ reachable: true, url, status: STATUS });
    expect(probe.reachable && probe.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(backendHealth(probe)).toEqual({ reachable: true, url, status: STATUS });
  });

  it('takes a 503 with a status body as an answer: the service says it is down', async () => {
    const down = { ...STATUS, status: 'unavailable' };
    const url = await serve(json(503, down));
    expect(backendHealth(await probeBackend(url))).toEqual({ reachable: true, url, status: down });
  });

  it('names why there is no status: not configured, refused, HTTP error, malformed, timeout', async () => {
    expect(await probeBackend(null)).toMatchObject({ reachable: false, url: null, reason: 'not-configured' });

    const closed = await serve(json(200, STATUS));
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await probeBackend(closed)).toMatchObject({ reachable: false, url: closed, reason: 'refused' });

    const failing = await serve(json(500, { error: 'boom' }));
    expect(await probeBackend(failing)).toMatchObject({ reachable: false, reason: 'http-error', detail: 'HTTP 500' });

    const other = await serve(json(200, { hello: 'world' }));
    expect(await probeBackend(other)).toMatchObject({ reachable: false, reason: 'malformed' });

    const silent = await serve(() => undefined);
    expect(await probeBackend(silent, 200)).toMatchObject({ reachable: false, url: silent, reason: 'timeout' });
  });

  it('gives the renderer only what the contract allows, in its closed vocabulary', async () => {
    const failing = await serve(json(502, {}));
    const health = backendHealth(await probeBackend(failing));
    expect(health).toEqual({ reachable: false, url: failing, reason: 'http-error' });
    expect(backendHealthSchema.parse(health)).toEqual(health);
    expect(backendHealthSchema.safeParse({ reachable: false, url: null, reason: 'internal' }).success).toBe(false);
  });
});
