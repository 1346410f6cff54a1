import { execFile } from 'node:child_process';
import { webcrypto, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RevocationChecker, type RevocationFetch } from '../../common/revocation/revocation-check';
import { ensureTestPki, LAB_PERSON, type CardCredentials, type TestPki } from '../cardlab/index';
import { startRevocationResponder, type RevocationResponder } from '../cardlab/revocation-responder';

// The revocation check (common/revocation) against the lab's OCSP responder and CRL on loopback, and
// the responder itself against an independent client (openssl ocsp / openssl crl).
const run = promisify(execFile);
let pki: TestPki;
let responder: RevocationResponder;
let tmp: string;
let valid: CardCredentials;
let revoked: CardCredentials;

const nodeFetch: RevocationFetch = (url, init) => fetch(url, init);

function checker(fetchImpl: RevocationFetch = nodeFetch, timeoutMs = 2000) {
  return new RevocationChecker({ fetch: fetchImpl, timeoutMs });
}

function target(card: CardCredentials) {
  return { certificate: card.authentication!.certificateDer, issuer: pki.intermediateCa.certificateDer };
}

async function pemFile(card: CardCredentials, name: string): Promise<string> {
  const file = path.join(tmp, `${name}.pem`);
  await writeFile(file, card.authentication!.certificatePem);
  return file;
}

async function opensslOcsp(card: CardCredentials, name: string): Promise<string> {
  const args = ['ocsp', '-issuer', pki.intermediateCa.certificatePath, '-cert', await pemFile(card, name)];
  args.push('-url', responder.ocspUrl, '-CAfile', pki.caCertificatesPath, '-timeout', '5');
  const { stdout, stderr } = await run('openssl', args);
  return stdout + stderr;
}

beforeAll(async () => {
  pki = await ensureTestPki();
  responder = await startRevocationResponder(pki.issuingCa);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'revocation-'));
  valid = await pki.issueCard('valid', undefined, responder);
  revoked = await pki.issueCard('revoked', undefined, responder);
});

afterAll(async () => {
  await responder?.stop();
  await rm(tmp, { recursive: true, force: true });
});

afterEach(async () => {
  await responder.setMode({ ocsp: 'up', crl: 'up' });
});

describe('the lab responder, as openssl sees it', () => {
  it('names the responder and the CRL in the card certificate', async () => {
    const { stdout } = await run('openssl', [
      'x509',
      '-in',
      await pemFile(valid, 'aia'),
      '-noout',
      '-ext',
      'authorityInfoAccess,crlDistributionPoints',
    ]);
    expect(stdout).toContain(`OCSP - URI:${responder.ocspUrl}`);
    expect(stdout).toContain(`URI:${responder.crlUrl}`);
  });

  it('answers good, revoked and unknown with a signed response that echoes the nonce', async () => {
    const good = await opensslOcsp(valid, 'good');
    expect(good).toContain('Response verify OK');
    expect(good).toMatch(/: good/);
    expect(good).not.toContain('WARNING: no nonce');
    expect(await opensslOcsp(revoked, 'revoked')).toMatch(/: revoked/);
    await responder.setMode({ ocsp: 'unknown' });
    expect(await opensslOcsp(valid, 'unknown')).toMatch(/: unknown/);
  });

  it('serves a CRL signed by the issuing CA that lists the revoked card only', async () => {
    const response = await fetch(responder.crlUrl);
    const file = path.join(tmp, 'person-ca.crl');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const { stdout, stderr } = await run('openssl', [
      'crl',
      '-inform',
      'DER',
      '-in',
      file,
      '-CAfile',
      pki.caCertificatesPath,
      '-noout',
      '-text',
    ]);
    expect(stderr + stdout).toContain('verify OK');
    const serial = (card: CardCredentials) => new X509Certificate(card.authentication!.certificateDer).serialNumber;
    expect(stdout.toUpperCase()).toContain(serial(revoked));
    expect(stdout.toUpperCase()).not.toContain(serial(valid));
  });
});

describe('RevocationChecker', () => {
  it('good by OCSP, with the responder and nextUpdate', async () => {
    const status = await checker().check(target(valid));
    expect(status).toMatchObject({ status: 'good', source: 'ocsp', responder: responder.ocspUrl, reason: null });
    expect(Date.parse(status.nextUpdate!)).toBeGreaterThan(Date.now());
  });

  it('revoked by OCSP, with the revocation time', async () => {
    const status = await checker().check(target(revoked));
    expect(status).toMatchObject({ status: 'revoked', source: 'ocsp' });
    expect(Date.parse(status.revokedAt!)).toBeLessThan(Date.now());
  });

  it('caches an answer until its nextUpdate: the second check asks nobody', async () => {
    const shared = checker();
    await shared.check(target(valid));
    const asked = responder.requests.ocsp;
    expect((await shared.check(target(valid))).status).toBe('good');
    expect(responder.requests.ocsp).toBe(asked);
  });

  it('unknown when the responder does not know the certificate, without falling back to the CRL', async () => {
    await responder.setMode({ ocsp: 'unknown' });
    const crlBefore = responder.requests.crl;
    expect(await checker().check(target(revoked))).toMatchObject({
      status: 'unknown',
      reason: 'responder-unknown',
      source: 'ocsp',
    });
    expect(responder.requests.crl).toBe(crlBefore);
  });

  it('falls back to the CRL when the responder is down', async () => {
    await responder.setMode({ ocsp: 'down' });
    expect(await checker().check(target(valid))).toMatchObject({ status: 'good', source: 'crl', responder: responder.crlUrl });
    expect(await checker().check(target(revoked))).toMatchObject({ status: 'revoked', source: 'crl' });
  });

  it('unknown (unreachable), naming the responder, when neither OCSP nor the CRL answers', async () => {
    await responder.setMode({ ocsp: 'down', crl: 'down' });
    expect(await checker().check(target(revoked))).toMatchObject({
      status: 'unknown',
      reason: 'unreachable',
      responder: responder.ocspUrl,
    });
  });

  it('refuses a replayed response (not our nonce) and does not trust it', async () => {
    let replay: ArrayBuffer | null = null;
    const recording: RevocationFetch = async (url, init) => {
      const response = await fetch(url, init);
      const body = await response.arrayBuffer();
      if (init.method === 'POST') replay ??= body;
      return { ok: response.ok, status: response.status, arrayBuffer: async () => (init.method === 'POST' ? replay! : body) };
    };
    await checker(recording).check(target(revoked));
    await responder.setMode({ crl: 'down' });
    expect(await checker(recording).check(target(revoked))).toMatchObject({ status: 'unknown', reason: 'invalid-response' });
  });

  it('refuses answers (OCSP and CRL) signed with a key that is not the CA key', async () => {
    const { privateKey } = (await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      false,
      ['sign', 'verify'],
    )) as webcrypto.CryptoKeyPair;
    const forger = await startRevocationResponder({ certificate: pki.issuingCa.certificate, key: privateKey });
    try {
      const card = await pki.issueCard('valid', { ...LAB_PERSON, hsaId: 'SE2321000016-F0RG' }, forger);
      expect(await checker().check(target(card))).toMatchObject({ status: 'unknown', reason: 'invalid-response' });
    } finally {
      await forger.stop();
    }
  });

  it('gives up on a responder that never answers, within its time limit', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const redirect: RevocationFetch = (url, init) =>
      fetch(url.startsWith(responder.ocspUrl) ? `http://127.0.0.1:${port}/` : url, init);
    await responder.setMode({ crl: 'down' });
    try {
      expect(await checker(redirect, 300).check(target(valid))).toMatchObject({ status: 'unknown', reason: 'unreachable' });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
