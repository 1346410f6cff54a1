/**
 * Time-limited permissions (source 003, "tillfällig behörighet"): a permission may carry an end
 * date, a calendar date in Swedish time. On that date the permission ends by itself: from 00:00
 * Swedish time the server's expiry job removes it (audit entry, e-mail to the user).
 */

/** The list marks permissions that end within this many days. */
export const ENDING_SOON_DAYS = 14;

const SWEDISH_DATE = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date (YYYY-MM-DD) in Sweden at `at`. */
export function swedishDate(at: Date): string {
  return SWEDISH_DATE.format(at);
}

/** The date `days` days after `date` (both YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A permission with this end date has ended on `today` (both YYYY-MM-DD). */
export function hasEnded(endsOn: string, today: string): boolean {
  return endsOn <= today;
}

/** Not ended yet, and ends within ENDING_SOON_DAYS days of `today`. */
export function endsSoon(endsOn: string, today: string): boolean {
  return !hasEnded(endsOn, today) && endsOn <= addDays(today, ENDING_SOON_DAYS);
}
