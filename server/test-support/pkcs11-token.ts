import { createHash, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import 'reflect-metadata';
import { X509Certificate } from '@peculiar/x509';
import * as pkcs11js from 'pkcs11js';
import type { CardCredentials } from '../../tests/cardlab/test-pki';

/** What signing needs to reach a PKCS#11 token (the shape of the card lab's provisioned token). */
export interface TokenHandle {
  modulePath: string;
  softhsmConf: string;
  tokenLabel: string;
  pin: string;
}

export const SOFTHSM2_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const P256_OID_DER = Buffer.from('06082a8648ce3d030107', 'hex');

/** Loads the module with SOFTHSM2_CONF set, runs `fn`, and always finalises. */
function withModule<T>(token: TokenHandle, fn: (p11: pkcs11js.PKCS11) => T): T {
  process.env.SOFTHSM2_CONF = token.softhsmConf;
  const p11 = new pkcs11js.PKCS11();
  p11.load(token.modulePath);
  p11.C_Initialize();
  try {
    return fn(p11);
  } finally {
    p11.C_Finalize();
    p11.close();
  }
}

function openLoggedIn(p11: pkcs11js.PKCS11, token: TokenHandle, rw: boolean): Buffer {
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === token.tokenLabel);
  if (!slot) throw new Error(`token ${token.tokenLabel} not found`);
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | (rw ? pkcs11js.CKF_RW_SESSION : 0));
  p11.C_Login(session, pkcs11js.CKU_USER, token.pin);
  return session;
}

function findAll(p11: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  p11.C_FindObjectsInit(session, template);
  try {
    return p11.C_FindObjects(session, 100);
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

/**
 * Provisions a SoftHSM2 token holding a card's certificates and private keys (used until the card
 * lab's provisionSoftHsmToken is available; same TokenHandle shape).
 */
export function provisionSoftHsmToken(card: CardCredentials, label = `lab-${card.profile}`): TokenHandle {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ba-softhsm-'));
  mkdirSync(path.join(dir, 'tokens'));
  const conf = path.join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', card.pin, '--so-pin', '12345678'], {
    env: { ...process.env, SOFTHSM2_CONF: conf },
    stdio: 'ignore',
  });
  const token: TokenHandle = { modulePath: SOFTHSM2_MODULE, softhsmConf: conf, tokenLabel: label, pin: card.pin };
  withModule(token, (p11) => {
    const session = openLoggedIn(p11, token, true);
    (['authentication', 'signature'] as const).forEach((which, i) => {
      const cred = card[which];
      if (!cred) return;
      const id = Buffer.from([i + 1]);
      p11.C_CreateObject(session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: which },
        { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(new X509Certificate(Buffer.from(cred.certificateDer)).subjectName.toArrayBuffer()) },
        { type: pkcs11js.CKA_VALUE, value: Buffer.from(cred.certificateDer) },
      ]);
      const jwk = createPrivateKey({ key: Buffer.from(cred.privateKeyPkcs8Der), format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
      const b = (v: string | undefined) => Buffer.from(v ?? '', 'base64url');
      const common: pkcs11js.Template = [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SIGN, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_ID, value: id },
        { type: pkcs11js.CKA_LABEL, value: which },
      ];
      const keyAttrs: pkcs11js.Template =
        jwk.kty === 'RSA'
          ? [
              { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_RSA },
              { type: pkcs11js.CKA_MODULUS, value: b(jwk.n) },
              { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: b(jwk.e) },
              { type: pkcs11js.CKA_PRIVATE_EXPONENT, value: b(jwk.d) },
              { type: pkcs11js.CKA_PRIME_1, value: b(jwk.p) },
              { type: pkcs11js.CKA_PRIME_2, value: b(jwk.q) },
              { type: pkcs11js.CKA_EXPONENT_1, value: b(jwk.dp) },
              { type: pkcs11js.CKA_EXPONENT_2, value: b(jwk.dq) },
              { type: pkcs11js.CKA_COEFFICIENT, value: b(jwk.qi) },
            ]
          : [
              { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
              { type: pkcs11js.CKA_EC_PARAMS, value: P256_OID_DER },
              { type: pkcs11js.CKA_VALUE, value: b(jwk.d) },
            ];
      p11.C_CreateObject(session, [...common, ...keyAttrs]);
    });
    p11.C_Logout(session);
    p11.C_CloseSession(session);
  });
  return token;
}

export type TokenAlgorithm = 'RS256' | 'PS256' | 'ES256';

/**
 * Signs `data` on the token with the private key whose CKA_ID matches the certificate `certDer`,
 * as the client's card layer does: CKM_SHA256_RSA_PKCS(_PSS) for RSA; for ECC, CKM_ECDSA over
 * SHA-256(data), which returns raw r ‖ s, the ES256 encoding the API expects.
 */
export function signOnToken(token: TokenHandle, certDer: Uint8Array, data: Buffer, algorithm: TokenAlgorithm): Buffer {
  return withModule(token, (p11) => {
    const session = openLoggedIn(p11, token, false);
    try {
      const certs = findAll(p11, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]);
      const want = Buffer.from(certDer);
      const cert = certs.find((h) => {
        const [value] = p11.C_GetAttributeValue(session, h, [{ type: pkcs11js.CKA_VALUE }]);
        return Buffer.isBuffer(value?.value) && value.value.equals(want);
      });
      if (!cert) throw new Error('certificate not on token');
      const [idAttr] = p11.C_GetAttributeValue(session, cert, [{ type: pkcs11js.CKA_ID }]);
      const [key] = findAll(p11, session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: idAttr?.value as Buffer },
      ]);
      if (!key) throw new Error('private key not on token');
      let mechanism: pkcs11js.Mechanism;
      let input = data;
      if (algorithm === 'RS256') mechanism = { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS };
      else if (algorithm === 'PS256') {
        const pss: pkcs11js.RsaPSS = {
            hashAlg: pkcs11js.CKM_SHA256,
            mgf: pkcs11js.CKG_MGF1_SHA256,
            saltLen: 32,
            type: pkcs11js.CK_PARAMS_RSA_PSS,
        };
        mechanism = { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS, parameter: pss };
      } else {
        mechanism = { mechanism: pkcs11js.CKM_ECDSA };
        input = createHash('sha256').update(data).digest();
      }
      p11.C_SignInit(session, mechanism, key);
      return Buffer.from(p11.C_Sign(session, input, Buffer.alloc(1024)));
    } finally {
      p11.C_CloseSession(session);
    }
  });
}
