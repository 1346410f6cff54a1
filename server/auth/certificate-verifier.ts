import { constants, verify, type KeyObject, type X509Certificate as NodeCertificate } from 'node:crypto';
import {
  BasicConstraints,
  ExtendedKeyUsage,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_kp_clientAuth,
  KeyUsage,
  KeyUsageFlags,
} from '@peculiar/asn1-x509';
import {
  loginSignedData,
  SIGNATURE_ALGORITHMS,
  type LoginFailureCode,
  type RoleContact,
  type SignatureAlgorithm,
} from '../../common/api/index';
import { ParsedCertificate } from './parsed-certificate';
import type { CaCertificate, TrustStore } from './trust-store';

const OID_SERIAL_NUMBER = '2.5.4.5';
const MAX_CHAIN_LENGTH = 6;

/** A certificate that failed to parse: a 400, not a login failure. */
export class MalformedCertificateError extends Error {}

/** One failed login check, named by its API error code. */
export class LoginCheckError extends Error {
  constructor(
    readonly code: LoginFailureCode,
    message: string,
    /** For a user who is not an administrator: their organisations' orderers and administrators. */
    readonly contacts?: RoleContact[],
  ) {
    super(message);
  }
}

/** The card's authentication certificate, parsed once. */
export type LeafCertificate = ParsedCertificate;

/** Parses base64 DER; throws MalformedCertificateError for anything that is not an X.509 certificate. */
export function parseLeafCertificate(base64Der: string): LeafCertificate {
  try {
    return new ParsedCertificate(Buffer.from(base64Der, 'base64'));
  } catch {
    throw new MalformedCertificateError('Not an X.509 certificate');
  }
}

/** The keyUsage bits (KeyUsageFlags), or null when the certificate has no keyUsage extension. */
function keyUsageOf(cert: ParsedCertificate): number | null {
  return cert.extension(id_ce_keyUsage, KeyUsage)?.toNumber() ?? null;
}

function isSupportedAlgorithm(name: string): name is SignatureAlgorithm {
  return (SIGNATURE_ALGORITHMS as readonly string[]).includes(name);
}

/**
 * Checks that the signature over loginSignedData(origin, nonce) was made with the certificate's key.
 * ES256/ES384 signatures are raw r ‖ s (IEEE P1363), as Web eID sends them.
 */
export function verifyLoginSignature(key: KeyObject, algorithm: string, data: Uint8Array, signature: Buffer): void {
  if (!isSupportedAlgorithm(algorithm)) {
    throw new LoginCheckError('algorithm-unsupported', `Algorithm ${algorithm.slice(0, 16)} is not supported`);
  }
  const keyType = key.asymmetricKeyType;
  let ok: boolean;
  switch (algorithm) {
    case 'RS256':
    case 'PS256':
      if (keyType !== 'rsa') throw new LoginCheckError('algorithm-mismatch', `${algorithm} needs an RSA key`);
      ok =
        algorithm === 'RS256'
          ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature)
          : verify(
              'sha256',
              data,
              { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
              signature,
            );
      break;
    case 'ES256':
    case 'ES384': {
      const [wantCurve, hash, size] = algorithm === 'ES256' ? ['prime256v1', 'sha256', 64] : ['secp384r1', 'sha384', 96];
      // asymmetricKeyDetails is computed anew on each read: only EC keys need it.
      if (keyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== wantCurve) {
        throw new LoginCheckError('algorithm-mismatch', `${algorithm} needs an EC key on ${wantCurve}`);
      }
      ok = signature.length === size && verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
      break;
    }
  }
  if (!ok) throw new LoginCheckError('signature-invalid', 'The signature does not verify');
}

function checkValidity(cert: ParsedCertificate, now: Date, what: string): void {
  if (now < cert.notBefore) throw new LoginCheckError('certificate-not-yet-valid', `${what} is not valid yet`);
  if (now > cert.notAfter) throw new LoginCheckError('certificate-expired', `${what} has expired`);
}

function canIssue(ca: CaCertificate): boolean {
  if (!ca.extension(id_ce_basicConstraints, BasicConstraints)?.cA) return false;
  const ku = keyUsageOf(ca);
  return ku === null || (ku & KeyUsageFlags.keyCertSign) !== 0;
}

function issuedBy(child: NodeCertificate, ca: CaCertificate): boolean {
  return child.checkIssued(ca.node) && child.verify(ca.node.publicKey) && canIssue(ca);
}

/**
 * Builds the chain from the leaf through the configured intermediates to a trust anchor, checking
 * every signature and every CA's validity at `now`. Returns the CA that issued the leaf.
 */
export function verifyChain(leaf: LeafCertificate, trust: TrustStore, now: Date): CaCertificate {
  let current = leaf.node;
  let leafIssuer: CaCertificate | null = null;
  for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
    const anchor = trust.anchors.find((a) => issuedBy(current, a));
    if (anchor) {
      checkCaValidity(anchor, now);
      return leafIssuer ?? anchor;
    }
    const next = trust.intermediates.find((i) => issuedBy(current, i));
    if (!next) break;
    checkCaValidity(next, now);
    leafIssuer ??= next;
    current = next.node;
  }
  throw new LoginCheckError('certificate-untrusted', 'The certificate does not chain to a trusted root');
}

function checkCaValidity(ca: CaCertificate, now: Date): void {
  // An expired CA makes the chain untrusted rather than the card "expired": the user cannot fix it.
  if (now < ca.notBefore || now > ca.notAfter) {
    throw new LoginCheckError('certificate-untrusted', `CA ${ca.subject} is outside its validity period`);
  }
}

/**
 * A CA certificate (basicConstraints CA:TRUE) never logs in; keyUsage must include digitalSignature;
 * an extendedKeyUsage, where present, must include clientAuth.
 */
export function checkAuthenticationUsage(leaf: LeafCertificate): void {
  if (leaf.extension(id_ce_basicConstraints, BasicConstraints)?.cA === true) {
    throw new LoginCheckError('certificate-key-usage', 'A CA certificate (basicConstraints CA:TRUE) cannot log in');
  }
  const ku = keyUsageOf(leaf);
  if (ku === null || (ku & KeyUsageFlags.digitalSignature) === 0) {
    throw new LoginCheckError('certificate-key-usage', 'The certificate is not for authentication (keyUsage)');
  }
  const eku = leaf.extension(id_ce_extKeyUsage, ExtendedKeyUsage);
  if (eku && !eku.map(String).includes(id_kp_clientAuth)) {
    throw new LoginCheckError('certificate-key-usage', 'The certificate is not for client authentication (EKU)');
  }
}

/** The HSA-id SITHS puts in the subject's serialNumber attribute, upper-cased. */
export function hsaIdOf(leaf: LeafCertificate): string {
  const values = leaf.subjectField(OID_SERIAL_NUMBER);
  const hsaId = values[0]?.trim().toUpperCase();
  if (!hsaId) throw new LoginCheckError('certificate-no-hsa-id', 'The certificate carries no HSA-id');
  return hsaId;
}

/**
 * All certificate checks of a login, in order: signature, validity now, chain to an anchor, key
 * usage, HSA-id. Returns the HSA-id and the CA that issued the certificate (for the revocation
 * check); throws LoginCheckError naming the first check that failed.
 */
export function verifyLogin(input: {
  leaf: LeafCertificate;
  trust: TrustStore;
  algorithm: string;
  signature: Buffer;
  origin: string;
  nonce: string;
  now: Date;
}): { hsaId: string; issuer: CaCertificate } {
  verifyLoginSignature(input.leaf.node.publicKey, input.algorithm, loginSignedData(input.origin, input.nonce), input.signature);
  checkValidity(input.leaf, input.now, 'The certificate');
  const issuer = verifyChain(input.leaf, input.trust, input.now);
  checkAuthenticationUsage(input.leaf);
  return { hsaId: hsaIdOf(input.leaf), issuer };
}
