import { assertNever, type AppErrorCode } from '../../../common/errors/error-codes';

/** The one place an error code becomes a catalogue key: exhaustive, so a new code fails to compile. */
export function errorMessageKey(code: AppErrorCode): `errors.${AppErrorCode}` {
  switch (code) {
    case 'ipc-invalid-payload':
    case 'ipc-forbidden-sender':
    case 'ipc-unknown-channel':
    case 'pcsc-no-service':
    case 'pcsc-no-reader':
    case 'card-absent':
    case 'card-removed':
    case 'card-changed':
    case 'card-unknown':
    case 'card-choice-required':
    case 'pkcs11-module-missing':
    case 'pkcs11-module-failed':
    case 'pkcs11-failed':
    case 'token-absent':
    case 'certificate-missing':
    case 'pin-incorrect':
    case 'pin-locked':
    case 'pin-length':
    case 'pin-change-refused':
    case 'puk-incorrect':
    case 'puk-locked':
    case 'pin-unblock-unavailable':
    case 'certificate-expired':
    case 'certificate-not-yet-valid':
    case 'certificate-untrusted':
    case 'certificate-revoked':
    case 'revocation-unavailable':
    case 'card-process-hung':
    case 'card-process-crashed':
    case 'backend-not-configured':
    case 'backend-unreachable':
    case 'backend-timeout':
    case 'backend-failed':
    case 'backend-malformed':
    case 'backend-tls':
    case 'backend-redirect':
    case 'backend-proxy-auth':
    case 'login-challenge-failed':
    case 'login-origin-mismatch':
    case 'login-signature-invalid':
    case 'login-certificate-key-usage':
    case 'login-not-authorised':
    case 'not-logged-in':
    case 'session-expired':
    case 'validation-failed':
    case 'not-found':
    case 'hsa-id-in-use':
    case 'hsa-id-is-administrator':
    case 'not-authorised-orderer':
    case 'last-administrator':
    case 'last-authorised-orderer':
    case 'hsa-id-is-user':
    case 'hsa-id-has-role':
    case 'organisation-ended':
    case 'no-agreement':
    case 'permission-unknown':
    case 'version-conflict':
    case 'internal':
      return `errors.${code}`;
    default:
      return assertNever(code);
  }
}
