/**
 * A response body already serialised to JSON (a cached user list), sent as is. `value` is kept for
 * the response-schema check that tests switch on.
 */
export class SerializedJson {
  constructor(
    readonly json: string,
    readonly value: unknown,
  ) {}
}
