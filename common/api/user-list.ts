import { ESERVICES, type EServiceDefinition } from './catalogue';

/**
 * What the paged user list sorts and searches on, shared by the reference backend (which stores
 * the keys next to each user) and the client (which sorts a small list itself the same way).
 */

/** The grid's columns, each of which the list can be sorted on. */
export const USER_SORT_COLUMNS = ['givenName', 'surname', 'hsaId', 'email', 'permissions', 'lastLogin'] as const;
export type UserSortColumn = (typeof USER_SORT_COLUMNS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

const SWEDISH_LETTERS: Record<string, string> = { å: '{', ä: '|', æ: '|', ö: '}', ø: '}', ü: 'y' };

/**
 * A key whose plain code-unit (and byte) order is Swedish alphabetical order: lower case, å ä ö
 * after z (as the three characters after 'z' in ASCII), other accents dropped (é as e). The
 * database sorts on it with its binary collation, the same in SQLite and PostgreSQL.
 */
export function swedishSortKey(value: string): string {
  return value
    .toLowerCase()
    .replace(/[åäæöøü]/g, (c) => SWEDISH_LETTERS[c]!)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

/**
 * The text the search field's terms are looked for in: the four text columns, lower-cased, one
 * line each (a term never matches across two columns).
 */
export function userSearchText(user: { givenName: string; surname: string; hsaId: string; email: string }): string {
  return [user.givenName, user.surname, user.hsaId, user.email].join('\n').toLowerCase();
}

/**
 * The permission column's text as the list shows it ("E-tjänst: Behörighet, Behörighet; ..."),
 * in catalogue order, for every e-service the user holds permissions in.
 */
export function permissionSummaryText(permissions: Readonly<Record<string, readonly string[]>>): string {
  const groups: string[] = [];
  for (const eservice of ESERVICES as readonly EServiceDefinition[]) {
    const held = permissions[eservice.id];
    if (!held || held.length === 0) continue;
    const names: string[] = eservice.permissions.filter((p) => held.includes(p.id)).map((p) => p.name);
    for (const id of held) if (!eservice.permissions.some((p) => p.id === id)) names.push(id);
    groups.push(`${eservice.name}: ${names.join(', ')}`);
  }
  return groups.join('; ');
}

/** The search as terms: several words must each match some column. */
export function searchTerms(search: string): string[] {
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term !== '');
}

/**
 * The last-login column's words as the list shows them (Swedish, English): the server's search
 * matches a term inside them, and its CSV export (Swedish, like the API's messages) writes them.
 */
export const LAST_LOGIN_WORDS = {
  sv: { never: 'Aldrig inloggad', inactive: 'Inaktiv' },
  en: { never: 'Never logged in', inactive: 'Inactive' },
} as const;

/**
 * The list's first page as the administration view opens it (no search or filter, by surname):
 * main asks for it the moment a login succeeds, and the grid's first request is this one.
 */
export const FIRST_USER_PAGE = { sort: 'surname', direction: 'asc', search: '', limit: 100 } as const satisfies {
  sort: UserSortColumn;
  direction: SortDirection;
  search: string;
  limit: number;
};
