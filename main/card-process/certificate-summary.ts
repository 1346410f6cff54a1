import { createHash, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import {
  DEFAULT_EXPIRY_WARNING_DAYS,
  REVOCATION_NOT_CHECKED,
  type CertificateSummary,
  type CertificateValidity,
} from '../../common/card/card-state';
import { revocationAddresses } from '../../common/revocation/revocation-check';

const DAY_MS = 24 * 60 * 60 * 1000;

const OID = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  givenName: '2.5.4.42',
  organisation: '2.5.4.10',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const KEY_USAGE_NAMES: [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
];

/**
 * Validity against a given time: expired, not yet valid, expiring (fewer whole days left than
 * `warningDays`, the setting expiryWarningDays, 30 unless policy says otherwise), or valid.
 */
export function evaluateValidity(
  notBefore: Date,
  notAfter: Date,
  now: Date,
  warningDays: number = DEFAULT_EXPIRY_WARNING_DAYS,
): { validity: CertificateValidity; daysLeft: number } {
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  if (now.getTime() > notAfter.getTime()) return { validity: 'expired', daysLeft };
  if (now.getTime() < notBefore.getTime()) return { validity: 'not-yet-valid', daysLeft };
  return { validity: daysLeft < warningDays ? 'expiring-soon' : 'valid', daysLeft };
}

function firstAttribute(name: x509.Name, oid: string): string | null {
  return name.getField(oid)[0] ?? null;
}

/**
 * True for a certificate fit to log in: not a CA (basicConstraints CA:TRUE never logs in), keyUsage
 * digitalSignature and, where an EKU is present, clientAuth. A SITHS card's signature certificate
 * (nonRepudiation only) never qualifies.
 */
export function isAuthenticationCertificate(
  keyUsage: readonly string[],
  extendedKeyUsage: readonly string[],
  isCa = false,
): boolean {
  return (
    !isCa && keyUsage.includes('digitalSignature') && (extendedKeyUsage.length === 0 || extendedKeyUsage.includes(OID.clientAuth))
  );
}

/** Parses a DER certificate into what the interface, doctor and the support report show. */
export function summariseCertificate(
  der: Uint8Array,
  options: {
    now: Date;
    isTrusted: (certificate: X509Certificate) => boolean;
    /** Days before its end the certificate counts as expiring (expiryWarningDays; default 30). */
    expiryWarningDays?: number;
  },
): CertificateSummary {
  const certificate = new x509.X509Certificate(new Uint8Array(der));
  const subject = new x509.Name(certificate.subjectName.toArrayBuffer());
  const keyUsageExtension = certificate.getExtension(x509.KeyUsagesExtension);
  const keyUsage = keyUsageExtension
    ? KEY_USAGE_NAMES.filter(([flag]) => (keyUsageExtension.usages & flag) !== 0).map(([, name]) => name)
    : [];
  const ekuExtension = certificate.getExtension(x509.ExtendedKeyUsageExtension);
  const extendedKeyUsage = ekuExtension ? ekuExtension.usages.map(String) : [];
  const algorithm = certificate.publicKey.algorithm.name;
  const { validity, daysLeft } = evaluateValidity(
    certificate.notBefore,
    certificate.notAfter,
    options.now,
    options.expiryWarningDays,
  );
  return {
    subject: certificate.subject,
    commonName: firstAttribute(subject, OID.commonName),
    givenName: firstAttribute(subject, OID.givenName),
    surname: firstAttribute(subject, OID.surname),
    hsaId: firstAttribute(subject, OID.serialNumber),
    organisation: firstAttribute(subject, OID.organisation),
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber.toUpperCase(),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    keyUsage,
    extendedKeyUsage,
    keyAlgorithm: algorithm.startsWith('RS') || algorithm.startsWith('RSA') ? 'rsa' : algorithm === 'ECDSA' ? 'ec' : 'other',
    sha256: createHash('sha256').update(der).digest('hex'),
    validity,
    daysLeft,
    trusted: options.isTrusted(new X509Certificate(der)),
    isAuthentication: isAuthenticationCertificate(
      keyUsage,
      extendedKeyUsage,
      certificate.getExtension(x509.BasicConstraintsExtension)?.ca === true,
    ),
    ...(({ ocsp, crl }) => ({ ocspUrls: ocsp, crlUrls: crl }))(revocationAddresses(certificate)),
    revocation: REVOCATION_NOT_CHECKED,
  };
}
