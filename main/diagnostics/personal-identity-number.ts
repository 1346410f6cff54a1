import { checkWords } from './check-words';

/**
 * Swedish personal identity numbers (personnummer) and co-ordination numbers (samordningsnummer) in
 * free text: YYYYMMDD-NNNN, YYMMDD-NNNN (or +), or the same digits without the separator, with a valid
 * date (day + 60 for a co-ordination number) and Luhn check digit. Digits inside a longer run of
 * letters and digits (an HSA-id "SE2321000016-A1B2", a fingerprint) are not a number of their own.
 */
const CANDIDATE = /(?<![\dA-Za-z])(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})(?![\dA-Za-z])/g;

/** What stands where a personal identity number was (the catalogue's Swedish, as the rest of the report). */
export const PERSONAL_IDENTITY_NUMBER_REMOVED = checkWords('sv').report('personalIdentityNumberRemoved');

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let value = Number(digits[index]) * (index % 2 === 0 ? 2 : 1);
    if (value > 9) value -= 9;
    sum += value;
  }
  return sum % 10 === 0;
}

function isPersonalIdentityNumber(month: string, day: string, tenDigits: string): boolean {
  const m = Number(month);
  const d = Number(day);
  const dayOk = (d >= 1 && d <= 31) || (d >= 61 && d <= 91);
  return m >= 1 && m <= 12 && dayOk && luhnValid(tenDigits);
}

/** The text with every personal identity number replaced by PERSONAL_IDENTITY_NUMBER_REMOVED. */
export function withoutPersonalIdentityNumbers(text: string): string {
  return text.replace(
    CANDIDATE,
    (whole, _century: string | undefined, year: string, month: string, day: string, _sep, last: string) =>
      isPersonalIdentityNumber(month, day, `${year}${month}${day}${last}`) ? PERSONAL_IDENTITY_NUMBER_REMOVED : whole,
  );
}

/** A copy of a JSON-like value with every string passed through withoutPersonalIdentityNumbers. */
export function scrubPersonalIdentityNumbers<T>(value: T): T {
  if (typeof value === 'string') return withoutPersonalIdentityNumbers(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubPersonalIdentityNumbers(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, scrubPersonalIdentityNumbers(item)]),
    ) as T;
  }
  return value;
}
