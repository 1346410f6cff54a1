// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginSignedData } from '../../common/api/login-signed-data';
import { MalformedCertificateError, parseLeafCertificate, verifyLogin, type LoginCheckError } from './certificate-verifier';
import { TrustStore } from './trust-store';

// Each check of a login against certificates made here for it (one per rule), not the card lab's
// profiles: a certificate without an HSA-id, with a server-only EKU, a CA that may not sign certificates.
x509.cryptoProvider.set(webcrypto as unknown as typeof globalThis.crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const ORIGIN = 'https://verifier.test';
const NONCE = 'verifier-test-nonce';
const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date();

interface Issued {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

let serial = 0x1000;

async function issue(o: {
  name: x509.JsonName;
  issuer?: Issued;
  extensions: x509.Extension[];
  notBefore?: Date;
  notAfter?: Date;
  rsa?: boolean | undefined;
}): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(o.rsa ? RSA : EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16),
    subject: o.name,
    issuer: o.issuer ? o.issuer.cert.subjectName : o.name,
    notBefore: o.notBefore ?? new Date(NOW.getTime() - 30 * DAY),
    notAfter: o.notAfter ?? new Date(NOW.getTime() + 365 * DAY),
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: (o.issuer?.keys ?? keys).privateKey,
    extensions: o.extensions,
  });
  return { cert, keys };
}

const caName = (cn: string): x509.JsonName => [{ '2.5.4.6': ['SE'] }, { '2.5.4.10': ['Test'] }, { '2.5.4.3': [cn] }];
const personName = (serialNumber?: string): x509.JsonName => [
  { '2.5.4.6': ['SE'] },
  { '2.5.4.3': ['Alva Testsson'] },
  ...(serialNumber ? [{ '2.5.4.5': [serialNumber] }] : []),
];
const caExtensions = (keyUsage = x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign) => [
  new x509.BasicConstraintsExtension(true, undefined, true),
  new x509.KeyUsagesExtension(keyUsage, true),
];
const AUTH_KU = () => new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true);
const CLIENT_AUTH = () => new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]);

let root: Issued;
let intermediate: Issued;
let trust: TrustStore;

beforeAll(async () => {
  root = await issue({ name: caName('Verifier Root'), extensions: caExtensions() });
  intermediate = await issue({ name: caName('Verifier Person CA'), issuer: root, extensions: caExtensions() });
  trust = new TrustStore([root.cert.toString('pem')], [intermediate.cert.toString('pem')]);
});

/** Issues a leaf (by the intermediate unless told) and runs every check of a login signed with its key. */
async function login(
  o: {
    extensions?: x509.Extension[];
    serialNumber?: string | undefined;
    issuer?: Issued;
    notBefore?: Date;
    notAfter?: Date;
    rsa?: boolean;
    store?: TrustStore;
  } = {},
) {
  const leaf = await issue({
    name: personName('serialNumber' in o ? o.serialNumber : ' se2321000016-a1b2 '),
    issuer: o.issuer ?? intermediate,
    extensions: o.extensions ?? [AUTH_KU(), CLIENT_AUTH()],
    ...(o.notBefore ? { notBefore: o.notBefore } : {}),
    ...(o.notAfter ? { notAfter: o.notAfter } : {}),
    rsa: o.rsa,
  });
  const data = loginSignedData(ORIGIN, NONCE);
  const signature = Buffer.from(await webcrypto.subtle.sign(o.rsa ? RSA : EC, leaf.keys.privateKey, data));
  return verifyLogin({
    leaf: parseLeafCertificate(Buffer.from(leaf.cert.rawData).toString('base64')),
    trust: o.store ?? trust,
    algorithm: o.rsa ? 'RS256' : 'ES256',
    signature,
    origin: ORIGIN,
    nonce: NONCE,
    now: NOW,
  });
}

async function refusal(o: Parameters<typeof login>[0]): Promise<string> {
  try {
    await login(o);
  } catch (e) {
    return (e as LoginCheckError).code;
  }
  throw new Error('the login was accepted');
}

describe('verifyLogin', () => {
  it('accepts an authentication certificate (ES256 and RS256): the HSA-id upper-cased and trimmed, the issuing CA', async () => {
    for (const rsa of [false, true]) {
      const { hsaId, issuer } = await login({ rsa });
      expect(hsaId).toBe('SE2321000016-A1B2');
      expect(issuer.subject).toBe('C=SE, O=Test, CN=Verifier Person CA');
    }
    // Without an extendedKeyUsage, keyUsage digitalSignature is enough.
    expect((await login({ extensions: [AUTH_KU()] })).hsaId).toBe('SE2321000016-A1B2');
  });

  it('refuses a certificate without an HSA-id', async () => {
    expect(await refusal({ serialNumber: undefined })).toBe('certificate-no-hsa-id');
  });

  it('refuses a certificate not for authentication: keyUsage missing or without digitalSignature, EKU without clientAuth, CA:TRUE', async () => {
    expect(await refusal({ extensions: [] })).toBe('certificate-key-usage');
    expect(await refusal({ extensions: [CLIENT_AUTH()] })).toBe('certificate-key-usage');
    const nonRepudiation = new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true);
    expect(await refusal({ extensions: [nonRepudiation] })).toBe('certificate-key-usage');
    const serverAuth = new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]);
    expect(await refusal({ extensions: [AUTH_KU(), serverAuth] })).toBe('certificate-key-usage');
    const ca = new x509.BasicConstraintsExtension(true, undefined, true);
    expect(await refusal({ extensions: [ca, AUTH_KU(), CLIENT_AUTH()] })).toBe('certificate-key-usage');
  });

  it('refuses an expired certificate and one not valid yet', async () => {
    const past = { notBefore: new Date(NOW.getTime() - 60 * DAY), notAfter: new Date(NOW.getTime() - DAY) };
    expect(await refusal(past)).toBe('certificate-expired');
    const future = { notBefore: new Date(NOW.getTime() + DAY), notAfter: new Date(NOW.getTime() + 60 * DAY) };
    expect(await refusal(future)).toBe('certificate-not-yet-valid');
  });

  it('refuses a chain through a CA that may not issue certificates, is outside its validity, or is not trusted', async () => {
    const noCertSign = await issue({
      name: caName('CRL-only CA'),
      issuer: root,
      extensions: caExtensions(x509.KeyUsageFlags.cRLSign),
    });
    const notCa = await issue({
      name: caName('Not a CA'),
      issuer: root,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true)],
    });
    const expiredCa = await issue({
      name: caName('Expired CA'),
      issuer: root,
      extensions: caExtensions(),
      notBefore: new Date(NOW.getTime() - 400 * DAY),
      notAfter: new Date(NOW.getTime() - DAY),
    });
    const noKeyUsageCa = await issue({
      name: caName('CA without keyUsage'),
      issuer: root,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
    });
    const pems = [noCertSign, notCa, expiredCa, noKeyUsageCa].map((ca) => ca.cert.toString('pem'));
    const store = new TrustStore([root.cert.toString('pem')], pems);
    expect(await refusal({ issuer: noCertSign, store })).toBe('certificate-untrusted');
    expect(await refusal({ issuer: notCa, store })).toBe('certificate-untrusted');
    expect(await refusal({ issuer: expiredCa, store })).toBe('certificate-untrusted');
    // basicConstraints CA:TRUE without a keyUsage extension may issue.
    expect((await login({ issuer: noKeyUsageCa, store })).issuer.subject).toBe('C=SE, O=Test, CN=CA without keyUsage');
    // Without the intermediate configured, the chain cannot be built.
    expect(await refusal({ store: new TrustStore([root.cert.toString('pem')]) })).toBe('certificate-untrusted');
  });

  it('names anything that is not an X.509 certificate as malformed', () => {
    expect(() => parseLeafCertificate(Buffer.from([0x30, 0x82, 0x01, 0x00, 1, 2, 3]).toString('base64'))).toThrow(
      MalformedCertificateError,
    );
  });
});
