import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { UserSortColumn } from '../../common/api/user-list';
import type { Database } from './database-schema';
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

/** The WHERE condition of the organisation's users that pass the filter and the search. */
export function userFilterCondition(eb: UsersEb, organisationId: string, filter: UserListFilter): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [eb('users.organisation_id', '=', organisationId)];
  if (filter.eserviceId !== undefined) {
    all.push(holdsAny(eb, filter.eserviceId, filter.permissionId !== undefined ? [filter.permissionId] : undefined));
  }
  for (const term of filter.terms) {
    const any: Expression<SqlBool>[] = [
      contains(eb.ref('users.search_text'), term.text),
      contains(eb.fn('substr', [eb.ref('users.last_login_at'), sql.lit(1), sql.lit(10)]), term.text),
    ];
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
export async function selectUserPage(db: Kysely<Database>, organisationId: string, request: UserPageRequest) {
  const refs = SORT_COLUMNS_OF[request.sort].map((c) => `users.${c}` as const);
  const op = request.direction === 'asc' ? '>' : '<';
  let query = db
    .selectFrom('users')
    .select([...PAGE_COLUMNS, ...refs.map((r, i) => sql<string>`${sql.ref(r)}`.as(`sort_${i}`))])
    .where((eb) => userFilterCondition(eb, organisationId, request.filter));
  const after = request.after;
  if (after) {
    if (after.values.length !== refs.length) throw new Error('cursor does not fit the sort');
    // A row-value comparison: both databases turn it into one range of the index.
    query = query.where(
      sql<SqlBool>`(${sql.join([...refs.map((r) => sql.ref(r)), sql.ref('users.id')])}) ${sql.raw(op)} (${sql.join([...after.values, after.id])})`,
    );
  }
  for (const r of refs) query = query.orderBy(r, request.direction);
  return query
    .orderBy('users.id', request.direction)
    .limit(request.limit + 1)
    .execute();
}

/** How many of the organisation's users pass the filter. */
export async function countUsers(db: Kysely<Database>, organisationId: string, filter: UserListFilter): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where((eb) => userFilterCondition(eb, organisationId, filter))
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
