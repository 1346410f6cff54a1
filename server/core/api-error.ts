import type { ApiErrorBody, ApiErrorCode, RoleContact } from '../../common/api/index';

/** A failure with its HTTP status and API error code; the error handler turns it into the body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly contacts?: RoleContact[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The JSON body clients receive. */
  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
        ...(this.contacts ? { contacts: this.contacts } : {}),
      },
    };
  }
}

/** 400 with one message per field. */
export function validationError(fields: Record<string, string>, message = 'Ogiltiga uppgifter'): ApiError {
  return new ApiError(400, 'validation-failed', message, fields);
}
