import { X509Certificate as NodeCertificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';

/**
 * An X.509 certificate parsed once in two forms: Node's (public key, issuer and signature checks,
 * done by OpenSSL) and its ASN.1 structure (@peculiar/asn1-x509: validity, subject attributes,
 * extensions). An extension's value is decoded only when a check asks for it, and then once:
 * decoding every extension up front (as @peculiar/x509's X509Certificate does on the first
 * getExtension) cost more than all of a login's signature checks together.
 */
export class ParsedCertificate {
  readonly node: NodeCertificate;
  readonly asn: Certificate;
  readonly #extensions = new Map<string, unknown>();

  /** DER bytes or one PEM block; throws on anything that is not an X.509 certificate. */
  constructor(input: Buffer | string) {
    this.node = new NodeCertificate(input);
    this.asn = AsnConvert.parse(typeof input === 'string' ? this.node.raw : input, Certificate);
  }

  /** Start of the validity period. */
  get notBefore(): Date {
    return this.asn.tbsCertificate.validity.notBefore.getTime();
  }

  /** End of the validity period. */
  get notAfter(): Date {
    return this.asn.tbsCertificate.validity.notAfter.getTime();
  }

  /** The values of one subject attribute (by OID), in the order the certificate lists them. */
  subjectField(oid: string): string[] {
    return this.asn.tbsCertificate.subject.flatMap((rdn) =>
      rdn.filter((atv) => atv.type === oid).map((atv) => atv.value.toString()),
    );
  }

  /** The first extension with this OID, its value decoded as `type`; null when the certificate has none. */
  extension<T>(oid: string, type: new () => T): T | null {
    if (this.#extensions.has(oid)) return this.#extensions.get(oid) as T | null;
    const ext = this.asn.tbsCertificate.extensions?.find((e) => e.extnID === oid);
    const value = ext ? AsnConvert.parse(ext.extnValue, type) : null;
    this.#extensions.set(oid, value);
    return value;
  }
}
