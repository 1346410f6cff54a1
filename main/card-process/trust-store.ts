import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The CA certificates the program trusts (from configuration): roots and intermediates.
 * A card certificate is trusted when its issuer chain, built from these, ends in a self-signed root.
 */
export class TrustStore {
  private readonly authorities: X509Certificate[];

  constructor(authorities: X509Certificate[]) {
    this.authorities = authorities.filter((certificate) => certificate.ca);
  }

  /** Loads every certificate from PEM files (a file may hold several). */
  static fromPemFiles(paths: readonly string[]): TrustStore {
    const certificates = paths.flatMap((file) =>
      (readFileSync(file, 'utf8').match(PEM_BLOCK) ?? []).map((pem) => new X509Certificate(pem)),
    );
    return new TrustStore(certificates);
  }

  get size(): number {
    return this.authorities.length;
  }

  /** True when the certificate chains to a trusted self-signed root through trusted CAs. */
  isTrusted(certificate: X509Certificate, maxDepth = 5): boolean {
    let current = certificate;
    for (let depth = 0; depth <= maxDepth; depth += 1) {
      const issuer = this.authorities.find((candidate) => current.checkIssued(candidate) && current.verify(candidate.publicKey));
      if (!issuer) return false;
      if (issuer.checkIssued(issuer) && issuer.verify(issuer.publicKey)) return true;
      current = issuer;
    }
    return false;
  }
}
