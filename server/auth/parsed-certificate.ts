import { X509Certificate as NodeCertificate } from 'node:crypto';
import { AsnConvert, AsnObjectIdentifierConverter } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, Name, Validity } from '@peculiar/asn1-x509';

/** One DER element of a certificate: its tag byte and where it starts, its content starts and it ends. */
interface DerElement {
  readonly tag: number;
  readonly start: number;
  readonly content: number;
  readonly end: number;
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OBJECT_IDENTIFIER = 0x06;
const BOOLEAN = 0x01;
const OCTET_STRING = 0x04;
const VERSION = 0xa0; // [0] EXPLICIT
const EXTENSIONS = 0xa3; // [3] EXPLICIT

/**
 * The elements one after another in der[from, to). Reads headers only (one tag byte, a definite
 * length of at most 4 bytes, as DER certificates have); anything else, or an element running past
 * `to`, throws. The values themselves are decoded by @peculiar/asn1-x509.
 */
function derElements(der: Uint8Array, from: number, to: number): DerElement[] {
  const elements: DerElement[] = [];
  let at = from;
  while (at < to) {
    const start = at;
    const tag = der[at++] ?? 0;
    if ((tag & 0x1f) === 0x1f || at >= to) throw new Error('Unsupported DER element');
    let length = der[at++] ?? 0;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      if (bytes === 0 || bytes > 4 || at + bytes > to) throw new Error('Unsupported DER length');
      length = 0;
      for (let i = 0; i < bytes; i++) length = length * 256 + (der[at++] ?? 0);
    }
    const end = at + length;
    if (end > to) throw new Error('DER element runs past its container');
    elements.push({ tag, start, content: at, end });
    at = end;
  }
  return elements;
}

function children(der: Uint8Array, parent: DerElement, tag = SEQUENCE): DerElement[] {
  if (parent.tag !== tag) throw new Error('Unexpected DER element');
  return derElements(der, parent.content, parent.end);
}

const oidDerCache = new Map<string, Buffer>();

/** The DER encoding of an OID (tag and length included), to find it without decoding its neighbours. */
function oidDer(oid: string): Buffer {
  let der = oidDerCache.get(oid);
  if (!der) {
    der = Buffer.from(AsnObjectIdentifierConverter.toASN(oid).toBER(false));
    oidDerCache.set(oid, der);
  }
  return der;
}

/** Whether the element's first child is this OID (an AttributeTypeAndValue's type, an Extension's extnID). */
function startsWithOid(der: Buffer, element: DerElement, oid: Buffer): boolean {
  return der.subarray(element.content, element.content + oid.length).equals(oid);
}

/**
 * An X.509 certificate parsed once: Node's X509Certificate (public key, issuer and signature checks,
 * done by OpenSSL) and the few parts of its ASN.1 structure the checks read, decoded with
 * @peculiar/asn1-x509: the validity at once, a subject attribute or an extension when a check asks
 * for it (an extension once: a CA's stay decoded). Decoding the whole certificate (the issuer, the
 * public key, every extension) cost more than all of a login's signature checks together.
 */
export class ParsedCertificate {
  readonly node: NodeCertificate;
  /** Start of the validity period. */
  readonly notBefore: Date;
  /** End of the validity period. */
  readonly notAfter: Date;
  readonly #der: Buffer;
  readonly #subject: DerElement;
  /** The subject's AttributeTypeAndValue elements, in order. */
  readonly #attributes: DerElement[];
  /** Each Extension element (in order) with its extnValue's OCTET STRING. */
  readonly #extensions: { element: DerElement; value: DerElement }[];
  readonly #fields = new Map<string, readonly string[]>();
  readonly #decoded = new Map<string, unknown>();

  /** DER bytes or one PEM block; throws on anything that is not an X.509 certificate. */
  constructor(input: Buffer | string) {
    this.node = new NodeCertificate(input);
    const der = typeof input === 'string' ? this.node.raw : input;
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    const [certificate] = derElements(der, 0, der.length);
    if (!certificate) throw new Error('Empty certificate');
    const [tbs] = children(der, certificate);
    if (!tbs) throw new Error('No tbsCertificate');
    // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
    //   subject, subjectPublicKeyInfo, [1] issuerUniqueID, [2] subjectUniqueID, [3] extensions }
    const fields = children(der, tbs);
    const first = fields[0]?.tag === VERSION ? 1 : 0;
    const validity = fields[first + 3];
    const subject = fields[first + 4];
    if (validity?.tag !== SEQUENCE || subject?.tag !== SEQUENCE) throw new Error('No validity or subject');
    const parsedValidity = AsnConvert.parse(der.subarray(validity.start, validity.end), Validity);
    this.notBefore = parsedValidity.notBefore.getTime();
    this.notAfter = parsedValidity.notAfter.getTime();
    const extensions = fields.slice(first + 6).find((f) => f.tag === EXTENSIONS);
    const [extensionList] = extensions ? derElements(der, extensions.content, extensions.end) : [];
    this.#extensions = (extensionList ? children(der, extensionList) : []).map((element) => {
      // Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
      const parts = children(der, element);
      const value = parts.at(-1);
      const shape = parts.map((p) => p.tag).join();
      if (
        !value ||
        (shape !== `${OBJECT_IDENTIFIER},${OCTET_STRING}` && shape !== `${OBJECT_IDENTIFIER},${BOOLEAN},${OCTET_STRING}`)
      ) {
        throw new Error('Malformed extension');
      }
      return { element, value };
    });
    this.#attributes = children(der, subject).flatMap((rdn) => children(der, rdn, SET));
    for (const atv of this.#attributes) children(der, atv);
    this.#der = der;
    this.#subject = subject;
  }

  /** The subject name, decoded. */
  subjectName(): Name {
    return AsnConvert.parse(this.#der.subarray(this.#subject.start, this.#subject.end), Name);
  }

  /** The values of one subject attribute (by OID), in the order the certificate lists them; decoded once. */
  subjectField(oid: string): readonly string[] {
    let values = this.#fields.get(oid);
    if (!values) {
      const type = oidDer(oid);
      values = this.#attributes
        .filter((atv) => startsWithOid(this.#der, atv, type))
        .map((atv) => AsnConvert.parse(this.#der.subarray(atv.start, atv.end), AttributeTypeAndValue).value.toString());
      this.#fields.set(oid, values);
    }
    return values;
  }

  /** The first extension with this OID, its value decoded as `type`; null when the certificate has none. */
  extension<T>(oid: string, type: new () => T): T | null {
    if (this.#decoded.has(oid)) return this.#decoded.get(oid) as T | null;
    const id = oidDer(oid);
    const found = this.#extensions.find((e) => startsWithOid(this.#der, e.element, id));
    const value = found ? AsnConvert.parse(this.#der.subarray(found.value.content, found.value.end), type) : null;
    this.#decoded.set(oid, value);
    return value;
  }
}
