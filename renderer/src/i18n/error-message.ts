import { assertNever, type AppErrorCode } from '../../../common/errors/error-codes';

/** The one place an error code becomes a catalogue key: exhaustive, so a new code fails to compile. */
export function errorMessageKey(code: AppErrorCode): `errors.${AppErrorCode}` {
  switch (code) {
    case 'ipc-invalid-payload':
    case 'ipc-forbidden-sender':
    case 'ipc-unknown-channel':
    case 'internal':
      return `errors.${code}`;
    default:
      return assertNever(code);
  }
}
