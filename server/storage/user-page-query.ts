import { expressionBuilder, sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { UserSortColumn } from '../../common/api/user-list';
import type { Database } from './database-schema';
import { SEARCH_KEY_COLUMNS, USER_SEARCH_DOCUMENT, type SqlDialectName } from './migrations';
import type { UserListFilter, UserPageRequest } from './storage';

/**
 * The stored columns each sort column orders by (Swedish order as binary order, see migration
 * 0004), then the id: names break ties with the other name, as a list of people reads.
 */
export const SORT_COLUMNS_OF = {
  givenName: ['sort_given_name', 'sort_surname'],
  surname: ['sort_surname', 'sort_given_name'],
  hsaId: ['hsa_id'],
  email: ['sort_email'],
  permissions: ['sort_permissions'],
  lastLogin: ['sort_last_login'],
} as const satisfies Record<UserSortColumn, readonly (keyof Database['users'])[]>;

type UsersEb = ExpressionBuilder<Database, 'users'>;

/** LIKE '%text%' with the wildcards of the text escaped; the same in SQLite and PostgreSQL. */
function contains(column: Expression<string | null>, text: string) {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`${column} like ${pattern} escape '\\'`;
}

function holdsAny(eb: UsersEb, eserviceId: string, permissionIds?: readonly string[]) {
  let q = eb
    .selectFrom('user_permissions as p')
    .select(sql`1`.as('one'))
    .whereRef('p.user_id', '=', 'users.id')
    .where('p.eservice_id', '=', eserviceId);
  if (permissionIds) q = q.where('p.permission_id', 'in', permissionIds);
  return eb.exists(q);
}

/** Holds a permission ending in the window: the (ends_on, user_id) index of migration 0005 finds them. */
function endingCondition(eb: UsersEb, plan: SearchPlan, ending: NonNullable<UserListFilter['ending']>): Expression<SqlBool> {
  const eservice = plan.dialect === 'sqlite' ? sql<string>`+e.eservice_id` : sql.ref<string>('e.eservice_id');
  let q = eb
    .selectFrom('user_permissions as e')
    .select('e.user_id')
    .where('e.ends_on', '>', ending.after)
    .where('e.ends_on', '<=', ending.until)
    // Unary + on SQLite: the e-service is tested on the window's rows, not used to find them (through
    // the filter index every permission of the agreed e-services was read: 20-60 s at 1M users).
    .where(eservice, 'in', ending.eserviceIds.length > 0 ? [...ending.eserviceIds] : ['']);
  if (ending.permissionId !== undefined) q = q.where('e.permission_id', '=', ending.permissionId);
  return eb('users.id', 'in', q);
}

/**
 * An FTS5 phrase of the text: with the trigram tokenizer, the documents that hold the text (of 3
 * characters or more). Everything inside the quotes is literal but the quote itself, doubled. A
 * MATCH reads only the index; a GLOB on the FTS table also reads each candidate's stored text
 * back, which made a term with 20,000 matches at a million users cost most of a second.
 */
function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** Whether the trigram index can look the text up (3 characters or more; shorter texts have no trigram). */
function indexable(text: string): boolean {
  return [...text].length >= 3;
}

/** Whether the text can be part of a date (digits and dashes): only such a text may match the last login. */
function dateLike(text: string): boolean {
  return /^[0-9-]+$/.test(text);
}

/**
 * Whether the search document (USER_SEARCH_DOCUMENT) of the row at hand holds the text, tested row
 * by row on SQLite: the search text from the sort index (migration 0009: the row itself is read
 * only when the test passes), the last login date only for a text that can be part of a date (a
 * term holds no line break, so it is in one of the two or in neither).
 */
function sqliteRowHolds(text: string): Expression<SqlBool> {
  const inText = sql<SqlBool>`instr(users.search_text, ${text}) > 0`;
  if (!dateLike(text)) return inText;
  return sql<SqlBool>`(${inText} or instr(coalesce(substr(users.last_login_at, 1, 10), ''), ${text}) > 0)`;
}

/**
 * How the search terms are looked up. PostgreSQL: every term through pg_trgm's GIN index on the
 * search document, its planner choosing between that and the sort index. SQLite's planner cannot
 * tell a rare term from a common one, so we do: a term of three characters or more that the FTS5
 * trigram index finds rarely enough (see drivesPage) `drives` (its matches are fetched and sorted;
 * the organisation and sort indexes are then kept out of the plan with unary +, or SQLite walks a
 * million rows probing the small set); every other term is tested row by row while the sort index
 * is walked, which stops after a page when the terms are common.
 */
export interface SearchPlan {
  dialect: SqlDialectName;
  drives?: string;
  /**
   * SQLite: the matches the probe counted of each term of three characters or more, up to the
   * probe's cap (then "at least"): which term a count streams, and whether a walk that finds too
   * few rows may give way to the term's matches (see pageStrategy).
   */
  matches?: Readonly<Record<string, number>>;
  /** SQLite, with `matches`: the users of the organisation (or organisations) searched. */
  organisationUsers?: number;
  /**
   * SQLite: the users holding a permission that ends in the window (ending=soon) are few enough
   * to drive the page (found through the end-date index, then sorted), as a rare term would.
   */
  drivesEnding?: true;
}

/** Whether the page is driven by a small set (a rare term, few ending permissions), not by walking the sort index. */
function driven(plan: SearchPlan): boolean {
  return plan.drives !== undefined || plan.drivesEnding === true;
}

/** Most matches of a term the plan counts: beyond them a term is common in any organisation. */
export const DENSE_TERM = 20_000;

/** Rows of a page the plan is made for (the grid asks 100 at a time). */
const PLANNED_PAGE = 100;

/**
 * Whether a term with `matches` in the index drives the page in an organisation of
 * `organisationUsers`: fetching and sorting its matches costs about one row each; walking the
 * sort index costs about PLANNED_PAGE × organisationUsers / matches rows until a page is found
 * (the matches spread over the order). At a million users the two meet near 10,000 matches; a
 * fixed 20,000 had a name like "karin." (15,000 matches) sorted whole on every keystroke.
 */
export function drivesPage(matches: number, organisationUsers: number): boolean {
  return matches < DENSE_TERM && matches * matches < PLANNED_PAGE * organisationUsers;
}

/** All users of the organisation (or organisations): the counts the triggers keep (migration 0008). */
async function usersIn(db: Kysely<Database>, scope: OrganisationScope): Promise<number> {
  const ids = typeof scope === 'string' ? [scope] : [...scope];
  if (ids.length === 0) return 0;
  const rows = await db.selectFrom('organisation_user_counts').select('users').where('organisation_id', 'in', ids).execute();
  return rows.reduce((n, row) => n + Number(row.users ?? 0), 0);
}

// Plans being made, per connection: a first page asks for its rows and its count at once, and
// both take the one plan (one probe). Only while it is being made: never a stale plan.
const plansInFlight = new WeakMap<Kysely<Database>, Map<string, Promise<SearchPlan>>>();

/**
 * The search plan for these terms (SQLite: one capped probe of the FTS index per term); a call
 * for the same organisation and terms while one is being made gets that one.
 */
export function searchPlan(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  organisationId: OrganisationScope,
  filter: UserListFilter,
): Promise<SearchPlan> {
  if (dialect === 'postgres') return Promise.resolve({ dialect });
  let plans = plansInFlight.get(db);
  if (!plans) plansInFlight.set(db, (plans = new Map()));
  const key = JSON.stringify([organisationId, filter.terms.map((t) => t.text), filter.ending ?? null]);
  const running = plans.get(key);
  if (running) return running;
  const made = makeSqlitePlan(db, organisationId, filter).finally(() => plans.delete(key));
  plans.set(key, made);
  return made;
}

async function makeSqlitePlan(
  db: Kysely<Database>,
  organisationId: OrganisationScope,
  filter: UserListFilter,
): Promise<SearchPlan> {
  const dialect = 'sqlite';
  const texts = filter.terms.map((t) => t.text).filter(indexable);
  const ending = filter.ending;
  if (texts.length === 0 && ending === undefined) return { dialect };
  const organisationUsers = await usersIn(db, organisationId);
  // Counting further than the first count that would not drive is wasted (half of it at 1M users).
  const enough = Math.min(DENSE_TERM, Math.ceil(Math.sqrt(PLANNED_PAGE * organisationUsers)) + 1);
  let endingCount = Infinity;
  if (ending !== undefined) {
    // Every permission ending in the window, of any organisation and e-service: an upper bound,
    // read from the end-date index alone.
    const { rows } = await sql<{ n: number }>`select count(*) as n from (select 1 from user_permissions
      where ends_on > ${ending.after} and ends_on <= ${ending.until} limit ${enough})`.execute(db);
    endingCount = Number(rows[0]?.n ?? enough);
  }
  let best: { text: string; n: number } | undefined;
  const matches: Record<string, number> = {};
  // Counted up to where a walk may still give way to the term's matches (reading the FTS index
  // alone: 80,000 matches in about 5 ms at a million users).
  const probeCap = Math.max(enough, KEYED_DRIVE_MAX + 1);
  for (const text of texts) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from
      (select 1 from user_search where user_search match ${ftsPhrase(text)} limit ${probeCap})`.execute(db);
    const n = Number(rows[0]?.n ?? probeCap);
    matches[text] = n;
    if (drivesPage(n, organisationUsers) && (!best || n < best.n)) best = { text, n };
  }
  const counted = texts.length > 0 ? { matches, organisationUsers } : {};
  if (drivesPage(endingCount, organisationUsers) && (!best || endingCount <= best.n)) {
    return { dialect, drivesEnding: true, ...counted };
  }
  return best ? { dialect, drives: best.text, ...counted } : { dialect, ...counted };
}

/** Users whose search document holds the term, as the plan says. */
function searchMatch(plan: SearchPlan, text: string): Expression<SqlBool> {
  if (plan.dialect === 'postgres') return contains(sql`(${USER_SEARCH_DOCUMENT})`, text);
  if (plan.drives !== text) return sqliteRowHolds(text);
  return sql<SqlBool>`users.id in (select k.user_id from user_search s join user_search_keys k on k.n = s.rowid
    where s.user_search match ${ftsPhrase(text)})`;
}

/** One organisation's users, or (a person with several organisations) those of any of these. */
export type OrganisationScope = string | readonly string[];

function inScope(eb: UsersEb, plan: SearchPlan, scope: OrganisationScope): Expression<SqlBool> {
  if (typeof scope === 'string') {
    return !driven(plan) ? eb('users.organisation_id', '=', scope) : sql<SqlBool>`+users.organisation_id = ${scope}`;
  }
  const ids = scope.length > 0 ? [...scope] : [''];
  return !driven(plan) ? eb('users.organisation_id', 'in', ids) : sql<SqlBool>`+users.organisation_id in (${sql.join(ids)})`;
}

/** The WHERE condition of the organisation's users that pass the filter and the search. */
export function userFilterCondition(
  eb: UsersEb,
  plan: SearchPlan,
  organisationId: OrganisationScope,
  filter: UserListFilter,
): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [inScope(eb, plan, organisationId)];
  if (filter.eserviceId !== undefined) {
    all.push(holdsAny(eb, filter.eserviceId, filter.permissionId !== undefined ? [filter.permissionId] : undefined));
  }
  if (filter.ending !== undefined) all.push(endingCondition(eb, plan, filter.ending));
  for (const term of filter.terms) {
    const any: Expression<SqlBool>[] = [searchMatch(plan, term.text)];
    for (const p of term.permissions) if (p.permissionIds.length > 0) any.push(holdsAny(eb, p.eserviceId, p.permissionIds));
    if (term.never) any.push(eb('users.last_login_at', 'is', null));
    if (term.inactive) any.push(eb(eb.fn.coalesce('users.last_login_at', 'users.created_at'), '<', filter.inactiveBefore));
    all.push(eb.or(any));
  }
  return eb.and(all);
}

const PAGE_COLUMNS = [
  'users.id',
  'users.organisation_id',
  'users.hsa_id',
  'users.given_name',
  'users.surname',
  'users.email',
  'users.version',
  'users.created_at',
  'users.updated_at',
  'users.last_login_at',
] as const;

/**
 * One keyset page: `limit + 1` rows in (sort column, id) order after `after`, so the caller knows
 * whether another page follows. The (organisation, sort column, id) index serves the order in
 * either direction; a concurrent insert or delete never shifts a row into or out of a page.
 */
export async function selectUserPage(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  organisationId: OrganisationScope,
  request: UserPageRequest,
) {
  const plan = await searchPlan(db, dialect, organisationId, request.filter);
  return pageByStrategy(db, plan, organisationId, request, pageStrategy(plan, organisationId, request));
}

/**
 * Most matches (of the rarest term) for which a page may be sorted out of user_search_keys when
 * walking the sort index finds too few: about 1.2 µs a match at a million users once the keys
 * are in the reader's cache (60,000 in about 40 ms on two threads), against about 0.2-0.5 µs a
 * row walked (a clustered term walks up to the whole organisation: "ann" by e-mail descending
 * walked 519,000 rows, 90-140 ms).
 */
export const KEYED_DRIVE_MAX = 80_000;

/** Fewest rows a walk that may give way to the terms' matches is allowed before it does. */
const WALK_BUDGET_MIN = 2_000;

/**
 * How a page is found (SQLite; PostgreSQL's planner chooses for itself):
 * - `plan`: the search plan's statement (userPageQuery: the sort index walked, or a driving term's
 *   or the ending window's matches fetched and sorted);
 * - `keyed`: the documents holding every term (the FTS index intersects their lists) sorted out
 *   of user_search_keys (sort keys without the users' rows);
 * - `walk-then-keyed`: the sort index walked for at most `budget` rows, then `keyed` when those
 *   hold less than a page. A term clustered in the order ("karin." sorted by e-mail: its matches
 *   all at K, after half a million others when descending) costs a whole walk otherwise; a term
 *   spread over the order fills the page within a few times PLANNED_PAGE × users / matches rows.
 *
 * Both need plain terms (plainTerms: other conditions need each row) and a sort user_search_keys
 * carries (not permissions or last login).
 */
export type PageStrategy =
  | { kind: 'plan' }
  | { kind: 'keyed'; texts: readonly string[]; parts: number }
  | { kind: 'walk-then-keyed'; texts: readonly string[]; budget: number; parts: number };

/**
 * Matches beyond which the keyed sort is split in two halves of the FTS rowids, sorted side by
 * side on the reader's two threads, their pages merged: "ann" (60,000 matches at a million
 * users) sorted by e-mail in about 40 ms instead of 70.
 */
const KEYED_SPLIT_AT = 5_000;

/** The strategy of one page under a search plan (see PageStrategy). */
export function pageStrategy(plan: SearchPlan, organisationId: OrganisationScope, request: UserPageRequest): PageStrategy {
  const texts = plainTerms(request.filter);
  if (plan.dialect !== 'sqlite' || texts === undefined || !keyedSort(request.sort)) return { kind: 'plan' };
  // The documents holding every term are at most those holding the rarest; as many as if the
  // terms were independent is the walk's guess (its budget; a wrong guess costs only the walk).
  const users = Math.max(plan.organisationUsers ?? 0, 1);
  const counts = texts.map((t) => plan.matches?.[t] ?? Infinity);
  const n = Math.min(...counts);
  const likely = counts.reduce((all, c) => all * Math.min(c / users, 1), users);
  const parts = n > KEYED_SPLIT_AT ? 2 : 1;
  if (plan.drives !== undefined && texts.includes(plan.drives)) return { kind: 'keyed', texts, parts };
  // Several organisations' users are not one range of a sort index: the plan's walk merges them.
  if (n > KEYED_DRIVE_MAX || typeof organisationId !== 'string') return { kind: 'plan' };
  const budget = Math.max(WALK_BUDGET_MIN, 4 * Math.ceil((PLANNED_PAGE * users) / Math.max(likely, 1)));
  // A walk as long as that costs about what sorting the matches does; a date is tested on the row.
  if (budget >= 3 * n || texts.some(dateLike)) return { kind: 'keyed', texts, parts };
  return { kind: 'walk-then-keyed', texts, budget, parts };
}

/** Runs one page's statement (or two: a walk that found too few, then the terms' matches). */
export async function pageByStrategy(
  db: Kysely<Database>,
  plan: SearchPlan,
  organisationId: OrganisationScope,
  request: UserPageRequest,
  strategy: PageStrategy,
) {
  switch (strategy.kind) {
    case 'plan':
      return userPageQuery(db, plan, organisationId, request).execute();
    case 'keyed':
      return keyedPage(db, organisationId, request, strategy.texts, strategy.parts);
    case 'walk-then-keyed': {
      const walked = await boundedWalkQuery(db, organisationId as string, request, strategy.texts, strategy.budget).execute();
      // A full page (and one more row) within the budget is the page; fewer may mean the budget ran out.
      if (walked.length > request.limit) return walked;
      return keyedPage(db, organisationId, request, strategy.texts, strategy.parts);
    }
  }
}

/**
 * The terms of a filter that is nothing but terms of three characters or more, each matching
 * only in the search document (no permission, "never" or "inactive" alternative, no filter).
 */
function plainTerms(filter: UserListFilter): readonly string[] | undefined {
  if (filter.terms.length === 0 || filter.eserviceId !== undefined || filter.ending !== undefined) return undefined;
  const plain = filter.terms.every(
    (t) => indexable(t.text) && !t.never && !t.inactive && t.permissions.every((p) => p.permissionIds.length === 0),
  );
  return plain ? filter.terms.map((t) => t.text) : undefined;
}

/** The FTS5 query of the documents holding every one of the texts (the index intersects their lists). */
function ftsAll(texts: readonly string[]): string {
  return texts.map(ftsPhrase).join(' AND ');
}

/** Whether user_search_keys carries the sort's columns (migration 0010). */
function keyedSort(sort: UserSortColumn): boolean {
  return SORT_COLUMNS_OF[sort].every((c) => (SEARCH_KEY_COLUMNS as readonly string[]).includes(c));
}

/** The organisations of a scope as an SQL list (never empty). */
function scopeList(organisationId: OrganisationScope) {
  return sql.join([...(typeof organisationId === 'string' ? [organisationId] : organisationId), '']);
}

/** The page's columns, in the order of the sort, of the users whose ids the subquery gives (at most a page). */
function pageOfIds(db: Kysely<Database>, request: UserPageRequest, ids: Expression<unknown>) {
  const refs = SORT_COLUMNS_OF[request.sort].map((c) => `users.${c}` as const);
  let query = db
    .selectFrom('users')
    .select([...PAGE_COLUMNS, ...refs.map((r, i) => sql<string>`${sql.ref(r)}`.as(`sort_${i}`))])
    .where(sql<SqlBool>`users.id in (${ids})`);
  // Unary +: the page's few rows are sorted, never found by walking a sort index probing the ids.
  for (const r of [...refs, 'users.id' as const]) query = query.orderBy(sql`+${sql.ref(r)}`, request.direction);
  return query.limit(request.limit + 1);
}

/** The keyset condition `(columns) > (after)` (or `<` descending) on the given column expressions. */
function afterCursor(columns: Expression<unknown>[], request: UserPageRequest): Expression<SqlBool> | undefined {
  const after = request.after;
  if (!after) return undefined;
  if (after.values.length !== columns.length - 1) throw new Error('cursor does not fit the sort');
  const op = request.direction === 'asc' ? '>' : '<';
  return sql<SqlBool>`(${sql.join(columns)}) ${sql.raw(op)} (${sql.join([...after.values, after.id])})`;
}

/**
 * SQLite: the ids of a page of the documents holding every text (FTS rowids in `rowids` only),
 * sorted on the sort keys user_search_keys carries: the FTS index, then one integer-key read a
 * match, never the users' rows.
 */
function keyedIds(
  organisationId: OrganisationScope,
  request: UserPageRequest,
  texts: readonly string[],
  rowids: { above?: number; upTo?: number } = {},
) {
  const columns = [...SORT_COLUMNS_OF[request.sort].map((c) => sql.ref(`k.${c}`)), sql.ref('k.user_id')];
  const cursor = afterCursor(columns, request);
  const direction = sql.raw(request.direction);
  return sql<{ user_id: string }>`select k.user_id from user_search s cross join user_search_keys k
    where s.user_search match ${ftsAll(texts)} and k.n = s.rowid and k.organisation_id in (${scopeList(organisationId)})
    ${rowids.above !== undefined ? sql`and s.rowid > ${rowids.above}` : sql``}
    ${rowids.upTo !== undefined ? sql`and s.rowid <= ${rowids.upTo}` : sql``}
    ${cursor ? sql`and ${cursor}` : sql``}
    order by ${sql.join(columns.map((c) => sql`${c} ${direction}`))} limit ${request.limit + 1}`;
}

/** SQLite: a page of the documents holding every text, sorted out of user_search_keys (see keyedIds). */
export function keyedPageQuery(
  db: Kysely<Database>,
  organisationId: OrganisationScope,
  request: UserPageRequest,
  texts: readonly string[],
) {
  return pageOfIds(db, request, keyedIds(organisationId, request, texts));
}

/**
 * The keyed page, in `parts` ranges of the FTS rowids sorted side by side (the reader's threads
 * take one each), then the page of the union of their pages: the page holds the first rows of
 * the whole order, so each is among the first of its part.
 */
async function keyedPage(
  db: Kysely<Database>,
  organisationId: OrganisationScope,
  request: UserPageRequest,
  texts: readonly string[],
  parts: number,
) {
  if (parts <= 1) return keyedPageQuery(db, organisationId, request, texts).execute();
  const { rows } = await sql<{ top: number | null }>`select max(n) as top from user_search_keys`.execute(db);
  const top = Number(rows[0]?.top ?? 0);
  const bounds = Array.from({ length: parts + 1 }, (_, i) => (i === parts ? undefined : Math.floor((top * i) / parts)));
  const pages = await Promise.all(
    bounds.slice(0, parts).map(async (above, i) => {
      const range = { ...(i > 0 ? { above } : {}), ...(bounds[i + 1] !== undefined ? { upTo: bounds[i + 1] } : {}) };
      return (await keyedIds(organisationId, request, texts, range).execute(db)).rows;
    }),
  );
  const ids = pages.flat().map((r) => r.user_id);
  if (ids.length === 0) return [];
  return pageOfIds(db, request, sql.join(ids)).execute();
}

/**
 * SQLite: a page of the users holding every text found within the first `budget` rows of the
 * sort index after the cursor (the index alone: it carries the search text, migration 0009).
 */
export function boundedWalkQuery(
  db: Kysely<Database>,
  organisationId: string,
  request: UserPageRequest,
  texts: readonly string[],
  budget: number,
) {
  const columns = [...SORT_COLUMNS_OF[request.sort].map((c) => sql.ref(`users.${c}`)), sql.ref('users.id')];
  const cursor = afterCursor(columns, request);
  const direction = sql.raw(request.direction);
  const holds = sql.join(
    texts.map((t) => sql`instr(w.t, ${t}) > 0`),
    sql` and `,
  );
  const inner = sql`select w.id from (select users.id as id, users.search_text as t from users
    where users.organisation_id = ${organisationId} ${cursor ? sql`and ${cursor}` : sql``}
    order by ${sql.join(columns.map((c) => sql`${c} ${direction}`))} limit ${budget}) as w
    where ${holds} limit ${request.limit + 1}`;
  return pageOfIds(db, request, inner);
}

/** The statement of one keyset page under a search plan (see selectUserPage). */
export function userPageQuery(
  db: Kysely<Database>,
  plan: SearchPlan,
  organisationId: OrganisationScope,
  request: UserPageRequest,
) {
  const refs = SORT_COLUMNS_OF[request.sort].map((c) => `users.${c}` as const);
  const op = request.direction === 'asc' ? '>' : '<';
  let query = db
    .selectFrom('users')
    .select([...PAGE_COLUMNS, ...refs.map((r, i) => sql<string>`${sql.ref(r)}`.as(`sort_${i}`))])
    .where((eb) => userFilterCondition(eb, plan, organisationId, request.filter));
  const after = request.after;
  if (after) {
    if (after.values.length !== refs.length) throw new Error('cursor does not fit the sort');
    // A row-value comparison: both databases turn it into one range of the index.
    const columns = [...refs, 'users.id' as const].map((r) => (!driven(plan) ? sql.ref(r) : sql`+${sql.ref(r)}`));
    query = query.where(sql<SqlBool>`(${sql.join(columns)}) ${sql.raw(op)} (${sql.join([...after.values, after.id])})`);
  }
  for (const r of [...refs, 'users.id' as const]) {
    query = query.orderBy(!driven(plan) ? sql.ref(r) : sql`+${sql.ref(r)}`, request.direction);
  }
  return query.limit(request.limit + 1);
}

/**
 * How many of the organisation's users pass the filter: all of them, or with `cap` at most `cap`
 * (`more` when others follow), so that a search matching most of a million users is not counted
 * row by row to the end.
 */
export async function countUsers(
  db: Kysely<Database>,
  dialect: SqlDialectName,
  organisationId: OrganisationScope,
  filter: UserListFilter,
  cap?: number,
): Promise<{ count: number; more: boolean }> {
  if (filter.terms.length === 0 && filter.eserviceId === undefined && filter.ending === undefined) {
    // The whole organisation: the count the triggers keep (migration 0008).
    const all = await usersIn(db, organisationId);
    return cap === undefined || all <= cap ? { count: all, more: false } : { count: cap, more: true };
  }
  const plain = dialect === 'sqlite' && cap !== undefined ? plainTerms(filter) : undefined;
  if (plain !== undefined && cap !== undefined) {
    // Plain terms: the documents holding all of them (intersected in the FTS index) in the
    // organisation, read from user_search_keys, never the users' rows (and no plan needed).
    const { rows } = await sql<{ n: number }>`select count(*) as n from (
      select 1 from user_search s cross join user_search_keys k
      where s.user_search match ${ftsAll(plain)} and k.n = s.rowid and k.organisation_id in (${scopeList(organisationId)})
      limit ${cap + 1})`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    return { count: Math.min(n, cap), more: n > cap };
  }
  const plan = await searchPlan(db, dialect, organisationId, filter);
  const matching = db.selectFrom('users').where((eb) => userFilterCondition(eb, plan, organisationId, filter));
  if (cap === undefined) {
    const row = await matching.select((eb) => eb.fn.countAll<number | string | bigint>().as('n')).executeTakeFirstOrThrow();
    return { count: Number(row.n), more: false };
  }
  let n: number;
  // The term with fewest matches: streamed, each tested for the others (those counted alike, the first).
  const common = filter.terms
    .filter((t) => indexable(t.text))
    .reduce<UserListFilter['terms'][number] | undefined>(
      (best, t) => (!best || (plan.matches?.[t.text] ?? Infinity) < (plan.matches?.[best.text] ?? Infinity) ? t : best),
      undefined,
    );
  if (dialect === 'sqlite' && !driven(plan) && common) {
    // Every term is common: stream the rarest one's matches out of the FTS index (CROSS JOIN keeps
    // that order) and stop at cap + 1, instead of testing the organisation's every row.
    const condition = userFilterCondition(expressionBuilder<Database, 'users'>(), plan, organisationId, filter);
    const { rows } = await sql<{ n: number }>`select count(*) as n from (
      select 1 from user_search s cross join user_search_keys k cross join users
      where s.user_search match ${ftsPhrase(common.text)} and k.n = s.rowid and users.id = k.user_id and ${condition}
      limit ${cap + 1})`.execute(db);
    n = Number(rows[0]?.n ?? 0);
  } else {
    const row = await db
      .selectFrom(
        matching
          .select(sql`1`.as('one'))
          .limit(cap + 1)
          .as('m'),
      )
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .executeTakeFirstOrThrow();
    n = Number(row.n);
  }
  return { count: Math.min(n, cap), more: n > cap };
}

/** The permissions of a page's users, in one query. */
export async function selectPermissionsOf(db: Kysely<Database>, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('user_permissions')
    .select(['user_id', 'eservice_id', 'permission_id', 'ends_on'])
    .where('user_id', 'in', userIds)
    .orderBy('user_id')
    .orderBy('eservice_id')
    .orderBy('permission_id')
    .execute();
}
