import { Migrator, sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AdministratorRole, EServiceId, OrganisationKind } from '../../common/api/index';
import type { Database } from './database-schema';
import { fieldSortKeys, permissionSortKey } from './user-sort-keys';
import { migrationProvider, type SqlDialectName } from './migrations';
import { StorageError } from './storage-error';
import type {
  AdministratorRecord,
  AuditRecord,
  AuditRecordInput,
  BulkBatches,
  ChallengeOutcome,
  OperatorMessage,
  OrganisationRecord,
  OutboxClaim,
  OutboxMessage,
  OutboxMessageInput,
  EndedPermission,
  PermissionEndDates,
  PermissionMap,
  SessionRecord,
  Storage,
  StorageTx,
  UserFields,
  UserListFilter,
  UserPageRequest,
  UserRecord,
  ReadOptions,
} from './storage';
import { countUsers, selectPermissionsOf, selectUserPage, type OrganisationScope } from './user-page-query';
import { withReadSignal } from './sqlite-reader';
import { dropIndexes, insertAuditRows, insertUserRows, restoreIndexes, secondaryIndexes } from './user-bulk-insert';

type Db = Kysely<Database> | Transaction<Database>;
type UserRow = Pick<
  Database['users'],
  | 'id'
  | 'organisation_id'
  | 'hsa_id'
  | 'given_name'
  | 'surname'
  | 'email'
  | 'version'
  | 'created_at'
  | 'updated_at'
  | 'last_login_at'
>;

type AuditQuery = { limit: number; before?: number; targetId?: string };

/**
 * The organisation's audit entries newest first, or one target's (GET /audit?user=): through the
 * (organisation, id) and (organisation, target, id) indexes of migration 0004.
 */
export function auditQuery(db: Kysely<Database>, organisationId: string, query: AuditQuery) {
  let q = db.selectFrom('audit_log').selectAll().where('organisation_id', '=', organisationId);
  if (query.before !== undefined) q = q.where('id', '<', query.before);
  if (query.targetId !== undefined) q = q.where('target_id', '=', query.targetId);
  return q.orderBy('id', 'desc').limit(query.limit);
}

function toUser(row: UserRow, permissions: PermissionMap, endDates: PermissionEndDates = {}): UserRecord {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    hsaId: row.hsa_id,
    givenName: row.given_name,
    surname: row.surname,
    email: row.email,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastLoginAt: row.last_login_at,
    permissions,
    endDates,
  };
}

function toAdministrator(row: Database['administrators']): AdministratorRecord {
  return {
    hsaId: row.hsa_id,
    organisationId: row.organisation_id,
    role: row.role as AdministratorRole,
    givenName: row.given_name,
    surname: row.surname,
    email: row.email,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
  };
}

function addPermission(map: PermissionMap, eserviceId: string, permissionId: string): void {
  (map[eserviceId] ??= []).push(permissionId);
}

/** Permissions and end dates of each user, from user_permissions rows. */
function groupPermissions(
  rows: readonly { user_id: string; eservice_id: string; permission_id: string; ends_on: string | null }[],
): Map<string, { permissions: PermissionMap; endDates: PermissionEndDates }> {
  const byUser = new Map<string, { permissions: PermissionMap; endDates: PermissionEndDates }>();
  for (const p of rows) {
    let entry = byUser.get(p.user_id);
    if (!entry) byUser.set(p.user_id, (entry = { permissions: {}, endDates: {} }));
    addPermission(entry.permissions, p.eservice_id, p.permission_id);
    if (p.ends_on !== null) (entry.endDates[p.eservice_id] ??= {})[p.permission_id] = p.ends_on;
  }
  return byUser;
}

/** A changed-rows count from either driver (bigint from Kysely, number or string from pg). */
function changed(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number {
  return Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0);
}

/** Storage operations over any Kysely connection or transaction; portable SQL only. */
class KyselyRepository implements StorageTx {
  constructor(
    protected readonly db: Db,
    protected readonly dialect: SqlDialectName,
  ) {}

  async lockOrganisation(id: string): Promise<void> {
    if (this.dialect === 'postgres') {
      await this.db.selectFrom('organisations').select('id').where('id', '=', id).forUpdate().execute();
    }
  }

  async getOrganisation(id: string): Promise<OrganisationRecord | undefined> {
    const row = await this.db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const agreements = await this.db
      .selectFrom('agreements')
      .select('eservice_id')
      .where('organisation_id', '=', id)
      .orderBy('eservice_id')
      .execute();
    return {
      id: row.id,
      name: row.name,
      kind: row.kind as OrganisationKind,
      agreements: agreements.map((a) => a.eservice_id as EServiceId),
      createdAt: row.created_at,
      endedAt: row.ended_at,
    };
  }

  async listOrganisations(): Promise<OrganisationRecord[]> {
    const rows = await this.db.selectFrom('organisations').select('id').orderBy('id').execute();
    const orgs = await Promise.all(rows.map((r) => this.getOrganisation(r.id)));
    return orgs.filter((o): o is OrganisationRecord => o !== undefined);
  }

  async insertOrganisation(org: OrganisationRecord): Promise<void> {
    await this.db
      .insertInto('organisations')
      .values({ id: org.id, name: org.name, kind: org.kind, created_at: org.createdAt, ended_at: org.endedAt ?? null })
      .execute();
    await this.setAgreements(org.id, org.agreements);
  }

  async setAgreements(organisationId: string, eserviceIds: readonly EServiceId[]): Promise<void> {
    await this.db.deleteFrom('agreements').where('organisation_id', '=', organisationId).execute();
    await this.moveListStamps([organisationId]);
    if (eserviceIds.length > 0) {
      await this.db
        .insertInto('agreements')
        .values(eserviceIds.map((e) => ({ organisation_id: organisationId, eservice_id: e })))
        .execute();
    }
  }

  /**
   * Moves the organisations' user-list stamps. Every write to users, their permissions or the
   * agreements calls it in the same statement sequence (and transaction, when there is one), so
   * any instance's cached list is stale the moment the write commits. Sorted: two writers lock
   * the stamp rows in the same order.
   */
  async moveListStamps(organisationIds: Iterable<string>): Promise<void> {
    for (const organisationId of [...new Set(organisationIds)].sort()) {
      await this.db
        .insertInto('list_stamps')
        .values({ organisation_id: organisationId, stamp: 1 })
        .onConflict((oc) => oc.column('organisation_id').doUpdateSet((eb) => ({ stamp: eb('list_stamps.stamp', '+', 1) })))
        .execute();
    }
  }

  async setOrganisationEnded(id: string, endedAt: string | null): Promise<void> {
    await this.db.updateTable('organisations').set({ ended_at: endedAt }).where('id', '=', id).execute();
  }

  async findAdministrator(hsaId: string, organisationId?: string): Promise<AdministratorRecord | undefined> {
    let q = this.db.selectFrom('administrators').selectAll().where('hsa_id', '=', hsaId);
    if (organisationId !== undefined) q = q.where('organisation_id', '=', organisationId);
    const row = await q.orderBy('organisation_id').limit(1).executeTakeFirst();
    return row ? toAdministrator(row) : undefined;
  }

  async listRolesOf(hsaId: string): Promise<AdministratorRecord[]> {
    const rows = await this.db
      .selectFrom('administrators')
      .selectAll()
      .where('hsa_id', '=', hsaId)
      .orderBy('organisation_id')
      .execute();
    return rows.map(toAdministrator);
  }

  async listAdministrators(organisationId: string): Promise<AdministratorRecord[]> {
    const rows = await this.db
      .selectFrom('administrators')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      // 'authorised-orderer' after 'administrator' in text order: orderers first.
      .orderBy('role', 'desc')
      .orderBy('surname')
      .orderBy('given_name')
      .execute();
    return rows.map(toAdministrator);
  }

  async insertAdministrator(a: AdministratorRecord): Promise<void> {
    await this.db
      .insertInto('administrators')
      .values({
        hsa_id: a.hsaId,
        organisation_id: a.organisationId,
        role: a.role,
        given_name: a.givenName,
        surname: a.surname,
        email: a.email,
        created_at: a.createdAt,
        last_login_at: a.lastLoginAt,
      })
      .execute();
  }

  async deleteAdministrator(hsaId: string, organisationId: string): Promise<void> {
    await this.db
      .deleteFrom('administrators')
      .where('hsa_id', '=', hsaId)
      .where('organisation_id', '=', organisationId)
      .execute();
  }

  async recordAdministratorLogin(hsaId: string, organisationId: string, at: string): Promise<void> {
    await this.db
      .updateTable('administrators')
      .set({ last_login_at: at })
      .where('hsa_id', '=', hsaId)
      .where('organisation_id', '=', organisationId)
      .execute();
  }

  async findUser(organisationId: string, id: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const p = await this.permissionsOf(row.id);
    return toUser(row, p.permissions, p.endDates);
  }

  async findUsersByHsaId(hsaId: string): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('hsa_id', '=', hsaId).execute();
    return Promise.all(
      rows.map(async (r) => {
        const p = await this.permissionsOf(r.id);
        return toUser(r, p.permissions, p.endDates);
      }),
    );
  }

  private async permissionsOf(userId: string): Promise<{ permissions: PermissionMap; endDates: PermissionEndDates }> {
    const rows = await this.db
      .selectFrom('user_permissions')
      .select(['user_id', 'eservice_id', 'permission_id', 'ends_on'])
      .where('user_id', '=', userId)
      .orderBy('eservice_id')
      .orderBy('permission_id')
      .execute();
    return groupPermissions(rows).get(userId) ?? { permissions: {}, endDates: {} };
  }

  async listUsers(
    organisationId: string,
    page: { limit?: number; offset?: number } = {},
  ): Promise<{ users: UserRecord[]; total: number }> {
    const totalRow = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow();
    const paged = page.limit !== undefined || page.offset !== undefined;
    let query = this.db
      .selectFrom('users')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('surname')
      .orderBy('given_name')
      .orderBy('id');
    if (paged) query = query.limit(page.limit ?? 1_000_000).offset(page.offset ?? 0);
    const rows = await query.execute();

    // One query for all permissions of the page (a join, not an IN list: 100,000 ids exceed
    // what a statement may bind).
    let permQuery = this.db
      .selectFrom('user_permissions as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select(['p.user_id', 'p.eservice_id', 'p.permission_id', 'p.ends_on'])
      .where('u.organisation_id', '=', organisationId);
    if (paged && rows.length < Number(totalRow.n)) {
      permQuery = permQuery.where(
        'p.user_id',
        'in',
        rows.map((r) => r.id),
      );
    }
    const byUser = groupPermissions(await permQuery.execute());
    return {
      users: rows.map((r) => toUser(r, byUser.get(r.id)?.permissions ?? {}, byUser.get(r.id)?.endDates)),
      total: Number(totalRow.n),
    };
  }

  async insertUser(u: UserRecord): Promise<void> {
    await this.insertUsers([u]);
  }

  async insertUsers(users: readonly UserRecord[]): Promise<void> {
    await insertUserRows(this.db, this.dialect, users);
    await this.moveListStamps(users.map((u) => u.organisationId));
  }

  async updateUser(
    organisationId: string,
    id: string,
    expectedVersion: number,
    fields: UserFields,
    updatedAt: string,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set((eb) => ({
        hsa_id: fields.hsaId,
        given_name: fields.givenName,
        surname: fields.surname,
        email: fields.email,
        ...fieldSortKeys(fields),
        updated_at: updatedAt,
        version: eb('version', '+', 1),
      }))
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (changed(result) !== 1) return false;
    await this.moveListStamps([organisationId]);
    return true;
  }

  async deleteUser(organisationId: string, id: string, expectedVersion: number): Promise<boolean> {
    // user_permissions go with it (ON DELETE CASCADE).
    const result = await this.db
      .deleteFrom('users')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (changed(result) !== 1) return false;
    await this.moveListStamps([organisationId]);
    return true;
  }

  async replacePermissions(
    userId: string,
    eserviceId: string,
    permissionIds: readonly string[],
    expectedVersion: number,
    updatedAt: string,
    endDates: Readonly<Record<string, string>> = {},
  ): Promise<boolean> {
    const bumped = await this.db
      .updateTable('users')
      .set((eb) => ({ updated_at: updatedAt, version: eb('version', '+', 1) }))
      .where('id', '=', userId)
      .where('version', '=', expectedVersion)
      .returning('organisation_id')
      .executeTakeFirst();
    if (!bumped) return false;
    await this.moveListStamps([bumped.organisation_id]);
    await this.db.deleteFrom('user_permissions').where('user_id', '=', userId).where('eservice_id', '=', eserviceId).execute();
    if (permissionIds.length > 0) {
      await this.db
        .insertInto('user_permissions')
        .values(
          permissionIds.map((permission_id) => ({
            user_id: userId,
            eservice_id: eserviceId,
            permission_id,
            ends_on: endDates[permission_id] ?? null,
          })),
        )
        .execute();
    }
    await this.updatePermissionSortKey(userId);
    return true;
  }

  private async updatePermissionSortKey(userId: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ sort_permissions: permissionSortKey((await this.permissionsOf(userId)).permissions) })
      .where('id', '=', userId)
      .execute();
  }

  async endPermissionsDue(userId: string, today: string, updatedAt: string): Promise<EndedPermission[]> {
    const ended = await this.db
      .deleteFrom('user_permissions')
      .where('user_id', '=', userId)
      .where('ends_on', '<=', today)
      .returning(['eservice_id', 'permission_id', 'ends_on'])
      .execute();
    if (ended.length === 0) return [];
    const bumped = await this.db
      .updateTable('users')
      .set((eb) => ({ updated_at: updatedAt, version: eb('version', '+', 1) }))
      .where('id', '=', userId)
      .returning('organisation_id')
      .executeTakeFirst();
    if (bumped) await this.moveListStamps([bumped.organisation_id]);
    await this.updatePermissionSortKey(userId);
    return ended
      .map((r) => ({ eserviceId: r.eservice_id, permissionId: r.permission_id, endsOn: r.ends_on ?? today }))
      .sort((a, b) => a.eserviceId.localeCompare(b.eserviceId) || a.permissionId.localeCompare(b.permissionId));
  }

  async userListStamp(organisationId: string): Promise<string> {
    const row = await this.db
      .selectFrom('list_stamps')
      .select('stamp')
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    return String(row?.stamp ?? 0);
  }

  async recordUserLogin(hsaId: string, at: string): Promise<number> {
    const rows = await this.db
      .updateTable('users')
      .set({ last_login_at: at, sort_last_login: at })
      .where('hsa_id', '=', hsaId)
      .returning('organisation_id')
      .execute();
    await this.moveListStamps(rows.map((r) => r.organisation_id));
    return rows.length;
  }

  async insertAudit(r: AuditRecordInput): Promise<void> {
    await this.insertAudits([r]);
  }

  async insertAudits(records: readonly AuditRecordInput[]): Promise<void> {
    await insertAuditRows(this.db, this.dialect, records);
  }

  async listAudit(organisationId: string, query: AuditQuery): Promise<AuditRecord[]> {
    const rows = await auditQuery(this.db, organisationId, query).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      organisationId: r.organisation_id,
      actor: r.actor,
      action: r.action as AuditRecord['action'],
      targetType: r.target_type as AuditRecord['targetType'],
      targetId: r.target_id,
      before: r.before_json === null ? null : (JSON.parse(r.before_json) as unknown),
      after: r.after_json === null ? null : (JSON.parse(r.after_json) as unknown),
      at: r.occurred_at,
    }));
  }

  async insertOutbox(m: OutboxMessageInput): Promise<void> {
    await this.db
      .insertInto('outbox')
      .values({
        organisation_id: m.organisationId,
        recipient: m.recipient,
        subject: m.subject,
        body: m.body,
        created_at: m.createdAt,
        sent_at: null,
        attempts: 0,
        last_error: null,
      })
      .execute();
  }
}

/** The Storage implementation over Kysely; `createSqliteStorage` picks the SQLite dialect. */
/** An outbox row as the storage interface gives it (the one mapping, for pending and claimed mail). */
function outboxMessage(row: Selectable<Database['outbox']>): OutboxMessage {
  return {
    id: Number(row.id),
    organisationId: row.organisation_id,
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    createdAt: row.created_at,
    attempts: Number(row.attempts),
  };
}

export class KyselyStorage extends KyselyRepository implements Storage {
  constructor(
    private readonly kysely: Kysely<Database>,
    dialect: SqlDialectName,
    /** Where the data lives (file path, or URL without password), for error messages and logs. */
    readonly options: { location: string } = { location: dialect },
    /**
     * Where the user list's long reads run: a worker-thread connection for an SQLite file
     * (better-sqlite3 blocks the thread it runs on); else the same connection or pool.
     */
    private readonly reader: Kysely<Database> = kysely,
  ) {
    super(kysely, dialect);
  }

  async listUserPage(
    organisationId: OrganisationScope,
    request: UserPageRequest,
    { signal }: ReadOptions = {},
  ): Promise<{ users: UserRecord[]; next: UserPageRequest['after'] | null }> {
    signal?.throwIfAborted();
    const rows = await withReadSignal(signal, () => selectUserPage(this.reader, this.dialect, organisationId, request));
    const page = rows.slice(0, request.limit);
    signal?.throwIfAborted();
    const byUser = groupPermissions(
      await withReadSignal(signal, () =>
        selectPermissionsOf(
          this.reader,
          page.map((r) => r.id),
        ),
      ),
    );
    const last = page[page.length - 1];
    return {
      users: page.map((r) => toUser(r, byUser.get(r.id)?.permissions ?? {}, byUser.get(r.id)?.endDates)),
      next:
        rows.length > request.limit && last
          ? { values: [last.sort_0, ...('sort_1' in last ? [last.sort_1 as string] : [])].map(String), id: last.id }
          : null,
    };
  }

  async countUsers(
    organisationId: OrganisationScope,
    filter: UserListFilter,
    cap?: number,
    { signal }: ReadOptions = {},
  ): Promise<{ count: number; more: boolean }> {
    signal?.throwIfAborted();
    return withReadSignal(signal, () => countUsers(this.reader, this.dialect, organisationId, filter, cap));
  }

  /** Brings the schema up to date; safe to run on every start. */
  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.kysely, provider: migrationProvider(this.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      if (error instanceof StorageError) throw error;
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`Database migration ${failed?.migrationName ?? ''} of ${this.options.location} failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    return this.kysely.transaction().execute((trx) => fn(new KyselyRepository(trx, this.dialect)));
  }

  // Writes of several statements (the row, its permissions, the list stamp) are atomic also when
  // called outside a transaction.
  override insertOrganisation(org: OrganisationRecord): Promise<void> {
    return this.transaction((tx) => tx.insertOrganisation(org));
  }

  override setAgreements(organisationId: string, eserviceIds: readonly EServiceId[]): Promise<void> {
    return this.transaction((tx) => tx.setAgreements(organisationId, eserviceIds));
  }

  override insertUsers(users: readonly UserRecord[]): Promise<void> {
    return this.transaction((tx) => tx.insertUsers(users));
  }

  async bulkLoadUsers(batches: BulkBatches): Promise<number> {
    // SQLite's page cache (2 MB by default) is far smaller than a million users' primary-key and
    // unique indexes, which random ids hit all over: a large cache for the load, then the old one.
    const cacheBefore =
      this.dialect === 'sqlite' ? (await sql<{ cache_size: number }>`pragma cache_size`.execute(this.kysely)).rows[0] : undefined;
    if (cacheBefore) await sql`pragma cache_size = -262144`.execute(this.kysely);
    try {
      return await this.bulkLoadInOneTransaction(batches);
    } finally {
      if (cacheBefore) await sql`pragma cache_size = ${sql.lit(Number(cacheBefore.cache_size))}`.execute(this.kysely);
    }
  }

  private bulkLoadInOneTransaction(batches: BulkBatches): Promise<number> {
    return this.kysely.transaction().execute(async (trx) => {
      const indexes = await secondaryIndexes(trx, this.dialect);
      await dropIndexes(trx, indexes);
      const repository = new KyselyRepository(trx, this.dialect);
      const organisations = new Set<string>();
      let count = 0;
      for await (const batch of batches) {
        await insertUserRows(trx, this.dialect, batch.users);
        if (batch.audit) await insertAuditRows(trx, this.dialect, batch.audit);
        for (const u of batch.users) organisations.add(u.organisationId);
        count += batch.users.length;
      }
      await restoreIndexes(trx, indexes);
      await repository.moveListStamps(organisations);
      // Fresh statistics, so the planner knows the tables' new size at once.
      if (this.dialect === 'postgres') await sql`analyze users, user_permissions, audit_log`.execute(trx);
      return count;
    });
  }

  override updateUser(organisationId: string, id: string, expectedVersion: number, fields: UserFields, updatedAt: string) {
    return this.transaction((tx) => tx.updateUser(organisationId, id, expectedVersion, fields, updatedAt));
  }

  override deleteUser(organisationId: string, id: string, expectedVersion: number): Promise<boolean> {
    return this.transaction((tx) => tx.deleteUser(organisationId, id, expectedVersion));
  }

  override replacePermissions(
    userId: string,
    eserviceId: string,
    permissionIds: readonly string[],
    expectedVersion: number,
    updatedAt: string,
    endDates?: Readonly<Record<string, string>>,
  ): Promise<boolean> {
    return this.transaction((tx) =>
      tx.replacePermissions(userId, eserviceId, permissionIds, expectedVersion, updatedAt, endDates),
    );
  }

  override endPermissionsDue(userId: string, today: string, updatedAt: string): Promise<EndedPermission[]> {
    return this.transaction((tx) => tx.endPermissionsDue(userId, today, updatedAt));
  }

  async usersWithPermissionsDue(today: string, limit: number): Promise<{ userId: string; organisationId: string }[]> {
    const rows = await this.kysely
      .selectFrom('user_permissions as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select(['p.user_id', 'u.organisation_id'])
      .distinct()
      .where('p.ends_on', '<=', today)
      .orderBy('p.user_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ userId: r.user_id, organisationId: r.organisation_id }));
  }

  override recordUserLogin(hsaId: string, at: string): Promise<number> {
    return this.transaction((tx) => tx.recordUserLogin(hsaId, at));
  }

  async insertChallenge(nonce: string, createdAt: string, expiresAt: string): Promise<void> {
    await this.kysely
      .insertInto('challenges')
      .values({ nonce, created_at: createdAt, expires_at: expiresAt, used_at: null })
      .execute();
  }

  async consumeChallenge(nonce: string, now: string): Promise<ChallengeOutcome> {
    return this.kysely.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('challenges').selectAll().where('nonce', '=', nonce).executeTakeFirst();
      if (!row) return 'unknown';
      // The conditional update makes "first one wins" hold across instances sharing one database.
      const burned = await trx
        .updateTable('challenges')
        .set({ used_at: now })
        .where('nonce', '=', nonce)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(burned.numUpdatedRows) !== 1) return 'used';
      return row.expires_at <= now ? 'expired' : 'ok';
    });
  }

  async insertSession(s: SessionRecord): Promise<void> {
    await this.kysely
      .insertInto('sessions')
      .values({
        token_hash: s.tokenHash,
        administrator_hsa_id: s.administratorHsaId,
        organisation_id: s.organisationId,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        idle_expires_at: s.idleExpiresAt,
        absolute_expires_at: s.absoluteExpiresAt,
      })
      .execute();
  }

  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const r = await this.kysely.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!r) return undefined;
    return {
      tokenHash: r.token_hash,
      administratorHsaId: r.administrator_hsa_id,
      organisationId: r.organisation_id,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      idleExpiresAt: r.idle_expires_at,
      absoluteExpiresAt: r.absolute_expires_at,
    };
  }

  async touchSession(tokenHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
    await this.kysely
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt, idle_expires_at: idleExpiresAt })
      .where('token_hash', '=', tokenHash)
      .execute();
  }

  async setSessionOrganisation(tokenHash: string, organisationId: string): Promise<void> {
    await this.kysely
      .updateTable('sessions')
      .set({ organisation_id: organisationId })
      .where('token_hash', '=', tokenHash)
      .execute();
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.kysely.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async deleteSessionsOf(administratorHsaId: string): Promise<void> {
    await this.kysely.deleteFrom('sessions').where('administrator_hsa_id', '=', administratorHsaId).execute();
  }

  async purgeExpired(now: string, challengesBefore: string): Promise<void> {
    await this.kysely
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('idle_expires_at', '<=', now), eb('absolute_expires_at', '<=', now)]))
      .execute();
    await this.kysely.deleteFrom('challenges').where('expires_at', '<', challengesBefore).execute();
  }

  async pendingOutbox(limit: number, maxAttempts: number): Promise<OutboxMessage[]> {
    const rows = await this.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('sent_at', 'is', null)
      .where('attempts', '<', maxAttempts)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(outboxMessage);
  }

  async claimOutbox(query: {
    limit: number;
    maxAttempts: number;
    now: string;
    claimedUntil: string;
    claimToken: string;
  }): Promise<OutboxClaim[]> {
    const { now } = query;
    // One statement: the subquery picks, the update claims. PostgreSQL skips rows another
    // dispatcher is claiming right now; SQLite runs the statement under its write lock.
    const rows = await this.kysely
      .updateTable('outbox')
      .set((eb) => ({
        claim_token: query.claimToken,
        claimed_until: query.claimedUntil,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', (eb) => {
        const due = eb
          .selectFrom('outbox')
          .select('id')
          .where('sent_at', 'is', null)
          .where('attempts', '<', query.maxAttempts)
          .where((w) => w.or([w('next_attempt_at', 'is', null), w('next_attempt_at', '<=', now)]))
          .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', now)]))
          .orderBy('id')
          .limit(query.limit);
        return this.dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
      })
      .returningAll()
      .execute();
    return rows
      .map((row) => ({ ...outboxMessage(row), claimToken: query.claimToken, claimedUntil: query.claimedUntil }))
      .sort((a, b) => a.id - b.id);
  }

  async markOutboxSent(id: number, claimToken: string, at: string): Promise<boolean> {
    const result = await this.kysely
      .updateTable('outbox')
      .set({ sent_at: at, last_error: null, claim_token: null, claimed_until: null })
      .where('id', '=', id)
      .where('claim_token', '=', claimToken)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markOutboxFailed(id: number, claimToken: string, error: string, retryAt: string): Promise<void> {
    await this.kysely
      .updateTable('outbox')
      .set({ last_error: error.slice(0, 500), claim_token: null, claimed_until: null, next_attempt_at: retryAt })
      .where('id', '=', id)
      .where('claim_token', '=', claimToken)
      .execute();
  }

  async getOperatorMessage(): Promise<OperatorMessage | null> {
    const r = await this.kysely.selectFrom('operator_messages').selectAll().where('id', '=', 1).executeTakeFirst();
    return r ? { severity: r.severity as OperatorMessage['severity'], text: r.text, since: r.since } : null;
  }

  async setOperatorMessage(message: OperatorMessage | null): Promise<void> {
    await this.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('operator_messages').execute();
      if (message)
        await trx
          .insertInto('operator_messages')
          .values({ id: 1, ...message })
          .execute();
    });
  }

  async ping(): Promise<void> {
    await this.kysely.selectFrom('organisations').select('id').limit(1).execute();
  }

  async probeWrite(instanceId: string, at: string): Promise<void> {
    await this.kysely
      .insertInto('write_probes')
      .values({ instance_id: instanceId, written_at: at })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ written_at: at }))
      .execute();
  }

  async close(): Promise<void> {
    if (this.reader !== this.kysely) await this.reader.destroy();
    await this.kysely.destroy();
  }
}
