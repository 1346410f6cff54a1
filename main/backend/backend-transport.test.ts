import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppFailure } from '../errors/app-failure';
import { BackendClient } from './backend-client';
import { transportFailure, type BackendTransport } from './backend-transport';

const STATUS = { status: 'ok', time: new Date().toISOString(), version: '1', message: null };
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(STATUS));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

async function failureOf(promise: Promise<unknown>): Promise<AppFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('backend calls through axios fetch adapter', () => {
  it('hand the transport fetch every call, with redirects as errors (never manual)', async () => {
    const seen: string[] = [];
    // Node's real fetch, recorded.
    const recording: BackendTransport = {
      env: {
        fetch: (input, init) => {
          seen.push(init?.redirect ?? (input instanceof Request ? input.redirect : 'follow'));
          return fetch(input, init);
        },
      },
    };
    expect((await new BackendClient({ baseUrl: url, transport: recording }).status()).status).toBe('ok');
    expect(seen).toEqual(['error']);
  });

  // A FAKE of Electron's net.fetch (Electron cannot run here): it fails the way net.fetch does, with
  // the messages of Electron's ClientRequest and Chromium's net error names.
  const netFetchFailing = (message: string): BackendTransport => ({
    env: { fetch: () => Promise.reject(new Error(message)) },
  });

  it('classifies net.fetch failures: redirect, proxy login, TLS, timeout, unreachable', async () => {
    const cases: [string, string][] = [
      ["Attempted to redirect, but redirect policy was 'error'", 'backend-redirect'],
      ['net::ERR_TOO_MANY_REDIRECTS', 'backend-redirect'],
      ['net::ERR_PROXY_AUTH_UNSUPPORTED', 'backend-proxy-auth'],
      ['net::ERR_PROXY_AUTH_REQUESTED', 'backend-proxy-auth'],
      ['net::ERR_CERT_AUTHORITY_INVALID', 'backend-tls'],
      ['net::ERR_SSL_PROTOCOL_ERROR', 'backend-tls'],
      ['net::ERR_TIMED_OUT', 'backend-timeout'],
      ['net::ERR_CONNECTION_REFUSED', 'backend-unreachable'],
      ['net::ERR_NAME_NOT_RESOLVED', 'backend-unreachable'],
    ];
    for (const [message, code] of cases) {
      const failure = await failureOf(new BackendClient({ baseUrl: url, transport: netFetchFailing(message) }).challenge());
      expect(failure.code, message).toBe(code);
    }
  });

  it('names the Chromium or Node error as the reason', () => {
    expect(transportFailure(new Error('net::ERR_CERT_DATE_INVALID')).details).toEqual({ reason: 'ERR_CERT_DATE_INVALID' });
    const undici = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(transportFailure(undici)).toMatchObject({ code: 'backend-unreachable', details: { reason: 'ECONNREFUSED' } });
  });
});
