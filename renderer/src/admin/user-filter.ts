import type { Organisation, User } from '../../../common/api/schemas';

/** "Filtrera e-tjänster" then "Filtrera behörigheter": null means no choice. */
export interface UserFilter {
  eserviceId: string | null;
  permissionId: string | null;
}

export const NO_FILTER: UserFilter = { eserviceId: null, permissionId: null };

export function isFilterActive(filter: UserFilter): boolean {
  return filter.eserviceId !== null;
}

/**
 * Whether a user passes the e-service/permission filter: with only an e-service chosen, users
 * holding any permission in it; with a permission too, users holding that permission.
 */
export function matchesUserFilter(user: User, filter: UserFilter): boolean {
  if (filter.eserviceId === null) return true;
  const held = user.permissions[filter.eserviceId];
  if (!held || held.length === 0) return false;
  return filter.permissionId === null || held.includes(filter.permissionId);
}

/** The choices of "Filtrera behörigheter": the chosen e-service's permissions, none without one. */
export function permissionChoices(organisation: Organisation, eserviceId: string | null) {
  if (eserviceId === null) return [];
  return organisation.eservices.find((e) => e.id === eserviceId)?.permissions ?? [];
}

/** Choosing an e-service resets the permission choice (its choices follow the e-service). */
export function chooseEService(filter: UserFilter, eserviceId: string | null): UserFilter {
  return filter.eserviceId === eserviceId ? filter : { eserviceId, permissionId: null };
}

/** A permission can only be chosen within the chosen e-service; anything else is ignored. */
export function choosePermission(filter: UserFilter, organisation: Organisation, permissionId: string | null): UserFilter {
  if (permissionId === null) return { ...filter, permissionId: null };
  const valid = permissionChoices(organisation, filter.eserviceId).some((p) => p.id === permissionId);
  return valid ? { ...filter, permissionId } : filter;
}

const SWEDISH_LETTERS: Record<string, string> = { å: '{', ä: '|', æ: '|', ö: '}', ø: '}', ü: 'y' };
const sortKeys = new Map<string, string>();
const SORT_KEY_CACHE_LIMIT = 1_000_000;

/**
 * A key whose plain code-unit order is Swedish alphabetical order: lower case, å ä ö after z
 * (as the three characters after 'z' in ASCII), other accents dropped (é as e). Cached per
 * string: sorting 100,000 rows compares some 1.7 million pairs, and Intl.Collator is several
 * times slower than comparing ready keys.
 */
export function swedishSortKey(value: string): string {
  let key = sortKeys.get(value);
  if (key === undefined) {
    key = value
      .toLowerCase()
      .replace(/[åäæöøü]/g, (c) => SWEDISH_LETTERS[c]!)
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '');
    if (sortKeys.size >= SORT_KEY_CACHE_LIMIT) sortKeys.clear();
    sortKeys.set(value, key);
  }
  return key;
}

/** Swedish alphabetical order (å, ä, ö after z), case-insensitive; empty values first. */
export function compareSwedish(a: string | null | undefined, b: string | null | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  if (x === y) return 0;
  const kx = swedishSortKey(x);
  const ky = swedishSortKey(y);
  if (kx !== ky) return kx < ky ? -1 : 1;
  return x < y ? -1 : 1;
}

/**
 * What the search field matches against: every column's text, lower-cased, one line per column
 * (so a term never matches across two columns). Cached per user object; the store replaces the
 * object on every change, so the text is never stale. Make a new index when the texts change
 * (organisation, language).
 */
export function createUserSearchIndex(columnTexts: (user: User) => readonly string[]): (user: User) => string {
  const texts = new WeakMap<User, string>();
  return (user) => {
    let text = texts.get(user);
    if (text === undefined) {
      text = columnTexts(user).join('\n').toLowerCase();
      texts.set(user, text);
    }
    return text;
  };
}

/** The search as terms: "any character or word"; several words must each match some column. */
export function searchTerms(search: string): string[] {
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term !== '');
}

export function matchesSearch(text: string, terms: readonly string[]): boolean {
  for (const term of terms) if (!text.includes(term)) return false;
  return true;
}
