import type { User, UserPage } from '../../../common/api/schemas';
import { FIRST_USER_PAGE, type SortDirection, type UserSortColumn } from '../../../common/api/user-list';
import type { AppError, Result } from '../../../common/errors/error-codes';
import type { UserPageRequest } from './administration-store';
import type { UserFilter } from './user-filter';

/** What the list asks the server for, apart from the position. */
export interface UserListQuery {
  search: string;
  filter: UserFilter;
  sort: UserSortColumn;
  direction: SortDirection;
  /** Only users with a permission ending within 14 days (the server's `ending=soon`). */
  endingSoon?: boolean;
  /**
   * Several organisations (source 004): `all` lists every organisation the person administers, an
   * organisation id only that one of them (scope=all with the organisation filter).
   */
  organisations?: 'all' | { only: string };
}

/** The list's order until the administrator sorts: the first page's (which main asks for at login). */
export const DEFAULT_SORT: Pick<UserListQuery, 'sort' | 'direction'> = {
  sort: FIRST_USER_PAGE.sort,
  direction: FIRST_USER_PAGE.direction,
};

/** Largest page the server gives: the step when walking to a far row. */
const WALK_STEP = 1000;

export interface UserPageSource {
  /** Rows [startRow, endRow) of the list; `lastRow` once the end is known. */
  rows(startRow: number, endRow: number): Promise<Result<{ rows: User[]; lastRow?: number }>>;
  /** Stops every walk in progress; later answers are dropped (a newer query replaced this one). */
  cancel(): void;
}

/** The counts of the first page: `atLeast` when the server counted matches only up to its cap. */
export interface UserCounts {
  matched: number;
  atLeast: boolean;
  total: number;
}

/** The request for `limit` rows of the list under `query`, from `cursor` (or the first row). */
export function pageRequest(query: UserListQuery, limit: number, cursor?: string): UserPageRequest {
  return {
    sort: query.sort,
    direction: query.direction,
    search: query.search.trim(),
    ...(query.filter.eserviceId !== null ? { eservice: query.filter.eserviceId as UserPageRequest['eservice'] } : {}),
    ...(query.filter.permissionId !== null ? { permission: query.filter.permissionId } : {}),
    ...(query.endingSoon ? { ending: 'soon' as const } : {}),
    ...(query.organisations ? { scope: 'all' as const } : {}),
    ...(query.organisations && query.organisations !== 'all' ? { organisation: query.organisations.only } : {}),
    limit,
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

/**
 * The list's rows over keyset pages: remembers the cursor at each row position it reached, so the
 * next block continues from the previous one; a jump further down walks there in the largest
 * pages. One source per query (search, filters, sort): a new query makes a new source and cancels
 * the old one, so a late answer never shows rows of a superseded search.
 */
export function createUserPageSource(
  fetchPage: (request: UserPageRequest) => Promise<Result<UserPage>>,
  query: UserListQuery,
  onCounts: (counts: UserCounts) => void,
): UserPageSource {
  // Row position → the cursor of the page starting there (undefined: the first page).
  const cursors = new Map<number, string | undefined>([[0, undefined]]);
  let lastRow: number | undefined;
  let cancelled = false;
  const superseded: AppError = { code: 'internal', details: { reason: 'superseded' } };

  const page = async (start: number, limit: number): Promise<Result<UserPage>> => {
    const cursor = cursors.get(start);
    const result = await fetchPage(pageRequest(query, limit, cursor));
    if (cancelled) return { ok: false, error: superseded };
    if (!result.ok) return result;
    const value = result.value;
    if (value.matched !== null && value.total !== null) {
      onCounts({ matched: value.matched, atLeast: value.matchedAtLeast === true, total: value.total });
    }
    if (value.nextCursor !== null) cursors.set(start + value.users.length, value.nextCursor);
    else lastRow = start + value.users.length;
    return result;
  };

  return {
    async rows(startRow, endRow) {
      // The nearest position at or before startRow whose cursor is known.
      let at = 0;
      for (const position of cursors.keys()) if (position <= startRow && position > at) at = position;
      while (at < startRow) {
        if (lastRow !== undefined && at >= lastRow) return { ok: true, value: { rows: [], lastRow } };
        const step = Math.min(WALK_STEP, startRow - at);
        const walked = await page(at, step);
        if (!walked.ok) return walked;
        if (walked.value.nextCursor === null) return { ok: true, value: { rows: [], lastRow: at + walked.value.users.length } };
        at += walked.value.users.length;
      }
      const result = await page(startRow, Math.min(WALK_STEP, endRow - startRow));
      if (!result.ok) return result;
      return { ok: true, value: { rows: result.value.users, ...(lastRow !== undefined ? { lastRow } : {}) } };
    },
    cancel() {
      cancelled = true;
    },
  };
}

/** Whether an error only says that a newer query replaced the one asked. */
export function isSuperseded(error: AppError): boolean {
  return error.code === 'internal' && error.details?.reason === 'superseded';
}
