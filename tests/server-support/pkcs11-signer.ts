import { createHash } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';

/** What signing needs to reach a PKCS#11 token (a subset of the card lab's SoftHsmToken). */
export interface TokenHandle {
  modulePath: string;
  softhsmConf: string;
  tokenLabel: string;
  pin: string;
}

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

function openLoggedIn(p11: pkcs11js.PKCS11, token: TokenHandle): Buffer {
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === token.tokenLabel);
  if (!slot) throw new Error(`token ${token.tokenLabel} not found`);
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
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

export type TokenAlgorithm = 'RS256' | 'PS256' | 'ES256';

/**
 * Signs `data` on the token with the private key whose CKA_ID matches the certificate `certDer`,
 * as the client's card layer does: CKM_SHA256_RSA_PKCS(_PSS) for RSA; for ECC, CKM_ECDSA over
 * SHA-256(data), which returns raw r ‖ s, the ES256 encoding the API expects.
 */
export function signOnToken(token: TokenHandle, certDer: Uint8Array, data: Buffer, algorithm: TokenAlgorithm): Buffer {
  return withModule(token, (p11) => {
    const session = openLoggedIn(p11, token);
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
