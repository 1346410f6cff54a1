import type { AdministratorRole, AuditAction, EServiceId, OrganisationKind } from '../../common/api/index';
import type { SortDirection, UserSortColumn } from '../../common/api/user-list';

/**
 * The one storage interface of the reference backend. Business rules live in the services above
 * it; this layer only stores and fetches, so a PostgreSQL implementation can follow the SQLite one.
 * All timestamps are ISO 8601 strings in UTC (they sort as text in both databases).
 */

export interface OrganisationRecord {
  id: string;
  name: string;
  kind: OrganisationKind;
  /** E-services the organisation has agreements (avtal) for. */
  agreements: EServiceId[];
  createdAt: string;
  /** When the organisation ended (null or absent: active); an ended one is readable, nothing new is granted. */
  endedAt?: string | null;
}

/** A person's role in one organisation: administrator or authorised orderer (one per person and organisation). */
export interface AdministratorRecord {
  hsaId: string;
  organisationId: string;
  role: AdministratorRole;
  givenName: string;
  surname: string;
  email: string;
  createdAt: string;
  lastLoginAt: string | null;
}

/** e-service id → permission ids. */
export type PermissionMap = Record<string, string[]>;

/** e-service id → permission id → the date it ends on (YYYY-MM-DD): only time-limited permissions. */
export type PermissionEndDates = Record<string, Record<string, string>>;

/** A time-limited permission the expiry job ended. */
export interface EndedPermission {
  eserviceId: string;
  permissionId: string;
  endsOn: string;
}

export interface UserRecord {
  id: string;
  organisationId: string;
  hsaId: string;
  givenName: string;
  surname: string;
  email: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
  permissions: PermissionMap;
  /** End dates of the time-limited permissions among `permissions` (none: absent or empty). */
  endDates?: PermissionEndDates;
}

export type UserFields = Pick<UserRecord, 'hsaId' | 'givenName' | 'surname' | 'email'>;

export interface AuditRecordInput {
  organisationId: string;
  actor: string;
  action: AuditAction;
  targetType: 'user' | 'administrator';
  targetId: string;
  before: unknown;
  after: unknown;
  at: string;
}

export interface AuditRecord extends AuditRecordInput {
  id: number;
}

export interface OutboxMessageInput {
  organisationId: string;
  recipient: string;
  subject: string;
  body: string;
  createdAt: string;
}

export interface OutboxMessage extends OutboxMessageInput {
  id: number;
  attempts: number;
}

/** A message one dispatcher holds until `claimedUntil`; only that claim may mark it. */
export interface OutboxClaim extends OutboxMessage {
  claimToken: string;
  claimedUntil: string;
}

export interface SessionRecord {
  /** SHA-256 of the token, hex: the token itself is never stored. */
  tokenHash: string;
  administratorHsaId: string;
  organisationId: string;
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

export type ChallengeOutcome = 'ok' | 'unknown' | 'expired' | 'used';

export interface OperatorMessage {
  severity: 'info' | 'warning' | 'disturbance';
  text: string;
  since: string;
}

/** One search term and, besides the text columns, what else it matches (decided by the service). */
export interface SearchTermMatch {
  /** Lower case; looked for anywhere in the name, HSA-id and e-mail columns and the last login date. */
  text: string;
  /** Users holding any of these permissions match (the term is in the e-service's or permission's name). */
  permissions: readonly { eserviceId: string; permissionIds: readonly string[] }[];
  /** The term is part of the "never logged in" text. */
  never: boolean;
  /** The term is part of the "inactive" flag's text. */
  inactive: boolean;
}

export interface UserListFilter {
  /** "Filtrera e-tjänster": users holding any permission in this e-service. */
  eserviceId?: string;
  /** "Filtrera behörigheter" (within the e-service): users holding this permission. */
  permissionId?: string;
  /**
   * Users holding a permission whose end date is after `after` and on or before `until` (both
   * YYYY-MM-DD), among `eserviceIds` (and of `permissionId` when set).
   */
  ending?: { after: string; until: string; eserviceIds: readonly string[]; permissionId?: string };
  /** Every term must match some column. */
  terms: readonly SearchTermMatch[];
  /** Logged in (or created) before this is inactive. */
  inactiveBefore: string;
}

export interface UserPageRequest {
  limit: number;
  sort: UserSortColumn;
  direction: SortDirection;
  /** The keyset position: the last row of the previous page (its sort value and id). */
  after?: { values: string[]; id: string };
  filter: UserListFilter;
}

/** What a bulk load takes: users and, optionally, audit records, a batch at a time. */
export type BulkBatches =
  | Iterable<{ users: readonly UserRecord[]; audit?: readonly AuditRecordInput[] }>
  | AsyncIterable<{ users: readonly UserRecord[]; audit?: readonly AuditRecordInput[] }>;

/** Everything that may run inside one transaction. */
export interface StorageTx {
  getOrganisation(id: string): Promise<OrganisationRecord | undefined>;
  listOrganisations(): Promise<OrganisationRecord[]>;
  insertOrganisation(org: OrganisationRecord): Promise<void>;
  /** Replaces the organisation's agreements with exactly these e-services. */
  setAgreements(organisationId: string, eserviceIds: readonly EServiceId[]): Promise<void>;

  /**
   * Inside a transaction: waits for and holds the organisation until commit, so rules that read
   * and then write (the last administrator) hold with several instances. PostgreSQL locks the row
   * (SELECT … FOR UPDATE); SQLite's write transaction already excludes every other writer.
   */
  lockOrganisation(id: string): Promise<void>;
  /** Marks the organisation ended at `endedAt`, or active again (null). */
  setOrganisationEnded(id: string, endedAt: string | null): Promise<void>;
  /** The person's role in `organisationId`; without it, their role in the first organisation (by id). */
  findAdministrator(hsaId: string, organisationId?: string): Promise<AdministratorRecord | undefined>;
  /** Every role the person holds, one per organisation, by organisation id. */
  listRolesOf(hsaId: string): Promise<AdministratorRecord[]>;
  /** The organisation's authorised orderers and administrators (orderers first, then by name). */
  listAdministrators(organisationId: string): Promise<AdministratorRecord[]>;
  insertAdministrator(admin: AdministratorRecord): Promise<void>;
  deleteAdministrator(hsaId: string, organisationId: string): Promise<void>;
  /** Records the person's login in (or switch to) one organisation: the last one used is preselected next time. */
  recordAdministratorLogin(hsaId: string, organisationId: string, at: string): Promise<void>;

  findUser(organisationId: string, id: string): Promise<UserRecord | undefined>;
  /** Users with this HSA-id in any organisation. */
  findUsersByHsaId(hsaId: string): Promise<UserRecord[]>;
  /** Users of one organisation sorted by surname, given name; total counts them all. */
  listUsers(organisationId: string, page?: { limit?: number; offset?: number }): Promise<{ users: UserRecord[]; total: number }>;
  /**
   * A value that changes with every write to the organisation's users, their permissions, last
   * logins or the agreements (a counter row every such write moves): lets a cached list be reused.
   */
  userListStamp(organisationId: string): Promise<string>;
  insertUser(user: UserRecord): Promise<void>;
  /** Bulk insert for seeding and benchmarks (batched multi-row statements). */
  insertUsers(users: readonly UserRecord[]): Promise<void>;
  /** Writes fields and bumps the version, only if the stored version is still `expectedVersion`. */
  updateUser(
    organisationId: string,
    id: string,
    expectedVersion: number,
    fields: UserFields,
    updatedAt: string,
  ): Promise<boolean>;
  /** Deletes the user and their permissions, only if the stored version is still `expectedVersion`. */
  deleteUser(organisationId: string, id: string, expectedVersion: number): Promise<boolean>;
  /**
   * Replaces the user's permissions for one e-service (with their end dates: permission id →
   * YYYY-MM-DD) and bumps the version, if still `expectedVersion`.
   */
  replacePermissions(
    userId: string,
    eserviceId: string,
    permissionIds: readonly string[],
    expectedVersion: number,
    updatedAt: string,
    endDates?: Readonly<Record<string, string>>,
  ): Promise<boolean>;
  /**
   * Deletes the user's permissions whose end date is on or before `today` and returns them; when
   * any, bumps the user's version and moves the list stamp. The delete is the claim: of two
   * transactions ending the same permission, the second waits for the first and then finds nothing
   * (PostgreSQL re-checks deleted rows; SQLite's write lock serialises them), so each permission
   * is ended, audited and mailed once.
   */
  endPermissionsDue(userId: string, today: string, updatedAt: string): Promise<EndedPermission[]>;
  /** Records a login to the e-services for every user with this HSA-id; returns how many. */
  recordUserLogin(hsaId: string, at: string): Promise<number>;

  insertAudit(record: AuditRecordInput): Promise<void>;
  /** Bulk insert of audit records (seeding, benchmarks): multi-row statements. */
  insertAudits(records: readonly AuditRecordInput[]): Promise<void>;
  listAudit(organisationId: string, query: { limit: number; before?: number; targetId?: string }): Promise<AuditRecord[]>;
  insertOutbox(message: OutboxMessageInput): Promise<void>;
}

/** A list read's options: `signal` aborts when nobody waits for the answer any more (the client left). */
export interface ReadOptions {
  signal?: AbortSignal;
}

export interface Storage extends StorageTx {
  /**
   * One keyset page of the organisation's users (or those of any of several organisations) that
   * pass the filter, in (sort column, id) order,
   * with `next` set when more follow. Read where it cannot hold the server's event loop; a read
   * still waiting when `signal` aborts is dropped and fails with its reason.
   */
  listUserPage(
    organisationId: string | readonly string[],
    request: UserPageRequest,
    options?: ReadOptions,
  ): Promise<{ users: UserRecord[]; next: UserPageRequest['after'] | null }>;
  /**
   * How many of the organisation's users pass the filter: exactly, or with `cap` at most `cap`
   * (then `more` says whether others pass too). `signal` as for listUserPage.
   */
  countUsers(
    organisationId: string | readonly string[],
    filter: UserListFilter,
    cap?: number,
    options?: ReadOptions,
  ): Promise<{ count: number; more: boolean }>;

  /**
   * Bulk load for seeding and benchmarks: every batch's users (with permissions) and audit records
   * in one transaction, the secondary indexes of those tables dropped before and built again after
   * from their own definitions. Returns how many users were loaded.
   */
  bulkLoadUsers(batches: BulkBatches): Promise<number>;

  /** Runs `fn` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(fn: (tx: StorageTx) => Promise<T>): Promise<T>;

  insertChallenge(nonce: string, createdAt: string, expiresAt: string): Promise<void>;
  /** Burns the nonce whatever the outcome and says whether it was good. */
  consumeChallenge(nonce: string, now: string): Promise<ChallengeOutcome>;

  insertSession(session: SessionRecord): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRecord | undefined>;
  touchSession(tokenHash: string, lastSeenAt: string, idleExpiresAt: string): Promise<void>;
  /** Moves the session to another organisation (the person's choice among their organisations). */
  setSessionOrganisation(tokenHash: string, organisationId: string): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteSessionsOf(administratorHsaId: string): Promise<void>;
  /** Deletes expired sessions and challenges expired before `challengesBefore`. */
  purgeExpired(now: string, challengesBefore: string): Promise<void>;

  /** Up to `limit` users with a permission whose end date is on or before `today`. */
  usersWithPermissionsDue(today: string, limit: number): Promise<{ userId: string; organisationId: string }[]>;

  /** Up to `limit` unsent outbox messages tried fewer than `maxAttempts` times, oldest first. */
  pendingOutbox(limit: number, maxAttempts: number): Promise<OutboxMessage[]>;
  /**
   * Claims up to `limit` unsent messages that are due (back-off passed), not held by a live claim
   * and tried fewer than `maxAttempts` times, oldest first, until `claimedUntil`; counts the attempt
   * now, before anything is sent. Two dispatchers never get the same message while a claim lives
   * (FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock on SQLite).
   */
  claimOutbox(query: {
    limit: number;
    maxAttempts: number;
    now: string;
    claimedUntil: string;
    claimToken: string;
  }): Promise<OutboxClaim[]>;
  /** Marks a claimed message sent; false if the claim was lost (expired and taken by another). */
  markOutboxSent(id: number, claimToken: string, at: string): Promise<boolean>;
  /** Releases a claimed message after a failed send, to be tried again from `retryAt`. */
  markOutboxFailed(id: number, claimToken: string, error: string, retryAt: string): Promise<void>;

  getOperatorMessage(): Promise<OperatorMessage | null>;
  setOperatorMessage(message: OperatorMessage | null): Promise<void>;

  /** Cheap round trip for GET /status. */
  ping(): Promise<void>;
  /** Writes (and commits) this instance's row in write_probes: throws when the database cannot be written. */
  probeWrite(instanceId: string, at: string): Promise<void>;
  close(): Promise<void>;
}
