import type { z } from 'zod';

// Values main has already parsed against a schema at its boundary (the backend client), with that
// schema: the IPC router then sends them on without parsing a large page a second time.
const validated = new WeakMap<object, z.ZodType>();

/** Records that `value` is the output of `schema`'s parse; returns it. */
export function markValidated<T>(value: T, schema: z.ZodType): T {
  if (typeof value === 'object' && value !== null) validated.set(value, schema);
  return value;
}

/** Whether `value` came out of parsing with exactly this schema. */
export function isValidatedBy(value: unknown, schema: z.ZodType): boolean {
  return typeof value === 'object' && value !== null && validated.get(value) === schema;
}
