// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Extension, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse,
  CertID,
  id_kp_OCSPSigning,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
} from '@peculiar/asn1-ocsp';
import * as x509 from '@peculiar/x509';
import type { RevocationStatus } from '../card/card-state';

/**
 * Revocation checking of a card certificate: OCSP first (a request with a nonce; the response's
 * signature, nonce and freshness checked; cached until its nextUpdate), the CRL as the fallback when
 * no OCSP answer can be had. Plain WebCrypto and fetch, so the reference backend and the client's
 * main process run the same code.
 */

/** The part of `fetch` this uses (injected: tests and the backend pass their own). */
export type RevocationFetch = (
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer>; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

export interface RevocationCheckerOptions {
  fetch: RevocationFetch;
  now?: () => Date;
  /** Time limit of each request to a responder or CRL address. Default 5 s. */
  timeoutMs?: number;
  /** Clock difference tolerated on thisUpdate/nextUpdate. Default 5 minutes. */
  clockSkewMs?: number;
  /** How long an answer without nextUpdate counts as fresh (and is cached). Default 5 minutes. */
  maxAgeWithoutNextUpdateMs?: number;
}

/** What is checked: the certificate (DER) and the CA certificate that issued it (DER). */
export interface RevocationTarget {
  certificate: Uint8Array;
  issuer: Uint8Array;
}

const OID_SHA1 = '1.3.14.3.2.26';
const SHA1_ALGORITHM = new AlgorithmIdentifier({ algorithm: OID_SHA1, parameters: null });
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_SKEW_MS = 5 * 60_000;
const DEFAULT_MAX_AGE_MS = 5 * 60_000;

/** The OCSP responder and CRL addresses (http/https) a certificate names. */
export function revocationAddresses(certificate: x509.X509Certificate): { ocsp: string[]; crl: string[] } {
  const web = (value: string) => /^https?:\/\//i.test(value);
  const aia = certificate.getExtension(x509.AuthorityInfoAccessExtension);
  const ocsp = (aia?.ocsp ?? [])
    .filter((name) => name.type === 'url')
    .map((name) => name.value)
    .filter(web);
  const cdp = certificate.getExtension(x509.CRLDistributionPointsExtension);
  const crl = (cdp?.distributionPoints ?? [])
    .flatMap((point) => point.distributionPoint?.fullName ?? [])
    .map((name) => name.uniformResourceIdentifier)
    .filter((uri): uri is string => typeof uri === 'string' && web(uri));
  return { ocsp, crl };
}

class RevocationError extends Error {
  constructor(
    readonly reason: 'unreachable' | 'invalid-response',
    message: string,
  ) {
    super(message);
  }
}

interface CachedAnswer {
  status: RevocationStatus;
  until: number;
}

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function sameBytes(a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  return hex(a) === hex(b);
}

type WebCrypto = ReturnType<typeof x509.cryptoProvider.get>;
type ExportAlgorithm = Parameters<x509.PublicKey['export']>[0];
type VerifyAlgorithm = Parameters<WebCrypto['subtle']['verify']>[0];

function crypto(): WebCrypto {
  return x509.cryptoProvider.get();
}

/** Verifies a signature made with the key of `signer` over `data`, with the ASN.1 algorithm given. */
async function verifySignature(
  signer: x509.X509Certificate,
  algorithm: AlgorithmIdentifier,
  signature: ArrayBuffer,
  data: ArrayBuffer,
): Promise<boolean> {
  const webAlgorithm = new x509.AlgorithmProvider().toWebAlgorithm(algorithm);
  const key = await signer.publicKey.export(webAlgorithm as ExportAlgorithm, ['verify'], crypto());
  const webSignature = new x509.AsnEcSignatureFormatter().toWebSignature(key.algorithm, signature) ?? signature;
  return crypto().subtle.verify({ ...webAlgorithm, ...key.algorithm } as VerifyAlgorithm, key, webSignature, data);
}

/** Checks certificates against their CA's OCSP responder and CRL; answers are cached until nextUpdate. */
export class RevocationChecker {
  private readonly cache = new Map<string, CachedAnswer>();
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private readonly skewMs: number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: RevocationCheckerOptions) {
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.skewMs = options.clockSkewMs ?? DEFAULT_SKEW_MS;
    this.maxAgeMs = options.maxAgeWithoutNextUpdateMs ?? DEFAULT_MAX_AGE_MS;
  }

  /**
   * The certificate's revocation status: `good` or `revoked` from OCSP or the CRL, or `unknown`
   * with the reason (the responder does not know the certificate, no answer could be had, or the
   * answer did not verify) and the address asked. Never throws.
   */
  async check(target: RevocationTarget): Promise<RevocationStatus> {
    let certificate: x509.X509Certificate;
    let issuer: x509.X509Certificate;
    try {
      certificate = new x509.X509Certificate(new Uint8Array(target.certificate));
      issuer = new x509.X509Certificate(new Uint8Array(target.issuer));
    } catch {
      return unknown(this.now(), 'invalid-response', null);
    }
    return this.checkSerial({ serialNumber: certificate.serialNumber, ...revocationAddresses(certificate), issuer });
  }

  /**
   * The same check from what a certificate summary carries: the serial number (hex), the OCSP and
   * CRL addresses the certificate names, and the issuing CA's certificate.
   */
  async checkSerial(target: {
    serialNumber: string;
    ocsp: readonly string[];
    crl: readonly string[];
    issuer: x509.X509Certificate;
  }): Promise<RevocationStatus> {
    const now = this.now();
    const { issuer } = target;
    const serialNumber = target.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, '');
    const key = `${hex(await crypto().subtle.digest('SHA-256', issuer.rawData))}:${serialNumber}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > now.getTime()) return cached.status;
    this.cache.delete(key);

    const addresses = { ocsp: target.ocsp, crl: target.crl };
    if (addresses.ocsp.length === 0 && addresses.crl.length === 0) {
      return unknown(now, 'no-responder', null);
    }
    let failure: RevocationStatus | null = null;
    for (const url of addresses.ocsp) {
      try {
        const answer = await this.askOcsp(url, serialNumber, issuer);
        if (answer.status.status === 'unknown') return answer.status; // the CA does not know it: no fallback
        this.cache.set(key, answer);
        return answer.status;
      } catch (error) {
        failure ??= fromError(error, url, this.now());
      }
    }
    for (const url of addresses.crl) {
      try {
        const answer = await this.askCrl(url, serialNumber, issuer);
        this.cache.set(key, answer);
        return answer.status;
      } catch (error) {
        failure ??= fromError(error, url, this.now());
      }
    }
    return failure ?? unknown(now, 'unreachable', addresses.ocsp[0] ?? addresses.crl[0] ?? null);
  }

  private async request(
    url: string,
    init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer> },
  ) {
    let response: Awaited<ReturnType<RevocationFetch>>;
    try {
      response = await this.options.fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new RevocationError('unreachable', error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw new RevocationError('unreachable', `HTTP ${response.status}`);
    try {
      return await response.arrayBuffer();
    } catch (error) {
      throw new RevocationError('unreachable', error instanceof Error ? error.message : String(error));
    }
  }

  private async askOcsp(url: string, serialNumber: string, issuer: x509.X509Certificate): Promise<CachedAnswer> {
    const subtle = crypto().subtle;
    const issuerKeyBits = AsnConvert.parse(issuer.publicKey.rawData, SubjectPublicKeyInfo).subjectPublicKey;
    const certId = new CertID({
      hashAlgorithm: SHA1_ALGORITHM,
      issuerNameHash: new OctetString(await subtle.digest('SHA-1', issuer.subjectName.toArrayBuffer())),
      issuerKeyHash: new OctetString(await subtle.digest('SHA-1', issuerKeyBits)),
      serialNumber: hexToBytes(serialNumber),
    });
    const nonce = crypto().getRandomValues(new Uint8Array(32));
    const nonceValue = AsnConvert.serialize(new OctetString(nonce));
    const request = new OCSPRequest({
      tbsRequest: new TBSRequest({
        requestList: [new Request({ reqCert: certId })],
        requestExtensions: [
          new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(nonceValue) }),
        ],
      }),
    });
    const body = await this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: new Uint8Array(AsnConvert.serialize(request)),
    });

    let basic: BasicOCSPResponse;
    try {
      const response = AsnConvert.parse(body, OCSPResponse);
      if (response.responseStatus !== OCSPResponseStatus.successful || !response.responseBytes) {
        throw new RevocationError('invalid-response', `OCSP status ${OCSPResponseStatus[response.responseStatus]}`);
      }
      if (response.responseBytes.responseType !== id_pkix_ocsp_basic) {
        throw new RevocationError('invalid-response', 'not a basic OCSP response');
      }
      basic = AsnConvert.parse(response.responseBytes.response, BasicOCSPResponse);
    } catch (error) {
      if (error instanceof RevocationError) throw error;
      throw new RevocationError('invalid-response', 'the OCSP response does not parse');
    }

    const signer = await this.ocspSigner(basic, issuer, issuerKeyBits);
    const tbs = basic.tbsResponseDataRaw ?? AsnConvert.serialize(basic.tbsResponseData);
    if (!(await verifySignature(signer, basic.signatureAlgorithm, basic.signature, tbs))) {
      throw new RevocationError('invalid-response', 'the OCSP response signature does not verify');
    }
    const echoed = basic.tbsResponseData.responseExtensions?.find((extension) => extension.extnID === id_pkix_ocsp_nonce);
    if (!echoed || !sameBytes(echoed.extnValue.buffer, nonceValue)) {
      throw new RevocationError('invalid-response', 'the OCSP response does not carry our nonce');
    }
    const single = basic.tbsResponseData.responses.find(
      (candidate) =>
        sameBytes(candidate.certID.serialNumber, certId.serialNumber) &&
        sameBytes(candidate.certID.issuerKeyHash.buffer, certId.issuerKeyHash.buffer) &&
        sameBytes(candidate.certID.issuerNameHash.buffer, certId.issuerNameHash.buffer),
    );
    if (!single) throw new RevocationError('invalid-response', 'the OCSP response is about another certificate');
    const now = this.now();
    const until = this.freshUntil(single.thisUpdate, single.nextUpdate ?? null, now);
    const checkedAt = now.toISOString();
    const base = { source: 'ocsp' as const, responder: url, checkedAt, nextUpdate: single.nextUpdate?.toISOString() ?? null };
    if (single.certStatus.revoked) {
      return {
        status: { ...base, status: 'revoked', revokedAt: single.certStatus.revoked.revocationTime.toISOString(), reason: null },
        until,
      };
    }
    if (single.certStatus.unknown !== undefined && single.certStatus.good === undefined) {
      return { status: { ...base, status: 'unknown', revokedAt: null, reason: 'responder-unknown' }, until: 0 };
    }
    return { status: { ...base, status: 'good', revokedAt: null, reason: null }, until };
  }

  /** The issuer itself, or a delegated responder certificate it issued for OCSP signing (RFC 6960 4.2.2.2). */
  private async ocspSigner(
    basic: BasicOCSPResponse,
    issuer: x509.X509Certificate,
    issuerKeyBits: ArrayBuffer,
  ): Promise<x509.X509Certificate> {
    const responder = basic.tbsResponseData.responderID;
    const byIssuerKey =
      responder.byKey && sameBytes(responder.byKey.buffer, await crypto().subtle.digest('SHA-1', issuerKeyBits));
    const byIssuerName =
      responder.byName && sameBytes(AsnConvert.serialize(responder.byName), issuer.subjectName.toArrayBuffer());
    if (byIssuerKey || byIssuerName) return issuer;
    const now = this.now();
    for (const raw of basic.certs ?? []) {
      const candidate = new x509.X509Certificate(AsnConvert.serialize(raw));
      const eku = candidate.getExtension(x509.ExtendedKeyUsageExtension);
      if (!eku?.usages.map(String).includes(id_kp_OCSPSigning)) continue;
      if (candidate.issuer !== issuer.subject || now < candidate.notBefore || now > candidate.notAfter) continue;
      if (await candidate.verify({ publicKey: issuer, signatureOnly: true }, crypto())) return candidate;
    }
    throw new RevocationError('invalid-response', 'the OCSP response is signed by neither the CA nor a responder it authorised');
  }

  private async askCrl(url: string, serialNumber: string, issuer: x509.X509Certificate): Promise<CachedAnswer> {
    const body = await this.request(url, { method: 'GET', headers: { accept: 'application/pkix-crl' } });
    let crl: x509.X509Crl;
    try {
      crl = new x509.X509Crl(body);
    } catch {
      throw new RevocationError('invalid-response', 'the CRL does not parse');
    }
    if (crl.issuer !== issuer.subject || !(await crl.verify({ publicKey: issuer }, crypto()))) {
      throw new RevocationError('invalid-response', 'the CRL is not signed by the certificate issuer');
    }
    const now = this.now();
    const until = this.freshUntil(crl.thisUpdate, crl.nextUpdate ?? null, now);
    const entry = crl.findRevoked(serialNumber);
    const base = {
      source: 'crl' as const,
      responder: url,
      checkedAt: now.toISOString(),
      nextUpdate: crl.nextUpdate?.toISOString() ?? null,
    };
    return entry
      ? { status: { ...base, status: 'revoked', revokedAt: entry.revocationDate.toISOString(), reason: null }, until }
      : { status: { ...base, status: 'good', revokedAt: null, reason: null }, until };
  }

  /** Refuses an answer from the future or past its nextUpdate; returns until when it may be cached. */
  private freshUntil(thisUpdate: Date, nextUpdate: Date | null, now: Date): number {
    if (thisUpdate.getTime() > now.getTime() + this.skewMs) {
      throw new RevocationError('invalid-response', 'the answer is dated in the future (thisUpdate)');
    }
    if (nextUpdate) {
      if (nextUpdate.getTime() < now.getTime() - this.skewMs) {
        throw new RevocationError('invalid-response', 'the answer is stale (nextUpdate has passed)');
      }
      return nextUpdate.getTime();
    }
    if (thisUpdate.getTime() < now.getTime() - this.maxAgeMs) {
      throw new RevocationError('invalid-response', 'the answer is stale (thisUpdate too old, no nextUpdate)');
    }
    return thisUpdate.getTime() + this.maxAgeMs;
  }
}

function hexToBytes(value: string): ArrayBuffer {
  const clean = value.length % 2 === 0 ? value : `0${value}`;
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return bytes.buffer;
}

function unknown(now: Date, reason: Exclude<RevocationStatus['reason'], null>, responder: string | null): RevocationStatus {
  return { status: 'unknown', source: null, responder, checkedAt: now.toISOString(), nextUpdate: null, revokedAt: null, reason };
}

function fromError(error: unknown, url: string, now: Date): RevocationStatus {
  const reason = error instanceof RevocationError ? error.reason : 'invalid-response';
  return unknown(now, reason, url);
}
