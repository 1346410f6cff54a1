import { newUserSchema, parseWithSwedishMessages, type NewUser } from '../../../common/api';
import type { AppError } from '../../../common/errors/error-codes';
import { errorMessageKey } from '../i18n/error-message';
import type { Translate } from './user-columns';

export const USER_FIELDS = ['givenName', 'surname', 'hsaId', 'email'] as const;
export type UserField = (typeof USER_FIELDS)[number];
export type UserFormValues = Record<UserField, string>;
export type UserFieldErrors = Partial<Record<UserField, string>>;

export const EMPTY_USER_FORM: UserFormValues = { givenName: '', surname: '', hsaId: '', email: '' };

function isUserField(name: string): name is UserField {
  return (USER_FIELDS as readonly string[]).includes(name);
}

/** Validates the form with the server's own schema; Swedish messages per field, or the parsed user. */
export function validateUserForm(values: UserFormValues): { ok: true; user: NewUser } | { ok: false; fields: UserFieldErrors } {
  const parsed = parseWithSwedishMessages(newUserSchema, values);
  if (parsed.success) return { ok: true, user: parsed.data };
  const fields: UserFieldErrors = {};
  for (const [path, message] of Object.entries(parsed.fields)) if (isUserField(path)) fields[path] = message;
  return { ok: false, fields };
}

/**
 * Where a server refusal belongs: field messages from `validation-failed` on their fields, an
 * HSA-id refusal on the HSA-id field, anything else as a message for the whole form.
 */
export function formErrorsFromAppError(error: AppError, t: Translate): { fields: UserFieldErrors; message: string | null } {
  const fields: UserFieldErrors = {};
  switch (error.code) {
    case 'validation-failed': {
      for (const [key, message] of Object.entries(error.details ?? {})) {
        const name = key.startsWith('field.') ? key.slice('field.'.length) : null;
        if (name && isUserField(name)) fields[name] = message;
      }
      return { fields, message: Object.keys(fields).length > 0 ? null : t(errorMessageKey(error.code)) };
    }
    case 'hsa-id-in-use':
    case 'hsa-id-is-administrator':
    case 'hsa-id-is-user':
    case 'hsa-id-has-role':
      return { fields: { hsaId: t(errorMessageKey(error.code)) }, message: null };
    default:
      return { fields, message: t(errorMessageKey(error.code)) };
  }
}

/** The fields that differ from the user's current values (trimmed as the schema trims). */
export function changedFields(current: UserFormValues, next: NewUser): Partial<NewUser> {
  const patch: Partial<NewUser> = {};
  for (const field of USER_FIELDS) {
    const before = field === 'hsaId' ? current[field].trim().toUpperCase() : current[field].trim();
    if (before !== next[field]) patch[field] = next[field];
  }
  return patch;
}
