import { LAST_LOGIN_WORDS, permissionSummaryText, type User } from '../../common/api/index';

/** The export's columns, as the list names them. */
const CSV_HEADERS = ['Förnamn', 'Efternamn', 'HSA-id', 'E-post', 'Behörigheter', 'Senaste inloggning'] as const;

/**
 * Spreadsheet programs run a cell that starts with = + - @ (or a tab/CR) as a formula; names are
 * free text, so such a cell gets a leading apostrophe (OWASP's advice).
 */
function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One CSV line: every cell quoted, ';' between (Swedish spreadsheets), CRLF at the end. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(';')}\r\n`;
}

/** The export's columns; the list of all organisations names each user's organisation first. */
export function csvHeaders(withOrganisation: boolean): readonly string[] {
  return withOrganisation ? ['Organisation', ...CSV_HEADERS] : CSV_HEADERS;
}

/** A user's cells as the list shows them (dates in UTC), after their organisation's name if given. */
export function csvCells(user: User, organisationName?: string): string[] {
  const words = LAST_LOGIN_WORDS.sv;
  const date = user.lastLoginAt ? user.lastLoginAt.slice(0, 10) : words.never;
  const lastLogin = user.inactive ? `${date} (${words.inactive})` : date;
  return [
    ...(organisationName !== undefined ? [organisationName] : []),
    user.givenName,
    user.surname,
    user.hsaId,
    user.email,
    permissionSummaryText(user.permissions),
    lastLogin,
  ].map(defuse);
}
