import { createHash, createPublicKey, verify } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTH_OBJECT_ID, SIGN_OBJECT_ID, provisionSoftHsmToken, type SoftHsmToken } from './softhsm.js';

const tokens: SoftHsmToken[] = [];

afterAll(async () => {
  await Promise.all(tokens.map((t) => t.dispose()));
});

/** Load libsofthsm2 for one token (SOFTHSM2_CONF is read in C_Initialize), run `fn`, always finalise. */
function withToken<T>(token: SoftHsmToken, fn: (p11: pkcs11js.PKCS11, session: Buffer) => T): T {
  process.env.SOFTHSM2_CONF = token.softhsmConf;
  const p11 = new pkcs11js.PKCS11();
  p11.load(token.modulePath);
  p11.C_Initialize();
  try {
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === token.tokenLabel);
    if (!slot) throw new Error(`token ${token.tokenLabel} not found`);
    expect(slot.readUInt32LE(0)).toBe(token.slotId);
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    p11.C_Login(session, pkcs11js.CKU_USER, token.pin);
    try {
      return fn(p11, session);
    } finally {
      p11.C_CloseSession(session);
    }
  } finally {
    p11.C_Finalize();
    p11.close();
  }
}

function find(p11: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  p11.C_FindObjectsInit(session, template);
  try {
    return p11.C_FindObjects(session, 20);
  } finally {
    p11.C_FindObjectsFinal(session);
  }
}

function labelOf(p11: pkcs11js.PKCS11, session: Buffer, handle: Buffer): string {
  const [attr] = p11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_LABEL }]);
  return (attr?.value as Buffer).toString('utf8');
}

describe('SoftHSM2 tokens from the lab PKI', () => {
  it('holds the authentication key and certificate under one CKA_ID and signs with it (RSA)', async () => {
    const token = await provisionSoftHsmToken({ profile: 'valid' });
    tokens.push(token);
    expect(token.modulePath).toBe('/usr/lib/softhsm/libsofthsm2.so');
    expect(token.tokenLabel).toBe('lab-valid');
    const challenge = Buffer.from('sign me');
    const signature = withToken(token, (p11, session) => {
      const id = Buffer.from(AUTH_OBJECT_ID, 'hex');
      const [key] = find(p11, session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: id },
      ]);
      const [cert] = find(p11, session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
        { type: pkcs11js.CKA_ID, value: id },
      ]);
      expect(key).toBeDefined();
      expect(cert).toBeDefined();
      expect(labelOf(p11, session, key!)).toBe('Authentication');
      const [der] = p11.C_GetAttributeValue(session, cert!, [{ type: pkcs11js.CKA_VALUE }]);
      expect(Buffer.compare(der!.value as Buffer, Buffer.from(token.credentials.authentication!.certificateDer))).toBe(0);
      const signKeys = find(p11, session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(SIGN_OBJECT_ID, 'hex') },
      ]);
      expect(signKeys.map((k) => labelOf(p11, session, k))).toEqual(['Signature']);
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key!);
      return p11.C_Sign(session, challenge, Buffer.alloc(512));
    });
    const publicKey = createPublicKey(token.credentials.authentication!.certificatePem);
    expect(verify('sha256', challenge, publicKey, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('other'), publicKey, signature)).toBe(false);
  });

  it('signs with ECDSA P-256 on an ecc token (a second token in the same process)', async () => {
    const token = await provisionSoftHsmToken({ profile: 'ecc', label: 'lab-ecc-token' });
    tokens.push(token);
    const challenge = Buffer.from('ecc challenge');
    const signature = withToken(token, (p11, session) => {
      const [key] = find(p11, session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(AUTH_OBJECT_ID, 'hex') },
      ]);
      // SoftHSM 2.6 on Debian has no CKM_ECDSA_SHA256: hash on the host, sign with CKM_ECDSA.
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key!);
      return p11.C_Sign(session, createHash('sha256').update(challenge).digest(), Buffer.alloc(128));
    });
    expect(signature.length).toBe(64);
    const publicKey = createPublicKey(token.credentials.authentication!.certificatePem);
    expect(verify('sha256', challenge, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  });

  it('has no authentication objects on a no-auth-cert token', async () => {
    const token = await provisionSoftHsmToken({ profile: 'no-auth-cert' });
    tokens.push(token);
    const counts = withToken(token, (p11, session) => ({
      auth: find(p11, session, [{ type: pkcs11js.CKA_ID, value: Buffer.from(AUTH_OBJECT_ID, 'hex') }]).length,
      sign: find(p11, session, [{ type: pkcs11js.CKA_ID, value: Buffer.from(SIGN_OBJECT_ID, 'hex') }]).length,
    }));
    expect(counts).toEqual({ auth: 0, sign: 3 });
  });
});
