import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerStatus, BACKEND_STATUS, localServers } from './local-network';
import { BackendClient } from '../../main/backend/backend-client';
import { nodeBackendTransport } from '../../main/backend/node-transport';
import { resolveAppSettings } from '../../main/config/app-settings';
import { AppFailure } from '../../main/errors/app-failure';
import { createTestCa } from '../fixtures/test-tls';

// The proxy and CA settings reach the HTTP client: a backend with a certificate from a test CA
// (as behind a municipality's TLS-inspecting proxy) and a loopback HTTP proxy that counts requests.

let dir: string;
let caFile: string;
let backend: https.Server;
let plainBackend: http.Server;
let proxy: http.Server;
let backendUrl: string;
let plainBackendUrl: string;
let proxyUrl: string;
const proxied: string[] = [];
let redirectingUrl: string;
let redirectTargetHits = 0;
let authProxy: http.Server;
let authProxyUrl: string;
let redirecting: https.Server;
const servers = localServers();
const listen = (server: net.Server) => servers.listen(server);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-network-'));
  const ca = await createTestCa();
  const server = await ca.issueServer();
  caFile = path.join(dir, 'kommun-ca.pem');
  writeFileSync(caFile, ca.certificatePem);
  backend = https.createServer({ cert: server.certificatePem, key: server.keyPem }, answerStatus);
  backendUrl = `https://127.0.0.1:${await listen(backend)}`;
  plainBackend = http.createServer(answerStatus);
  plainBackendUrl = `http://127.0.0.1:${await listen(plainBackend)}`;
  // A forward proxy: CONNECT tunnels for https, absolute-URI requests for http.
  proxy = http.createServer((request, response) => {
    proxied.push(`${request.method} ${request.url}`);
    const target = new URL(request.url!);
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: request.method, headers: request.headers },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(response);
      },
    );
    request.pipe(upstream);
  });
  proxy.on('connect', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    proxied.push(`CONNECT ${request.url}`);
    servers.tunnel(request, socket, head);
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
  // A backend that sends every call elsewhere (a moved service, a captive portal): never followed.
  const redirectTarget = http.createServer((request, response) => {
    redirectTargetHits += 1;
    answerStatus(request, response);
  });
  const redirectTargetUrl = `http://127.0.0.1:${await listen(redirectTarget)}`;
  redirecting = https.createServer({ cert: server.certificatePem, key: server.keyPem }, (request, response) => {
    response.writeHead(302, { location: `${redirectTargetUrl}${request.url}` }).end();
  });
  redirectingUrl = `https://127.0.0.1:${await listen(redirecting)}`;
  // A proxy that wants credentials (Basic) and is never given any.
  const required =
    'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="kommunen"\r\nContent-Length: 0\r\n\r\n';
  authProxy = http.createServer((_request, response) => {
    response.writeHead(407, { 'proxy-authenticate': 'Basic realm="kommunen"' }).end();
  });
  authProxy.on('connect', (_request: http.IncomingMessage, socket: net.Socket) => {
    socket.end(required);
  });
  authProxyUrl = `http://127.0.0.1:${await listen(authProxy)}`;
});

afterAll(async () => {
  await servers.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A client built the way the test bridge builds it: settings from a policy file, the Node transport (undici). */
function clientWithPolicy(policy: Record<string, unknown>, url = backendUrl): BackendClient {
  const policyFile = path.join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(policyFile, JSON.stringify({ backendUrl: url, ...policy }));
  const settings = resolveAppSettings({
    env: { BEHORIGHETSADMIN_POLICY_FILE: policyFile, BEHORIGHETSADMIN_USER_DATA: dir },
    platform: 'linux',
    resourcesDir: dir,
  });
  expect(settings.config.issues).toEqual([]);
  return new BackendClient({
    baseUrl: settings.backend!.url,
    timeoutMs: 5_000,
    transport: nodeBackendTransport(settings.network),
  });
}

async function failureOf(promise: Promise<unknown>): Promise<AppFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppFailure) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('extra CA certificates from policy', () => {
  it('without the CA the call fails with a clear TLS error, never bypassed', async () => {
    const failure = await failureOf(clientWithPolicy({ proxy: 'direct' }).status());
    expect(failure.code).toBe('backend-tls');
    expect(failure.details.reason).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  });

  it('with the CA configured the call succeeds', async () => {
    expect(await clientWithPolicy({ proxy: 'direct', extraCaCertificates: [caFile] }).status()).toEqual(BACKEND_STATUS);
  });
});

describe('proxy from policy', () => {
  it('goes through the proxy when one is configured (a CONNECT tunnel, the CA still checked)', async () => {
    proxied.length = 0;
    const client = clientWithPolicy({ proxy: proxyUrl, extraCaCertificates: [caFile] });
    expect(await client.status()).toEqual(BACKEND_STATUS);
    expect(proxied).toEqual([`CONNECT ${new URL(backendUrl).host}`]);
    proxied.length = 0;
    const failure = await failureOf(clientWithPolicy({ proxy: proxyUrl }).status());
    expect(failure.code).toBe('backend-tls');
    expect(proxied).toEqual([`CONNECT ${new URL(backendUrl).host}`]);
  });

  it('sends plain http through the proxy as well', async () => {
    proxied.length = 0;
    expect(await clientWithPolicy({ proxy: proxyUrl }, plainBackendUrl).status()).toEqual(BACKEND_STATUS);
    expect(proxied).toEqual([`GET ${plainBackendUrl}/api/v1/status`]);
  });

  it('does not touch the proxy when set to direct', async () => {
    proxied.length = 0;
    expect(await clientWithPolicy({ proxy: 'direct', extraCaCertificates: [caFile] }).status()).toEqual(BACKEND_STATUS);
    expect(await clientWithPolicy({ proxy: 'direct' }, plainBackendUrl).status()).toEqual(BACKEND_STATUS);
    expect(proxied).toEqual([]);
  });

  it('a proxy that does not answer is an unreachable backend', async () => {
    const port = await servers.closedPort();
    const failure = await failureOf(
      clientWithPolicy({ proxy: `http://127.0.0.1:${port}`, extraCaCertificates: [caFile] }).status(),
    );
    expect(failure.code).toBe('backend-unreachable');
  });
});

describe('answers the client does not accept', () => {
  it('a redirect from the backend is an error, never followed', async () => {
    redirectTargetHits = 0;
    const failure = await failureOf(
      clientWithPolicy({ proxy: 'direct', extraCaCertificates: [caFile] }, redirectingUrl).status(),
    );
    expect(failure.code).toBe('backend-redirect');
    expect(redirectTargetHits).toBe(0);
  });

  it('a proxy that asks for credentials (407) is reported as such, for https (CONNECT) and plain http', async () => {
    const tunnelled = await failureOf(clientWithPolicy({ proxy: authProxyUrl, extraCaCertificates: [caFile] }).status());
    expect(tunnelled.code).toBe('backend-proxy-auth');
    const forwarded = await failureOf(clientWithPolicy({ proxy: authProxyUrl }, plainBackendUrl).status());
    expect(forwarded.code).toBe('backend-proxy-auth');
  });
});
