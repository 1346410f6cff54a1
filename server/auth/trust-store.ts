// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';
import { ParsedCertificate } from './parsed-certificate';

/** A CA certificate, parsed once (see ParsedCertificate), with its subject for logs and messages. */
export class CaCertificate extends ParsedCertificate {
  readonly subject: string;

  constructor(pem: string) {
    super(pem);
    this.subject = new x509.Name(this.subjectName()).toString();
  }
}

/**
 * Trust anchors (roots) and intermediate CAs. The login request carries only the card's leaf
 * certificate, as Web eID does; the server holds the intermediates itself and builds the chain
 * leaf → intermediates → anchor. Only anchors are trusted; an intermediate that does not chain to
 * an anchor is worthless. Configured as one list of CA certificates (`--ca-certificates`): the
 * self-signed ones are the anchors, the others intermediates.
 */
export class TrustStore {
  readonly anchors: CaCertificate[];
  readonly intermediates: CaCertificate[];

  constructor(anchorsPem: readonly string[], intermediatesPem: readonly string[] = []) {
    this.anchors = anchorsPem.flatMap(splitPem).map((pem) => new CaCertificate(pem));
    this.intermediates = intermediatesPem.flatMap(splitPem).map((pem) => new CaCertificate(pem));
  }

  /** Reads PEM files (each may hold several certificates). */
  static fromFiles(anchorFiles: readonly string[], intermediateFiles: readonly string[] = []): TrustStore {
    const read = (f: string) => readFileSync(f, 'utf8');
    return new TrustStore(anchorFiles.map(read), intermediateFiles.map(read));
  }

  /** One list of CA certificates (PEM texts, each may hold several): self-signed roots become anchors. */
  static fromCaPems(pems: readonly string[]): TrustStore {
    const blocks = pems.flatMap(splitPem);
    const selfSigned = (pem: string): boolean => {
      const cert = new NodeCertificate(pem);
      return cert.checkIssued(cert) && cert.verify(cert.publicKey);
    };
    return new TrustStore(
      blocks.filter(selfSigned),
      blocks.filter((pem) => !selfSigned(pem)),
    );
  }

  /** Reads one list of CA certificate files (roots and intermediates; a file may hold several). */
  static fromCaFiles(files: readonly string[]): TrustStore {
    return TrustStore.fromCaPems(files.map((file) => readFileSync(file, 'utf8')));
  }

  /** Subjects of the anchors, for the startup log. */
  describe(): { anchors: string[]; intermediates: string[] } {
    return { anchors: this.anchors.map((a) => a.subject), intermediates: this.intermediates.map((a) => a.subject) };
  }
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function splitPem(pem: string): string[] {
  const blocks = pem.match(PEM_BLOCK);
  if (!blocks) throw new Error('No PEM certificate found in trust configuration');
  return blocks;
}
