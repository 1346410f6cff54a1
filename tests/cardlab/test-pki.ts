import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PKI_DIR } from './paths.js';
import type { IssuingCa, RevocationEndpoints } from './revocation-responder.js';
import { LAB_PERSON, LAB_PIN, LAB_PUK, PROFILES, type CardProfileName, type KeyAlgorithm, type LabPerson } from './profiles.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as typeof globalThis.crypto);

/** A certificate and its private key as issued to a card. */
export interface IssuedCredential {
  certificateDer: Uint8Array;
  certificatePem: string;
  privateKeyPkcs8Der: Uint8Array;
}

/** Everything that goes on one lab card (or SoftHSM token). */
export interface CardCredentials {
  profile: CardProfileName;
  person: LabPerson;
  pin: string;
  puk?: string;
  /** PIV key 9A: keyUsage digitalSignature, extendedKeyUsage clientAuth. */
  authentication: IssuedCredential | null;
  /** PIV key 9C: keyUsage nonRepudiation. */
  signature: IssuedCredential | null;
  keyAlgorithm: KeyAlgorithm;
}

/** A CA certificate of the test PKI, in PEM, also on disk. */
export interface CaCertificate {
  subject: string;
  certificatePem: string;
  certificateDer: Uint8Array;
  /** PEM file. */
  certificatePath: string;
}

/** The lab's test PKI. */
export interface TestPki {
  dir: string;
  /** "Test SITHS e-id Root CA v2": the trust anchor. */
  rootCa: CaCertificate;
  /** "Test SITHS e-id Person ID 3 CA": issues the person certificates. */
  intermediateCa: CaCertificate;
  /** "Test Untrusted Root CA": a second root that no one trusts. */
  untrustedRootCa: CaCertificate;
  /** "Test Untrusted Person ID CA": issues the `untrusted` profile's certificates. */
  untrustedIntermediateCa: CaCertificate;
  /**
   * One PEM file with every CA certificate the app and the reference backend need for lab cards: the
   * root and the intermediate (what IT configures for SITHS: root and issuing CAs, in one list).
   */
  caCertificatesPath: string;
  /** "Test SITHS e-id Person ID 3 CA" with its signing key: what the lab's OCSP responder and CRL sign with. */
  issuingCa: IssuingCa;
  /**
   * Issue fresh keys and certificates for a card of this profile (memoised per process). With
   * `revocation`, the certificates name its OCSP responder (AIA) and CRL distribution point and are
   * registered there (the `revoked` profile as revoked).
   */
  issueCard(profile: CardProfileName, person?: LabPerson, revocation?: RevocationEndpoints): Promise<CardCredentials>;
}

export const ROOT_CA_NAME = 'Test SITHS e-id Root CA v2';
export const INTERMEDIATE_CA_NAME = 'Test SITHS e-id Person ID 3 CA';
export const UNTRUSTED_ROOT_CA_NAME = 'Test Untrusted Root CA';
export const UNTRUSTED_INTERMEDIATE_CA_NAME = 'Test Untrusted Person ID CA';

const OID = {
  country: '2.5.4.6',
  organisation: '2.5.4.10',
  commonName: '2.5.4.3',
  givenName: '2.5.4.42',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
} as const;

const RSA_ALG: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const EC_ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

const DAY = 24 * 60 * 60 * 1000;
const YEAR = 365 * DAY;

interface CaKey {
  cert: x509.X509Certificate;
  key: CryptoKey;
  info: CaCertificate;
}

const CA_FILES = {
  root: 'root-ca',
  intermediate: 'person-ca',
  untrustedRoot: 'untrusted-root-ca',
  untrustedIntermediate: 'untrusted-person-ca',
} as const;
type CaId = keyof typeof CA_FILES;

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10; // positive, no leading zero byte
  return bytes.toString('hex');
}

function caName(cn: string, organisation: string): x509.JsonName {
  return [{ [OID.country]: ['SE'] }, { [OID.organisation]: [organisation] }, { [OID.commonName]: [cn] }];
}

async function caExtensions(
  publicKey: CryptoKey,
  issuerPublicKey: CryptoKey | null,
  pathLength?: number,
): Promise<x509.Extension[]> {
  const ext: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
  if (issuerPublicKey) ext.push(await x509.AuthorityKeyIdentifierExtension.create(issuerPublicKey));
  return ext;
}

interface GeneratedCa {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

async function generateCaPair(
  cn: string,
  organisation: string,
  now: number,
): Promise<{ root: GeneratedCa; sub: (subCn: string) => Promise<GeneratedCa> }> {
  const rootKeys = (await webcrypto.subtle.generateKey(RSA_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: caName(cn, organisation),
    notBefore: new Date(now - 5 * YEAR),
    notAfter: new Date(now + 25 * YEAR),
    signingAlgorithm: RSA_ALG,
    keys: rootKeys,
    extensions: await caExtensions(rootKeys.publicKey, null),
  });
  return {
    root: { cert: rootCert, keys: rootKeys },
    sub: async (subCn) => {
      const keys = (await webcrypto.subtle.generateKey(RSA_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        subject: caName(subCn, organisation),
        issuer: rootCert.subjectName,
        notBefore: new Date(now - 4 * YEAR),
        notAfter: new Date(now + 20 * YEAR),
        signingAlgorithm: RSA_ALG,
        publicKey: keys.publicKey,
        signingKey: rootKeys.privateKey,
        extensions: await caExtensions(keys.publicKey, rootKeys.publicKey, 0),
      });
      return { cert, keys };
    },
  };
}

async function writeCa(dir: string, id: CaId, cert: x509.X509Certificate, key: CryptoKey): Promise<void> {
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key));
  await writeFile(path.join(dir, `${CA_FILES[id]}.pem`), cert.toString('pem') + '\n');
  await writeFile(path.join(dir, `${CA_FILES[id]}.key.der`), pkcs8, { mode: 0o600 });
}

/** Generate all four CAs into a fresh temp dir and move it into place atomically. */
async function generatePki(): Promise<void> {
  await mkdir(path.dirname(PKI_DIR), { recursive: true });
  const tmp = await mkdtemp(path.join(path.dirname(PKI_DIR), 'pki-tmp-'));
  try {
    const now = Date.now();
    const siths = await generateCaPair(ROOT_CA_NAME, 'Test SITHS', now);
    const personCa = await siths.sub(INTERMEDIATE_CA_NAME);
    const untrusted = await generateCaPair(UNTRUSTED_ROOT_CA_NAME, 'Test Untrusted', now);
    const untrustedPersonCa = await untrusted.sub(UNTRUSTED_INTERMEDIATE_CA_NAME);
    await writeCa(tmp, 'root', siths.root.cert, siths.root.keys.privateKey);
    await writeCa(tmp, 'intermediate', personCa.cert, personCa.keys.privateKey);
    await writeCa(tmp, 'untrustedRoot', untrusted.root.cert, untrusted.root.keys.privateKey);
    await writeCa(tmp, 'untrustedIntermediate', untrustedPersonCa.cert, untrustedPersonCa.keys.privateKey);
    await writeFile(
      path.join(tmp, 'README.txt'),
      'Generated by tests/cardlab (test PKI of the card lab). Test keys only; delete this directory to regenerate.\n',
    );
    try {
      await rename(tmp, PKI_DIR);
    } catch (err) {
      // Another process generated it first: keep theirs.
      if (!existsSync(path.join(PKI_DIR, `${CA_FILES.untrustedIntermediate}.key.der`))) throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function pkiComplete(): boolean {
  return Object.values(CA_FILES).every(
    (f) => existsSync(path.join(PKI_DIR, `${f}.pem`)) && existsSync(path.join(PKI_DIR, `${f}.key.der`)),
  );
}

async function loadCa(id: CaId): Promise<CaKey> {
  const certificatePath = path.join(PKI_DIR, `${CA_FILES[id]}.pem`);
  const certificatePem = await readFile(certificatePath, 'utf8');
  const cert = new x509.X509Certificate(certificatePem);
  const pkcs8 = await readFile(path.join(PKI_DIR, `${CA_FILES[id]}.key.der`));
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, RSA_ALG, false, ['sign']);
  return {
    cert,
    key,
    info: { subject: cert.subject, certificatePem, certificateDer: new Uint8Array(cert.rawData), certificatePath },
  };
}

function personName(person: LabPerson): x509.JsonName {
  return [
    { [OID.country]: ['SE'] },
    { [OID.organisation]: [person.organisation] },
    { [OID.commonName]: [`${person.givenName} ${person.surname}`] },
    { [OID.givenName]: [person.givenName] },
    { [OID.surname]: [person.surname] },
    { [OID.serialNumber]: [person.hsaId] },
  ];
}

async function issuePersonCert(
  issuer: CaKey,
  person: LabPerson,
  keyAlgorithm: KeyAlgorithm,
  usage: 'authentication' | 'signature',
  notBefore: Date,
  notAfter: Date,
  revocation: RevocationEndpoints | undefined,
  leafIsCa = false,
): Promise<IssuedCredential> {
  const alg = keyAlgorithm === 'ec-p256' ? EC_ALG : RSA_ALG;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(leafIsCa, undefined, true),
    usage === 'authentication'
      ? new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)
      : new x509.KeyUsagesExtension(x509.KeyUsageFlags.nonRepudiation, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.cert.publicKey),
  ];
  if (usage === 'authentication') {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]));
  }
  if (revocation) {
    extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: [new x509.GeneralName('url', revocation.ocspUrl)] }));
    extensions.push(new x509.CRLDistributionPointsExtension([revocation.crlUrl]));
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: personName(person),
    issuer: issuer.cert.subjectName,
    notBefore,
    notAfter,
    signingAlgorithm: RSA_ALG,
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    extensions,
  });
  return {
    certificateDer: new Uint8Array(cert.rawData),
    certificatePem: cert.toString('pem') + '\n',
    privateKeyPkcs8Der: new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}

const CA_BUNDLE_FILE = 'ca-certificates.pem';

/** Writes the CA bundle (root then intermediate) unless it is there with the same content; atomic. */
async function writeCaBundle(cas: readonly CaCertificate[]): Promise<string> {
  const file = path.join(PKI_DIR, CA_BUNDLE_FILE);
  const content = cas.map((ca) => ca.certificatePem.trim() + '\n').join('');
  const current = await readFile(file, 'utf8').catch(() => null);
  if (current !== content) {
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, content);
    await rename(tmp, file);
  }
  return file;
}

let pkiPromise: Promise<TestPki> | null = null;

/**
 * The lab's test PKI, generated once under `.cardlab/pki/` and reused (regenerated when files are
 * missing). Person certificates are issued fresh per process and profile, relative to the current time.
 */
export function ensureTestPki(): Promise<TestPki> {
  pkiPromise ??= loadPki().catch((err: unknown) => {
    pkiPromise = null;
    throw err;
  });
  return pkiPromise;
}

async function loadPki(): Promise<TestPki> {
  if (!pkiComplete()) {
    await rm(PKI_DIR, { recursive: true, force: true });
    await generatePki();
  }
  const [root, intermediate, untrustedRoot, untrustedIntermediate] = await Promise.all([
    loadCa('root'),
    loadCa('intermediate'),
    loadCa('untrustedRoot'),
    loadCa('untrustedIntermediate'),
  ]);
  const caCertificatesPath = await writeCaBundle([root.info, intermediate.info]);
  const issued = new Map<string, Promise<CardCredentials>>();

  async function issue(profile: CardProfileName, person: LabPerson, revocation?: RevocationEndpoints): Promise<CardCredentials> {
    const spec = PROFILES[profile];
    const now = Date.now();
    const notBefore = new Date(now + spec.notBeforeOffsetMs);
    const notAfter = new Date(now + spec.notAfterOffsetMs);
    const issuer = spec.untrusted ? untrustedIntermediate : intermediate;
    const [authentication, signature] = await Promise.all([
      spec.hasAuthCert
        ? issuePersonCert(issuer, person, spec.keyAlgorithm, 'authentication', notBefore, notAfter, revocation, spec.leafIsCa)
        : null,
      spec.hasSignatureCert
        ? issuePersonCert(issuer, person, spec.keyAlgorithm, 'signature', notBefore, notAfter, revocation, spec.leafIsCa)
        : null,
    ]);
    for (const credential of [authentication, signature]) {
      if (credential && revocation) revocation.register(credential.certificateDer, spec.revoked);
    }
    return {
      profile,
      person: { ...person },
      pin: LAB_PIN,
      puk: LAB_PUK,
      authentication,
      signature,
      keyAlgorithm: spec.keyAlgorithm,
    };
  }

  return {
    dir: PKI_DIR,
    rootCa: root.info,
    intermediateCa: intermediate.info,
    untrustedRootCa: untrustedRoot.info,
    untrustedIntermediateCa: untrustedIntermediate.info,
    caCertificatesPath,
    issuingCa: { certificate: intermediate.cert, key: intermediate.key },
    issueCard(profile, person = LAB_PERSON, revocation) {
      const key = `${profile}|${JSON.stringify(person)}|${revocation?.ocspUrl ?? ''}`;
      let p = issued.get(key);
      if (!p) {
        p = issue(profile, person, revocation);
        issued.set(key, p);
        p.catch(() => issued.delete(key));
      }
      return p;
    },
  };
}
