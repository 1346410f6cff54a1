import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { TrustStore as ClientTrustStore } from '../../main/card-process/trust-store';
import { parseLeafCertificate, verifyChain } from '../../server/auth/certificate-verifier';
import { TrustStore as ServerTrustStore } from '../../server/auth/trust-store';
import { LAB_PERSON, PROFILE_NAMES, type CardProfileName } from './profiles.js';
import { ensureTestPki, type IssuedCredential, type TestPki } from './test-pki.js';

const run = promisify(execFile);
const DAY = 86_400_000;

let pki: TestPki;
let tmp: string;

beforeAll(async () => {
  pki = await ensureTestPki();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cardlab-pki-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function certFile(cred: IssuedCredential, name: string): Promise<string> {
  const file = path.join(tmp, `${name}.pem`);
  await writeFile(file, cred.certificatePem);
  return file;
}

/** `openssl x509` view of a certificate. */
async function inspect(
  file: string,
): Promise<{ subject: string; issuer: string; notBefore: Date; notAfter: Date; text: string }> {
  const { stdout } = await run('openssl', [
    'x509',
    '-in',
    file,
    '-noout',
    '-subject',
    '-issuer',
    '-startdate',
    '-enddate',
    '-text',
    '-nameopt',
    'RFC2253',
  ]);
  const field = (name: string): string => new RegExp(`^${name}=(.*)$`, 'm').exec(stdout)?.[1] ?? '';
  return {
    subject: field('subject'),
    issuer: field('issuer'),
    notBefore: new Date(field('notBefore')),
    notAfter: new Date(field('notAfter')),
    text: stdout,
  };
}

/** `openssl verify` against a trust anchor and intermediate; resolves to its output (ok or error). */
async function opensslVerify(file: string, root: string, intermediate: string): Promise<string> {
  try {
    const { stdout } = await run('openssl', ['verify', '-CAfile', root, '-untrusted', intermediate, file]);
    return stdout;
  } catch (err) {
    return String((err as { stdout?: string; stderr?: string }).stdout ?? '') + String((err as { stderr?: string }).stderr ?? '');
  }
}

describe('test PKI', () => {
  it('has the SITHS-like CA chain and a separate untrusted root, on disk as PEM', async () => {
    expect((await inspect(pki.rootCa.certificatePath)).subject).toBe('CN=Test SITHS e-id Root CA v2,O=Test SITHS,C=SE');
    const intermediate = await inspect(pki.intermediateCa.certificatePath);
    expect(intermediate.subject).toBe('CN=Test SITHS e-id Person ID 3 CA,O=Test SITHS,C=SE');
    expect(intermediate.issuer).toBe('CN=Test SITHS e-id Root CA v2,O=Test SITHS,C=SE');
    expect((await inspect(pki.untrustedRootCa.certificatePath)).subject).toContain('CN=Test Untrusted Root CA');
    expect(pki.rootCa.certificatePem).toContain('BEGIN CERTIFICATE');
  });

  it('writes one CA file (root and intermediate) that alone makes the app and the backend trust a valid card', async () => {
    const card = await pki.issueCard('valid');
    const leaf = card.authentication!.certificateDer;
    // With the root alone (what the lab used to print as trustAnchor) the chain cannot be built.
    expect(ClientTrustStore.fromPemFiles([pki.rootCa.certificatePath]).isTrusted(new X509Certificate(leaf))).toBe(false);
    const client = ClientTrustStore.fromPemFiles([pki.caCertificatesPath]);
    expect(client.size).toBe(2);
    expect(client.isTrusted(new X509Certificate(leaf))).toBe(true);
    const server = ServerTrustStore.fromCaFiles([pki.caCertificatesPath]);
    expect(server.describe()).toEqual({
      anchors: ['C=SE, O=Test SITHS, CN=Test SITHS e-id Root CA v2'],
      intermediates: ['C=SE, O=Test SITHS, CN=Test SITHS e-id Person ID 3 CA'],
    });
    expect(() => verifyChain(parseLeafCertificate(Buffer.from(leaf).toString('base64')), server, new Date())).not.toThrow();
    const untrusted = (await pki.issueCard('untrusted')).authentication!.certificateDer;
    expect(client.isTrusted(new X509Certificate(untrusted))).toBe(false);
  });

  it('is cached: a second call returns the same CAs', async () => {
    const again = await ensureTestPki();
    expect(again.rootCa.certificatePem).toBe(pki.rootCa.certificatePem);
  });

  it('issues SITHS-shaped authentication and signature certificates', async () => {
    const card = await pki.issueCard('valid');
    expect(card.pin).toBe('123456');
    expect(card.keyAlgorithm).toBe('rsa-2048');
    const auth = await inspect(await certFile(card.authentication!, 'valid-auth'));
    expect(auth.subject).toBe('serialNumber=SE2321000016-A1B2,SN=Testsson,GN=Alva,CN=Alva Testsson,O=Testkommunen,C=SE');
    expect(auth.issuer).toBe('CN=Test SITHS e-id Person ID 3 CA,O=Test SITHS,C=SE');
    expect(auth.text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\s/);
    expect(auth.text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication/);
    expect(auth.text).toContain('Public-Key: (2048 bit)');
    const sign = await inspect(await certFile(card.signature!, 'valid-sign'));
    expect(sign.text).toMatch(/X509v3 Key Usage: critical\s+Non Repudiation\s/);
    expect(sign.text).not.toContain('Extended Key Usage');
  });

  it('lets a test issue a card for a second administrator', async () => {
    const card = await pki.issueCard('valid', { ...LAB_PERSON, givenName: 'Bertil', hsaId: 'SE2321000016-B2C3' });
    const auth = await inspect(await certFile(card.authentication!, 'other-auth'));
    expect(auth.subject).toContain('serialNumber=SE2321000016-B2C3');
    expect(auth.subject).toContain('CN=Bertil Testsson');
  });

  const expectations: Record<CardProfileName, (pki: TestPki) => Promise<void>> = {
    valid: async (p) => {
      const card = await p.issueCard('valid');
      const file = await certFile(card.authentication!, 'v');
      expect(await opensslVerify(file, p.rootCa.certificatePath, p.intermediateCa.certificatePath)).toContain(': OK');
    },
    expired: async (p) => {
      const file = await certFile((await p.issueCard('expired')).authentication!, 'expired');
      const { notAfter } = await inspect(file);
      expect(Date.now() - notAfter.getTime()).toBeGreaterThan(0.9 * DAY);
      expect(Date.now() - notAfter.getTime()).toBeLessThan(2 * DAY);
      expect(await opensslVerify(file, p.rootCa.certificatePath, p.intermediateCa.certificatePath)).toContain(
        'certificate has expired',
      );
    },
    'not-yet-valid': async (p) => {
      const file = await certFile((await p.issueCard('not-yet-valid')).authentication!, 'nyv');
      expect((await inspect(file)).notBefore.getTime()).toBeGreaterThan(Date.now());
      expect(await opensslVerify(file, p.rootCa.certificatePath, p.intermediateCa.certificatePath)).toContain(
        'certificate is not yet valid',
      );
    },
    'expiring-soon': async (p) => {
      const file = await certFile((await p.issueCard('expiring-soon')).authentication!, 'soon');
      const daysLeft = Math.floor(((await inspect(file)).notAfter.getTime() - Date.now()) / DAY);
      expect(daysLeft).toBe(10);
      expect(await opensslVerify(file, p.rootCa.certificatePath, p.intermediateCa.certificatePath)).toContain(': OK');
    },
    untrusted: async (p) => {
      const file = await certFile((await p.issueCard('untrusted')).authentication!, 'untrusted');
      expect((await inspect(file)).issuer).toContain('CN=Test Untrusted Person ID CA');
      expect(await opensslVerify(file, p.rootCa.certificatePath, p.untrustedIntermediateCa.certificatePath)).not.toContain(
        ': OK',
      );
      expect(await opensslVerify(file, p.untrustedRootCa.certificatePath, p.untrustedIntermediateCa.certificatePath)).toContain(
        ': OK',
      );
    },
    'one-try-left': async (p) => {
      expect((await p.issueCard('one-try-left')).authentication).not.toBeNull();
    },
    locked: async (p) => {
      expect((await p.issueCard('locked')).authentication).not.toBeNull();
    },
    'two-tries-left': async (p) => {
      expect((await p.issueCard('two-tries-left')).authentication).not.toBeNull();
    },
    'puk-blocked': async (p) => {
      expect((await p.issueCard('puk-blocked')).authentication).not.toBeNull();
    },
    'no-auth-cert': async (p) => {
      const card = await p.issueCard('no-auth-cert');
      expect(card.authentication).toBeNull();
      expect(card.signature).not.toBeNull();
    },
    ecc: async (p) => {
      const card = await p.issueCard('ecc');
      expect(card.keyAlgorithm).toBe('ec-p256');
      const { text } = await inspect(await certFile(card.authentication!, 'ecc'));
      expect(text).toContain('NIST CURVE: P-256');
    },
    revoked: async (p) => {
      // Issued like a valid card; revoked only where a responder registers it (revocation-responder.test.ts).
      const file = await certFile((await p.issueCard('revoked')).authentication!, 'revoked');
      expect(await opensslVerify(file, p.rootCa.certificatePath, p.intermediateCa.certificatePath)).toContain(': OK');
    },
    'unknown-card': async (p) => {
      const card = await p.issueCard('unknown-card');
      expect(card.authentication).toBeNull();
      expect(card.signature).toBeNull();
    },
    'ca-leaf': async (p) => {
      const { text } = await inspect(await certFile((await p.issueCard('ca-leaf')).authentication!, 'ca-leaf'));
      expect(text).toContain('CA:TRUE');
      expect(text).toContain('TLS Web Client Authentication');
    },
  };

  it.each(PROFILE_NAMES)('profile %s has the certificates it promises', async (profile) => {
    await expectations[profile](pki);
  });
});
