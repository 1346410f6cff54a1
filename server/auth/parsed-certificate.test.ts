// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { BasicConstraints, ExtendedKeyUsage, KeyUsage } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { ensureTestPki } from '../../tests/cardlab/index';
import { ParsedCertificate } from './parsed-certificate';

// @peculiar/x509's X509Certificate (which decodes the whole certificate) is the reference here.
describe('ParsedCertificate', () => {
  it('reads validity, subject attributes, the subject name and extensions as @peculiar/x509 does', async () => {
    const pki = await ensureTestPki();
    const valid = await pki.issueCard('valid');
    const ecc = await pki.issueCard('ecc');
    const ders = [valid.authentication, valid.signature, ecc.authentication].map((c) => Buffer.from(c!.certificateDer));
    const pems = [pki.rootCa.certificatePem, pki.intermediateCa.certificatePem];
    for (const input of [...ders, ...pems]) {
      const reference = new x509.X509Certificate(input);
      const cert = new ParsedCertificate(input);
      expect(cert.node.raw.equals(Buffer.from(reference.rawData))).toBe(true);
      expect(cert.notBefore).toEqual(reference.notBefore);
      expect(cert.notAfter).toEqual(reference.notAfter);
      expect(new x509.Name(cert.subjectName()).toString()).toBe(reference.subject);
      for (const oid of ['2.5.4.3', '2.5.4.5', '2.5.4.6', '2.5.4.10', '2.5.4.42', '2.5.4.4', '2.5.4.7']) {
        expect(cert.subjectField(oid)).toEqual(reference.subjectName.getField(oid));
      }
      const bc = reference.getExtension(x509.BasicConstraintsExtension);
      expect(cert.extension('2.5.29.19', BasicConstraints)?.cA ?? null).toBe(bc ? bc.ca : null);
      const ku = reference.getExtension(x509.KeyUsagesExtension);
      expect(cert.extension('2.5.29.15', KeyUsage)?.toNumber() ?? null).toBe(ku ? ku.usages : null);
      const eku = reference.getExtension(x509.ExtendedKeyUsageExtension);
      expect(cert.extension('2.5.29.37', ExtendedKeyUsage)?.map(String) ?? null).toEqual(eku ? eku.usages.map(String) : null);
      expect(cert.extension('2.5.29.32', KeyUsage)).toBeNull(); // no certificatePolicies in the lab's certificates
    }
  });

  it('throws on bytes that are not a certificate', () => {
    expect(() => new ParsedCertificate(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toThrow();
    expect(() => new ParsedCertificate(Buffer.alloc(0))).toThrow();
  });
});
