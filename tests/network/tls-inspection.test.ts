import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerStatus, localServers } from './local-network';
import { nodeBackendTransport } from '../../main/backend/node-transport';
import type { NetworkSettings } from '../../main/config/app-settings';
import { probeBackend } from '../../main/diagnostics/backend-probe';
import { runDoctorChecks } from '../../main/diagnostics/doctor-checks';
import { fingerprintText, inspectTls } from '../../main/diagnostics/tls-inspection';
import { checkWords } from '../../main/diagnostics/check-words';
import { createTestCa } from '../fixtures/test-tls';

// TLS inspection: the backend's address answers with a certificate from a CA the program does not trust
// (as a TLS-inspecting firewall presents its own), on a real TLS server on loopback. The backend check
// names the issuer that was presented, its SHA-256 fingerprint, and who can fix it.

const POLICY = '/etc/behorighetsadmin/policy.json';
const SV = checkWords('sv');
const INSPECTOR = 'CN=Testkommunens brandvägg TLS-inspektion,O=Testkommunen,C=SE';

const servers = localServers();
const listen = (server: net.Server) => servers.listen(server);
let serviceCaPem: string;
let inspectorCaPem: string;
let genuineUrl: string;
let interceptedUrl: string;
let proxyUrl: string;

beforeAll(async () => {
  // The service's own CA, which IT distributed (extraCaCertificates), and the firewall's, which it did not.
  const serviceCa = await createTestCa('CN=Testmyndighetens TLS-CA,O=Testmyndigheten,C=SE');
  const inspectorCa = await createTestCa(INSPECTOR);
  serviceCaPem = serviceCa.certificatePem;
  inspectorCaPem = inspectorCa.certificatePem;
  const genuine = await serviceCa.issueServer();
  const intercepted = await inspectorCa.issueServer();
  genuineUrl = `https://127.0.0.1:${await listen(https.createServer({ cert: genuine.certificatePem, key: genuine.keyPem }, answerStatus))}`;
  // The firewall sends its CA certificate along with the server certificate it made up, as most do.
  interceptedUrl = `https://127.0.0.1:${await listen(
    https.createServer(
      { cert: `${intercepted.certificatePem.trim()}\n${inspectorCa.certificatePem.trim()}\n`, key: intercepted.keyPem },
      answerStatus,
    ),
  )}`;
  // An explicit forward proxy (CONNECT) in front of the intercepted server, as a municipality's proxy setting.
  const proxy = http.createServer((_request, response) => response.writeHead(405).end());
  proxy.on('connect', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => servers.tunnel(request, socket, head));
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;
});

afterAll(async () => {
  await servers.close();
});

const network = (proxy: NetworkSettings['proxy'] = 'direct'): NetworkSettings => ({ proxy, extraCaPems: [serviceCaPem] });

async function backendCheck(url: string, settings: NetworkSettings) {
  const probe = await probeBackend(url, 3000, nodeBackendTransport(settings), (target) =>
    inspectTls(target, { network: settings, timeoutMs: 3000 }),
  );
  const checks = runDoctorChecks({
    card: {
      pcsc: { service: 'unavailable', readers: [] },
      module: { path: '', status: 'missing', manufacturer: null, description: null, version: null },
      tokens: [],
      caCertificates: 0,
      process: 'running',
      updatedAt: new Date().toISOString(),
    },
    policyLocation: POLICY,
    backend: probe,
    backendUrl: url,
    now: new Date(),
  });
  const check = checks.find((item) => item.id === 'backend')!;
  // The words as the doctor and the support report print them: the catalogue's Swedish.
  return { probe, check: { ...check, message: SV.message(check) } };
}

const inspectorFingerprint = () => fingerprintText(new X509Certificate(inspectorCaPem).fingerprint256.replace(/:/g, ''));

describe('a backend certificate from a CA the program does not trust', () => {
  it('names the firewall CA that was presented, its fingerprint and the remedy', async () => {
    const { probe, check } = await backendCheck(interceptedUrl, network());
    expect(probe.reachable).toBe(false);
    expect(check.status).toBe('fail');
    expect(check.message).toContain(
      'Anslutningen till 127.0.0.1 avlyssnas av "CN=Testkommunens brandvägg TLS-inspektion, O=Testkommunen, C=SE"',
    );
    expect(check.message).toContain(`SHA-256 för utfärdarens certifikat: ${inspectorFingerprint()}`);
    expect(check.message).toContain('undanta 127.0.0.1 från TLS-inspektionen eller sprida sin CA via policy');
    expect(check.message).toContain(`"extraCaCertificates" i ${POLICY}`);
    expect(check.details).toMatchObject({
      presentedIssuer: 'CN=Testkommunens brandvägg TLS-inspektion, O=Testkommunen, C=SE',
      presentedIssuerSha256: new X509Certificate(inspectorCaPem).fingerprint256.replace(/:/g, '').toLowerCase(),
      tlsError: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
  });

  it('sees the same through the configured proxy (CONNECT), as the backend calls go', async () => {
    const { check } = await backendCheck(interceptedUrl, network(proxyUrl));
    expect(check.status).toBe('fail');
    expect(check.message).toContain('avlyssnas av "CN=Testkommunens brandvägg TLS-inspektion');
    expect(check.message).toContain(inspectorFingerprint());
  });

  it("names the issuer of a certificate sent alone, with the certificate's own fingerprint", async () => {
    const inspectorCa = await createTestCa('CN=Ensam proxy-CA');
    const alone = await inspectorCa.issueServer();
    const url = `https://127.0.0.1:${await listen(https.createServer({ cert: alone.certificatePem, key: alone.keyPem }, answerStatus))}`;
    const { check } = await backendCheck(url, network());
    expect(check.message).toContain('avlyssnas av "CN=Ensam proxy-CA" (SHA-256 för serverns certifikat: ');
    expect(check.message).toContain(fingerprintText(new X509Certificate(alone.certificatePem).fingerprint256.replace(/:/g, '')));
    expect(check.details.tlsError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('passes a backend whose certificate chains to a trusted CA (no interception named)', async () => {
    const { probe, check } = await backendCheck(genuineUrl, network());
    expect(probe.reachable).toBe(true);
    expect(check.status).toBe('pass');
    const inspection = await inspectTls(genuineUrl, { network: network() });
    expect(inspection).toMatchObject({
      trusted: true,
      error: null,
      issuer: 'CN=Testmyndighetens TLS-CA, O=Testmyndigheten, C=SE',
    });
  });

  it('says nothing about TLS when the service is simply down', async () => {
    const port = await servers.closedPort();
    const { probe, check } = await backendCheck(`https://127.0.0.1:${port}`, network());
    expect(probe.reachable === false && probe.tls).toBeNull();
    expect(check.message).not.toContain('avlyssnas');
    expect(check.message).toContain('gick inte att nå');
  });
});
