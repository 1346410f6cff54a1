/**
 * The card lab: a virtual SITHS-like card in a real PC/SC + PKCS#11 stack, for tests and for people.
 * See tests/cardlab/README.md.
 */
export { PROFILE_NAMES, PROFILES, LAB_PERSON, LAB_PIN, LAB_PUK, PIN_MAX_TRIES, isProfileName } from './profiles.js';
export type { CardProfileName, LabPerson, KeyAlgorithm, ProfileSpec } from './profiles.js';
export {
  ensureTestPki,
  ROOT_CA_NAME,
  INTERMEDIATE_CA_NAME,
  UNTRUSTED_ROOT_CA_NAME,
  UNTRUSTED_INTERMEDIATE_CA_NAME,
} from './test-pki.js';
export type { TestPki, CaCertificate, CardCredentials, IssuedCredential } from './test-pki.js';
export { provisionSoftHsmToken, AUTH_OBJECT_ID, SIGN_OBJECT_ID } from './softhsm.js';
export type { SoftHsmToken, ProvisionSoftHsmOptions } from './softhsm.js';
export { startCardLab, IMPOSTOR_READER_INDEX } from './lab.js';
export type {
  CardLab,
  CardLabStatus,
  CardInfo,
  ReaderStatus,
  ReaderIndex,
  ReaderRef,
  InsertOptions,
  StartCardLabOptions,
  CardFault,
} from './lab.js';
export { LAB_PIV_ATR, LAB_UNKNOWN_ATR, atrToHex } from './card-atrs.js';
export { LAB_IMPOSTOR_READER, LAB_READER_NAMES, LAB_READER_PORTS } from './pcscd.js';
export { OPENSC_PKCS11_MODULE, SOFTHSM2_MODULE, CARDLAB_DIR } from './paths.js';
