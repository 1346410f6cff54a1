import type { AppErrorCode } from '../../../common/errors/error-codes';
import type { WordsIn } from './catalogue';
import type en from './en.json';
import type sv from './sv.json';

/** The error codes with a text in both languages of the catalogue (errors.<code>). */
type ErrorWords = WordsIn<typeof sv.errors> & WordsIn<typeof en.errors>;

/** The one place an error code becomes a catalogue key: a code without a text in Swedish or English fails to compile. */
export function errorMessageKey(code: AppErrorCode): `errors.${AppErrorCode}` {
  const worded: AppErrorCode & ErrorWords = code;
  return `errors.${worded}`;
}
