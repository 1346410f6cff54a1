import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SORT_DIRECTIONS, USER_SORT_COLUMNS, type SortDirection, type UserSortColumn } from '../../common/api/index';
import { validationError } from '../core/api-error';

/** What a page's cursor is bound to: the next page must ask for the same order, search and filters. */
export interface CursorScope {
  sort: UserSortColumn;
  direction: SortDirection;
  search: string;
  eservice?: string | undefined;
  permission?: string | undefined;
  ending?: 'soon' | undefined;
  /** `all`, or `all:<id>` with the organisation filter; absent for the session's organisation. */
  organisations?: string | undefined;
}

const cursorSchema = z
  .object({
    v: z.array(z.string().max(2000)).min(1).max(2),
    i: z.string().min(1).max(100),
    s: z.enum(USER_SORT_COLUMNS),
    d: z.enum(SORT_DIRECTIONS),
    f: z.string().length(16),
  })
  .strict();

function scopeHash(scope: CursorScope): string {
  const parts: unknown[] = [scope.search, scope.eservice ?? null, scope.permission ?? null];
  if (scope.ending !== undefined || scope.organisations !== undefined) parts.push(scope.ending ?? null);
  if (scope.organisations !== undefined) parts.push(scope.organisations);
  const key = JSON.stringify(parts);
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

const invalid = (message: string) => validationError({ 'query.cursor': message });

/** The opaque cursor after a page's last row (base64url JSON; its content is no contract). */
export function encodeCursor(position: { values: string[]; id: string }, scope: CursorScope): string {
  const payload = { v: position.values, i: position.id, s: scope.sort, d: scope.direction, f: scopeHash(scope) };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The position a cursor names; 400 if it is malformed or belongs to another order, search or filter. */
export function decodeCursor(cursor: string, scope: CursorScope): { values: string[]; id: string } {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('Ogiltig sidmarkör');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('Ogiltig sidmarkör');
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) throw invalid('Ogiltig sidmarkör');
  const c = parsed.data;
  if (c.s !== scope.sort || c.d !== scope.direction || c.f !== scopeHash(scope)) {
    throw invalid('Sidmarkören hör till en annan sortering, sökning eller filtrering; börja om från första sidan');
  }
  return { values: c.v, id: c.i };
}
