import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppFailure } from '../errors/app-failure';
import { BackendClient } from './backend-client';

// The backend client against real loopback HTTP servers that misbehave.
const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function failureOf(promise: Promise<unknown>): Promise<AppFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppFailure) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const STATUS = { status: 'ok', time: new Date().toISOString(), version: '1', message: null };

describe('backend client faults', () => {
  it('says unreachable when nothing listens', async () => {
    const url = await serve(() => undefined);
    servers[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const client = new BackendClient({ baseUrl: url, timeoutMs: 1000 });
    expect((await failureOf(client.challenge())).code).toBe('backend-unreachable');
  });

  it('says timeout when the backend is slower than the limit, and does not retry a login', async () => {
    let logins = 0;
    const url = await serve((request) => {
      if (request.url?.includes('login')) logins += 1;
      // Never answers.
    });
    const client = new BackendClient({ baseUrl: url, timeoutMs: 300 });
    const started = Date.now();
    const failure = await failureOf(
      client.login({ certificate: 'AA==', signature: 'AA==', algorithm: 'RS256', nonce: 'n', origin: 'https://x' }),
    );
    expect(failure.code).toBe('backend-timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(logins).toBe(1);
  });

  it('maps a 500 without an error body to backend-failed, and retries only idempotent reads once', async () => {
    let statusCalls = 0;
    let challengeCalls = 0;
    const url = await serve((request, response) => {
      if (request.url?.includes('status')) statusCalls += 1;
      if (request.url?.includes('challenge')) challengeCalls += 1;
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    });
    const client = new BackendClient({ baseUrl: url, timeoutMs: 1000 });
    expect((await failureOf(client.status())).code).toBe('backend-failed');
    expect(statusCalls).toBe(2);
    expect((await failureOf(client.challenge())).code).toBe('backend-failed');
    expect(challengeCalls).toBe(1);
  });

  it('refuses malformed JSON and answers that break the schema', async () => {
    const url = await serve((request, response) => {
      if (request.url?.includes('status'))
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "ok", ');
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ nonce: 42 }));
    });
    const client = new BackendClient({ baseUrl: url, timeoutMs: 1000 });
    expect((await failureOf(client.status())).code).toBe('backend-malformed');
    expect((await failureOf(client.challenge())).code).toBe('backend-malformed');
  });

  it('maps the backend error vocabulary and keeps field messages', async () => {
    const url = await serve((_request, response) => {
      response
        .writeHead(400, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ error: { code: 'validation-failed', message: 'bad', fields: { hsaId: 'HSA-id har fel format' } } }),
        );
    });
    const client = new BackendClient({ baseUrl: url, timeoutMs: 1000 });
    const failure = await failureOf(client.createUser('t', { givenName: 'A', surname: 'B', hsaId: 'x', email: 'a@b.se' }));
    expect(failure.code).toBe('validation-failed');
    expect(failure.details['field.hsaId']).toBe('HSA-id har fel format');
  });

  it("passes on a refused user's contacts (their organisation's orderer and administrators) as details", async () => {
    const contact = {
      organisation: 'Testkommunen',
      role: 'authorised-orderer',
      givenName: 'Olle',
      surname: 'B',
      email: 'o@t.se',
    };
    const url = await serve((_request, response) => {
      response
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'not-authorised', message: 'nej', contacts: [contact] } }));
    });
    const client = new BackendClient({ baseUrl: url, timeoutMs: 1000 });
    const failure = await failureOf(
      client.login({ certificate: 'AA==', signature: 'AA==', algorithm: 'RS256', nonce: 'n', origin: 'https://x' }),
    );
    expect(failure.code).toBe('login-not-authorised');
    expect(failure.details).toMatchObject({
      'contact.0.organisation': 'Testkommunen',
      'contact.0.role': 'authorised-orderer',
      'contact.0.givenName': 'Olle',
      'contact.0.surname': 'B',
      'contact.0.email': 'o@t.se',
    });
  });

  it('sends the bearer token and If-Match, and reads a good answer', async () => {
    let seen: http.IncomingHttpHeaders = {};
    const url = await serve((request, response) => {
      seen = request.headers;
      if (request.url?.includes('status'))
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(STATUS));
      else response.writeHead(204).end();
    });
    const client = new BackendClient({ baseUrl: url, timeoutMs: 1000 });
    await client.deleteUser('tok', 'u1', 7);
    expect(seen.authorization).toBe('Bearer tok');
    expect(seen['if-match']).toBe('"7"');
    expect((await client.status()).status).toBe('ok');
  });
});
