/**
 * The lab's revocation services on loopback: an OCSP responder (RFC 6960, signed by the issuing CA,
 * echoing the request's nonce) and an HTTP server with the issuing CA's CRL. Certificates issued
 * with this responder (`pki.issueCard(profile, person, responder)`) name both addresses, and are
 * registered here as good or revoked; a serial it never issued is `unknown`, as with `openssl ocsp`.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, webcrypto } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse,
  CertStatus,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
  KeyHash,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
} from '@peculiar/asn1-ocsp';
import * as x509 from '@peculiar/x509';

/** How the OCSP responder behaves: answers truly, answers `unknown` for everything, or is down (connection refused). */
export type OcspMode = 'up' | 'unknown' | 'down';
/** Whether the CRL address answers. */
export type CrlMode = 'up' | 'down';

export interface RevocationMode {
  ocsp: OcspMode;
  crl: CrlMode;
}

/** Where a certificate points for revocation, and where it is registered at issuance. */
export interface RevocationEndpoints {
  readonly ocspUrl: string;
  readonly crlUrl: string;
  /** Records an issued certificate as good, or revoked now. */
  register(certificateDer: Uint8Array, revoked: boolean): void;
}

export interface RevocationResponder extends RevocationEndpoints {
  mode(): RevocationMode;
  /** Take the responder or the CRL down (connections refused), bring them back, or make OCSP answer `unknown`. */
  setMode(mode: Partial<RevocationMode>): Promise<void>;
  /** OCSP requests answered since start (for tests that check the cache). */
  readonly requests: { ocsp: number; crl: number };
  stop(): Promise<void>;
}

/** The CA that issues the registered certificates: its certificate and signing key. */
export interface IssuingCa {
  certificate: x509.X509Certificate;
  key: webcrypto.CryptoKey;
}

type CrlParams = Parameters<typeof x509.X509CrlGenerator.create>[0];

const SHA256_WITH_RSA = new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null });
const ANSWER_VALIDITY_MS = 5 * 60_000;

function sha(algorithm: 'sha1' | 'sha256', data: ArrayBuffer | Uint8Array): Buffer {
  return createHash(algorithm).update(new Uint8Array(data)).digest();
}

function serialHex(serial: ArrayBuffer): string {
  return Buffer.from(serial)
    .toString('hex')
    .replace(/^(00)+(?=.)/, '')
    .toLowerCase();
}

async function listen(server: http.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: http.Server): Promise<void> {
  if (!server.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Starts the OCSP responder and the CRL server on 127.0.0.1 (free ports). Stop it in afterAll. */
export async function startRevocationResponder(ca: IssuingCa): Promise<RevocationResponder> {
  const registry = new Map<string, Date | null>();
  let mode: RevocationMode = { ocsp: 'up', crl: 'up' };
  const requests = { ocsp: 0, crl: 0 };
  const caSpki = AsnConvert.parse(ca.certificate.publicKey.rawData, SubjectPublicKeyInfo);
  const caKeyBits = caSpki.subjectPublicKey;
  const caNameDer = ca.certificate.subjectName.toArrayBuffer();

  async function sign(data: ArrayBuffer): Promise<ArrayBuffer> {
    return webcrypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, ca.key, data);
  }

  function statusOf(certId: SingleResponse['certID']): CertStatus {
    const algorithm = certId.hashAlgorithm.algorithm === '2.16.840.1.101.3.4.2.1' ? 'sha256' : 'sha1';
    const ours =
      sha(algorithm, caNameDer).equals(Buffer.from(certId.issuerNameHash.buffer)) &&
      sha(algorithm, caKeyBits).equals(Buffer.from(certId.issuerKeyHash.buffer));
    const serial = serialHex(certId.serialNumber);
    if (mode.ocsp === 'unknown' || !ours || !registry.has(serial)) return new CertStatus({ unknown: null });
    const revokedAt = registry.get(serial);
    return revokedAt
      ? new CertStatus({ revoked: new RevokedInfo({ revocationTime: revokedAt }) })
      : new CertStatus({ good: null });
  }

  async function answer(body: Buffer): Promise<Buffer> {
    let request: OCSPRequest;
    try {
      request = AsnConvert.parse(body, OCSPRequest);
    } catch {
      return Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: OCSPResponseStatus.malformedRequest })));
    }
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const nonce = request.tbsRequest.requestExtensions?.find((extension) => extension.extnID === id_pkix_ocsp_nonce);
    const data = new ResponseData({
      responderID: new ResponderID({ byKey: new KeyHash(sha('sha1', caKeyBits)) }),
      producedAt: now,
      responses: request.tbsRequest.requestList.map(
        (item) =>
          new SingleResponse({
            certID: item.reqCert,
            certStatus: statusOf(item.reqCert),
            thisUpdate: now,
            nextUpdate: new Date(now.getTime() + ANSWER_VALIDITY_MS),
          }),
      ),
      ...(nonce ? { responseExtensions: [nonce] } : {}),
    });
    const tbs = AsnConvert.serialize(data);
    const basic = new BasicOCSPResponse({
      tbsResponseData: data,
      signatureAlgorithm: SHA256_WITH_RSA,
      signature: await sign(tbs),
    });
    return Buffer.from(
      AsnConvert.serialize(
        new OCSPResponse({
          responseStatus: OCSPResponseStatus.successful,
          responseBytes: new ResponseBytes({
            responseType: id_pkix_ocsp_basic,
            response: new OctetString(AsnConvert.serialize(basic)),
          }),
        }),
      ),
    );
  }

  async function crl(): Promise<Buffer> {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const revoked = [...registry.entries()].filter((entry): entry is [string, Date] => entry[1] !== null);
    const list = await x509.X509CrlGenerator.create(
      {
        issuer: ca.certificate.subjectName,
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + ANSWER_VALIDITY_MS),
        entries: revoked.map(([serialNumber, revocationDate]) => ({ serialNumber, revocationDate })),
        signingKey: ca.key as CrlParams['signingKey'],
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as CrlParams['signingAlgorithm'],
      },
      webcrypto as unknown as Parameters<typeof x509.X509CrlGenerator.create>[1],
    );
    return Buffer.from(list.rawData);
  }

  const ocspServer = http.createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST') {
          res.writeHead(405).end();
          return;
        }
        requests.ocsp += 1;
        const reply = await answer(await readBody(req));
        res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': reply.length }).end(reply);
      } catch {
        res.writeHead(500).end();
      }
    })();
  });
  const crlServer = http.createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'GET' || req.url !== '/person-ca.crl') {
          res.writeHead(404).end();
          return;
        }
        requests.crl += 1;
        const body = await crl();
        res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': body.length }).end(body);
      } catch {
        res.writeHead(500).end();
      }
    })();
  });
  const ocspPort = await listen(ocspServer, 0);
  const crlPort = await listen(crlServer, 0);

  return {
    ocspUrl: `http://127.0.0.1:${ocspPort}/`,
    crlUrl: `http://127.0.0.1:${crlPort}/person-ca.crl`,
    requests,
    register(certificateDer, revoked) {
      const certificate = new x509.X509Certificate(new Uint8Array(certificateDer));
      const serial = certificate.serialNumber.replace(/^(00)+(?=.)/, '').toLowerCase();
      registry.set(serial, revoked ? new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000) : null);
    },
    mode: () => ({ ...mode }),
    async setMode(next) {
      mode = { ...mode, ...next };
      if (mode.ocsp === 'down') await close(ocspServer);
      else if (!ocspServer.listening) await listen(ocspServer, ocspPort);
      if (mode.crl === 'down') await close(crlServer);
      else if (!crlServer.listening) await listen(crlServer, crlPort);
    },
    async stop() {
      await Promise.all([close(ocspServer), close(crlServer)]);
    },
  };
}
