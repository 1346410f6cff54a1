import type { z } from 'zod';
import { sv } from 'zod/locales';

/** Zod's Swedish messages for issues a schema gives no message of its own. */
const swedishError = sv().localeError;

export type FieldErrors = Record<string, string>;

/** Parses with Swedish fallback messages; on failure returns one message per field path. */
export function parseWithSwedishMessages<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { success: true; data: z.output<S> } | { success: false; fields: FieldErrors } {
  const result = schema.safeParse(input, { error: swedishError });
  if (result.success) return { success: true, data: result.data };
  return { success: false, fields: fieldErrors(result.error) };
}

/** The first message for each field path; an issue on the object itself is reported under "body". */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] ??= 'Okänt fält';
      continue;
    }
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    fields[path] ??= issue.message;
  }
  return fields;
}
