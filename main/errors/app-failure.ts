import type { AppErrorCode, Result } from '../../common/errors/error-codes';

/** A failure with a code from the closed vocabulary, thrown inside main and returned over IPC as a value. */
export class AppFailure extends Error {
  constructor(
    readonly code: AppErrorCode,
    readonly details: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(code, options);
    this.name = 'AppFailure';
  }
}

/** The value of a successful result; a failed one is thrown as an AppFailure. */
export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new AppFailure(result.error.code, result.error.details ?? {});
}
