import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createIdleCardServiceFake } from '../../tests/fixtures/idle-card-service';
import { composeMainServices } from '../composition-root';
import { createLogger } from '../logging/logger';
import { startBridgeServer, type BridgeServer } from './bridge-server';
import { LINUX_POLICY_FILE } from '../config/app-settings';

let bridge: BridgeServer;
let token: string;
const logLines: Record<string, unknown>[] = [];

function connect(origin: string, withToken = token): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${bridge.port}/bridge?token=${withToken}`, { origin });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    socket.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)),
  );
}

beforeAll(async () => {
  const rendererRoot = mkdtempSync(path.join(os.tmpdir(), 'renderer-'));
  writeFileSync(path.join(rendererRoot, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  const logger = createLogger({
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  });
  bridge = await startBridgeServer({
    port: 0,
    rendererRoot,
    logger,
    composeServices: (origin) =>
      composeMainServices({
        logger,
        policyLocation: LINUX_POLICY_FILE,
        trustedOrigins: [origin],
        appInfo: { productName: 'Behörighetsadmin', version: '9.9.9', transport: 'test-bridge', electronVersion: null },
        openExternal: async () => undefined,
        card: createIdleCardServiceFake(),
        backend: null,
        cardRemovalPolicy: 'logout',
      }),
  });
  const html = await (await fetch(bridge.url)).text();
  token = /token=([\w-]+)/.exec(html)![1]!;
});

afterAll(async () => {
  await bridge.close();
});

describe('test bridge', () => {
  it('binds to loopback and serves the renderer with the CSP and the socket address', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(bridge.url);
    expect(response.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${bridge.port}/bridge`);
    expect(await response.text()).toContain('name="behorighetsadmin-bridge"');
  });

  it('carries the IPC contract: a call gets the same answer main gives', async () => {
    const socket = await connect(`http://127.0.0.1:${bridge.port}`);
    socket.send(JSON.stringify({ id: 7, channel: 'app:get-info' }));
    expect(await nextMessage(socket)).toMatchObject({
      id: 7,
      result: { ok: true, value: { version: '9.9.9', transport: 'test-bridge' } },
    });
    socket.close();
  });

  it('forwards events published in main', async () => {
    const socket = await connect(`http://127.0.0.1:${bridge.port}`);
    const message = nextMessage(socket);
    bridge.services.events.publish('app:notice', { level: 'info', code: 'demo-mode' });
    expect(await message).toEqual({ event: { name: 'app:notice', payload: { level: 'info', code: 'demo-mode' } } });
    socket.close();
  });

  it('refuses a connection from another origin, and logs it', async () => {
    await expect(connect('https://evil.example')).rejects.toThrow('HTTP 403');
    expect(logLines).toContainEqual(
      expect.objectContaining({ event: 'bridge-connection-refused', requestOrigin: 'https://evil.example' }),
    );
  });

  it('refuses a connection without the per-run token', async () => {
    await expect(connect(`http://127.0.0.1:${bridge.port}`, 'wrong-token')).rejects.toThrow('HTTP 403');
  });

  it('answers malformed messages and payloads with typed errors and keeps serving', async () => {
    const socket = await connect(`http://127.0.0.1:${bridge.port}`);
    socket.send('{not json');
    expect(await nextMessage(socket)).toEqual({ id: null, result: { ok: false, error: { code: 'ipc-invalid-payload' } } });
    socket.send(JSON.stringify({ id: 1, channel: 'app:open-external', payload: { url: ['x'] } }));
    expect(await nextMessage(socket)).toEqual({ id: 1, result: { ok: false, error: { code: 'ipc-invalid-payload' } } });
    socket.send(JSON.stringify({ id: 2, channel: 'app:get-info' }));
    expect(await nextMessage(socket)).toMatchObject({ id: 2, result: { ok: true } });
    socket.close();
  });
});
