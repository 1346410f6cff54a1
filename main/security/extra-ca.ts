import { X509Certificate } from 'node:crypto';
import net from 'node:net';

/** A certificate as Electron's certificate-verify callback hands it over: PEM data and its issuer chain. */
export interface PresentedCertificate {
  data: string;
  issuerCert?: PresentedCertificate | null;
}

/**
 * Whether a server certificate that Chromium could not chain to the OS store is issued (directly or
 * through the presented intermediates) by one of the extra CAs from policy, is valid now and names
 * `hostname`. Only an unknown-authority failure may be rescued this way; every other check stands.
 */
export function chainsToExtraCa(
  presented: PresentedCertificate,
  extraCaPems: readonly string[],
  hostname: string,
  now = new Date(),
): boolean {
  if (extraCaPems.length === 0) return false;
  let leaf: X509Certificate;
  const chain: X509Certificate[] = [];
  try {
    leaf = new X509Certificate(presented.data);
    for (let current = presented.issuerCert; current && chain.length < 8; current = current.issuerCert)
      chain.push(new X509Certificate(current.data));
  } catch {
    return false;
  }
  const namesHost = net.isIP(hostname) ? leaf.checkIP(hostname) !== undefined : leaf.checkHost(hostname) !== undefined;
  if (!namesHost) return false;
  const cas = extraCaPems.map((pem) => new X509Certificate(pem));
  const valid = (cert: X509Certificate) => new Date(cert.validFrom) <= now && now <= new Date(cert.validTo);
  let current = leaf;
  for (let depth = 0; depth <= chain.length; depth += 1) {
    if (!valid(current)) return false;
    if (cas.some((ca) => valid(ca) && ca.ca && current.checkIssued(ca) && current.verify(ca.publicKey))) return true;
    const issuer = chain.find(
      (candidate) => candidate.ca && current.checkIssued(candidate) && current.verify(candidate.publicKey),
    );
    if (!issuer || issuer === current) return false;
    current = issuer;
  }
  return false;
}
