import { createHash, X509Certificate } from 'node:crypto';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { NetworkSettings } from '../config/app-settings';

/**
 * What the backend's TLS server presented, checked against the CAs the program trusts (the system's
 * and the setting extraCaCertificates). A TLS-inspecting proxy or firewall presents a certificate of
 * its own CA instead of the service's: naming that CA is what lets IT fix it.
 */
export interface TlsInspection {
  host: string;
  /** The presented chain verifies against the trusted CAs. */
  trusted: boolean;
  /** OpenSSL's reason when it does not (e.g. SELF_SIGNED_CERT_IN_CHAIN, UNABLE_TO_GET_ISSUER_CERT_LOCALLY). */
  error: string | null;
  /** The server certificate's subject and SHA-256 fingerprint (hex). */
  certificateSubject: string;
  certificateSha256: string;
  /** Who issued what was presented: the top of the presented chain's issuer (the intercepting CA). */
  issuer: string;
  /** SHA-256 fingerprint (hex) of that issuer's certificate when the server sent it, else null. */
  issuerSha256: string | null;
}

export interface TlsInspectionOptions {
  network: NetworkSettings;
  timeoutMs?: number;
}

function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** A distinguished name as one line, as Node prints it: "CN=..., O=..., C=SE". */
function oneLine(name: string): string {
  return name
    .split('\n')
    .filter((part) => part.trim() !== '')
    .join(', ');
}

/** A CONNECT tunnel through an explicit proxy to host:port (as the backend transport opens it). */
function tunnel(proxy: string, host: string, port: number, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const proxyUrl = new URL(proxy);
    const request = http.request({
      host: proxyUrl.hostname,
      port: Number(proxyUrl.port || 80),
      method: 'CONNECT',
      path: `${host}:${port}`,
      headers: { host: `${host}:${port}` },
      timeout: timeoutMs,
    });
    request.once('connect', (response, socket) => {
      if (response.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`proxy answered ${response.statusCode ?? '?'}`));
      }
    });
    request.once('timeout', () => request.destroy(new Error('proxy timeout')));
    request.once('error', reject);
    request.end();
  });
}

/**
 * Opens a TLS connection to the backend's host (through the configured proxy, as the backend calls go)
 * without trusting it, and reports what it presented and whether that chains to a trusted CA. Sends
 * nothing over the connection. Null for a plain-http address or when no TLS handshake could be made.
 */
export async function inspectTls(url: string, options: TlsInspectionOptions): Promise<TlsInspection | null> {
  const target = new URL(url);
  if (target.protocol !== 'https:') return null;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = Number(target.port || 443);
  const timeoutMs = options.timeoutMs ?? 5000;
  const { proxy, extraCaPems } = options.network;
  const ca = extraCaPems.length > 0 ? [...tls.rootCertificates, ...extraCaPems] : undefined;
  try {
    const socket = proxy !== 'system' && proxy !== 'direct' ? await tunnel(proxy, host, port, timeoutMs) : undefined;
    return await new Promise<TlsInspection | null>((resolve) => {
      const connection = tls.connect({
        host,
        port,
        ...(socket ? { socket } : {}),
        servername: /^[\d.]+$|:/.test(host) ? undefined : host,
        ...(ca ? { ca } : {}),
        // Only to look at what is presented: nothing is sent, and the verdict is OpenSSL's own.
        rejectUnauthorized: false,
      });
      const timer = setTimeout(() => {
        connection.destroy();
        resolve(null);
      }, timeoutMs);
      connection.once('secureConnect', () => {
        clearTimeout(timer);
        const leaf = connection.getPeerCertificate(true);
        if (!leaf.raw) {
          connection.destroy();
          resolve(null);
          return;
        }
        // Walk up what the server sent (a self-signed top points at itself).
        let top = leaf;
        while (top.issuerCertificate && top.issuerCertificate !== top && top.issuerCertificate.raw) top = top.issuerCertificate;
        const leafCertificate = new X509Certificate(leaf.raw);
        const topCertificate = new X509Certificate(top.raw);
        const authorizationError = connection.authorizationError;
        resolve({
          host,
          trusted: connection.authorized,
          error: connection.authorized ? null : authorizationError ? String(authorizationError) : 'UNKNOWN',
          certificateSubject: oneLine(leafCertificate.subject),
          certificateSha256: sha256Hex(leaf.raw),
          // The top CA certificate sent names the chain's owner; a server sending its certificate alone names its issuer.
          issuer: oneLine(top !== leaf ? topCertificate.subject : leafCertificate.issuer),
          issuerSha256: top !== leaf ? sha256Hex(top.raw) : null,
        });
        connection.destroy();
      });
      connection.once('error', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
  } catch {
    return null;
  }
}

/** A SHA-256 fingerprint as people compare them: upper-case byte pairs separated by colons. */
export function fingerprintText(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}
