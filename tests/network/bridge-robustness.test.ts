import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

// The test bridge in its own process, attacked the way a page on another host or a broken client
// could: DNS rebinding (a foreign Host header) and WebSocket protocol errors sent over a raw socket.

const ROOT = path.resolve(import.meta.dirname, '..', '..');
let bridge: ChildProcess;
let port: number;
let output = '';

beforeAll(async () => {
  bridge = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/fixtures/bridge-process.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bridge.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  port = await new Promise<number>((resolve, reject) => {
    bridge.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (match) resolve(Number(match[1]));
    });
    bridge.once('exit', (code) => reject(new Error(`the bridge exited with ${code}:\n${output}`)));
  });
}, 60_000);

afterAll(() => {
  bridge.kill('SIGKILL');
});

/** GET with a chosen Host header (fetch would not let us set it). */
function get(pathname: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: pathname, headers: { Host: host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

async function tokenFromPage(): Promise<string> {
  const page = await get('/', `127.0.0.1:${port}`);
  return /token=([\w-]+)/.exec(page.body)![1]!;
}

/** Opens the bridge's WebSocket over a raw TCP socket (our origin, the token), then writes `frame`. */
function rawUpgrade(token: string, host = `127.0.0.1:${port}`): Promise<{ socket: net.Socket; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        [
          `GET /bridge?token=${token} HTTP/1.1`,
          `Host: ${host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          `Origin: http://127.0.0.1:${port}`,
          '',
          '',
        ].join('\r\n'),
      );
    });
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve({ socket, head });
      }
    };
    socket.on('data', onData);
    socket.on('error', reject);
  });
}

/** A masked client frame (text unless told), with the length written as the protocol asks. */
function clientFrame(payload: Buffer, opcode = 0x1): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!));
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([0x80 | opcode, 0x80 | payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(0x80 | 126, 1);
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(0x80 | opcode, 0);
    header.writeUInt8(0x80 | 127, 1);
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, mask, masked]);
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.resume();
  });
}

/** One IPC call over a proper client: the bridge still serves. */
async function stillServes(): Promise<void> {
  expect(bridge.exitCode, output).toBeNull();
  const token = await tokenFromPage();
  const socket = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}`, { origin: `http://127.0.0.1:${port}` });
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  const answer = new Promise<Record<string, unknown>>((resolve) =>
    socket.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, unknown>)),
  );
  socket.send(JSON.stringify({ id: 1, channel: 'app:get-info' }));
  expect(await answer).toMatchObject({ id: 1, result: { ok: true, value: { version: '9.9.9' } } });
  socket.close();
}

describe('the test bridge against DNS rebinding', () => {
  it('serves the page (and its token) only to a request for 127.0.0.1 or localhost on its port', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const page = await get('/', host);
      expect(page.status, host).toBe(200);
      expect(page.body, host).toMatch(/token=[\w-]+/);
    }
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, `127.0.0.1.evil.example:${port}`]) {
      const page = await get('/', host);
      expect(page.status, host).toBe(421);
      expect(page.body, host).not.toMatch(/token=/);
    }
  });

  it('refuses a WebSocket upgrade addressed to another host, even with the token', async () => {
    const { socket, head } = await rawUpgrade(await tokenFromPage(), `evil.example:${port}`);
    expect(head).toMatch(/^HTTP\/1\.1 403/);
    socket.destroy();
  });
});

describe('the test bridge against WebSocket protocol errors', () => {
  it('survives a message of 1 MiB + 1 byte: that connection is closed, the bridge keeps serving', async () => {
    const { socket, head } = await rawUpgrade(await tokenFromPage());
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    socket.write(clientFrame(Buffer.alloc(1024 * 1024 + 1, 0x20)));
    await closed(socket);
    await stillServes();
  });

  it('survives a text frame that is not UTF-8: that connection is closed, the bridge keeps serving', async () => {
    const { socket, head } = await rawUpgrade(await tokenFromPage());
    expect(head).toMatch(/^HTTP\/1\.1 101/);
    socket.write(clientFrame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    await closed(socket);
    await stillServes();
  });
});
