import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  addDays,
  ENDING_SOON_DAYS,
  ESERVICES,
  findEService,
  INACTIVE_AFTER_MONTHS,
  LAST_LOGIN_WORDS,
  searchTerms,
  swedishDate,
  type AdministratorEntry,
  type AuditEntry,
  type NewUser,
  type Organisation,
  type User,
  type UserPage,
  type UserPatch,
} from '../../common/api/index';
import type { z } from 'zod';
import type { userExportQuerySchema, userListQuerySchema } from '../../common/api/index';

type UserPageQuery = z.output<typeof userListQuerySchema>;
type UserExportQuery = z.output<typeof userExportQuerySchema>;
import type { Clock } from '../core/clock';
import { ApiError, validationError } from '../core/api-error';
import type {
  OrganisationRecord,
  SearchTermMatch,
  StorageTx,
  Storage,
  UserFields,
  UserListFilter,
  UserPageRequest,
  UserRecord,
} from '../storage/storage';
import { decodeCursor, encodeCursor, type CursorScope } from './user-list-cursor';
import { csvCells, csvHeaders, csvLine } from './user-csv';
import type { SessionContext } from './auth-service';
import { permissionChangeMessage } from '../outbox/notification-messages';
import { grantRefusal, removalRefusal, type RoleRefusal } from './role-rules';

const notFound = () => new ApiError(404, 'not-found', 'Användaren finns inte');
/** A failed If-Match precondition: 412, as RFC 9110 says. */
const versionConflict = () => new ApiError(412, 'version-conflict', 'Användaren har ändrats av någon annan; läs in den på nytt');

/** The API's answer to a refused role change (role-rules.ts decides). */
function roleRefused(refusal: RoleRefusal): ApiError {
  switch (refusal) {
    case 'last-administrator':
      return new ApiError(409, refusal, 'Organisationen måste alltid ha minst en administratör');
    case 'last-authorised-orderer':
      return new ApiError(409, refusal, 'Organisationen måste alltid ha en behörig beställare');
    case 'hsa-id-is-user':
      return new ApiError(409, refusal, 'Personen är användare i organisationen; en person har en roll per organisation', {
        hsaId: 'HSA-id tillhör en användare i organisationen',
      });
    case 'hsa-id-has-role':
      return new ApiError(409, refusal, 'Personen är redan administratör eller behörig beställare i organisationen', {
        hsaId: 'Personen har redan en roll i organisationen',
      });
  }
}

const organisationEnded = () =>
  new ApiError(409, 'organisation-ended', 'Organisationen är avslutad: uppgifterna kan läsas men inget nytt kan ges');

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  // better-sqlite3 and node-postgres name it differently.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** Months back from `now`, for the inactivity flag. */
function monthsBefore(now: Date, months: number): string {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString();
}

// Position of each permission in the catalogue, computed once (the list may hold 100,000 users).
const CATALOGUE_POSITION = new Map<string, number>(
  ESERVICES.flatMap((e) => e.permissions.map((p, i) => [`${e.id}/${p.id}`, i] as const)),
);

/** Permission ids in the catalogue's order (storage returns them in any order). */
function inCatalogueOrder(eserviceId: string, ids: readonly string[]): string[] {
  const pos = (id: string) => CATALOGUE_POSITION.get(`${eserviceId}/${id}`) ?? Number.MAX_SAFE_INTEGER;
  return ids.length < 2 ? [...ids] : [...ids].sort((a, b) => pos(a) - pos(b));
}

/** The audit/notification snapshot of a user: no version or timestamps. */
function snapshot(u: Pick<UserRecord, 'id' | 'hsaId' | 'givenName' | 'surname' | 'email'>) {
  return { id: u.id, hsaId: u.hsaId, givenName: u.givenName, surname: u.surname, email: u.email };
}

/**
 * Everything an administrator can do, always scoped to their own organisation, with every rule
 * of the manual enforced here rather than trusted to the client. Each change is one transaction
 * that also writes its audit record (and, for permissions, the e-mail to the outbox).
 */
/**
 * A search or filter's matches are counted up to this many ("Visar minst 1 000 av …"): beyond it
 * the number guides nobody (the administrator narrows the search), and counting costs with the
 * cap. Measured at 1M users on SQLite (loaded machine): a permission filter plus "ann" counted in
 * 2,084 ms with a cap of 10,000 and 168 ms with 1,000. The organisation's total is always exact.
 */
export const MATCHED_COUNT_CAP = 1_000;

export class AdministrationService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  private async organisation(tx: StorageTx, session: SessionContext): Promise<OrganisationRecord> {
    const org = await tx.getOrganisation(session.organisationId);
    if (!org) throw new ApiError(401, 'unauthenticated', 'Organisationen finns inte längre');
    return org;
  }

  /** Converts a stored user to the API shape: only agreed e-services, with the inactivity flag. */
  toApiUser(u: UserRecord, org: OrganisationRecord, inactiveBefore: string): User {
    const permissions: Record<string, string[]> = {};
    const endDates: Record<string, Record<string, string>> = {};
    for (const e of org.agreements) {
      const granted = u.permissions[e];
      if (granted && granted.length > 0) permissions[e] = inCatalogueOrder(e, granted);
      const ends = u.endDates?.[e];
      if (ends && Object.keys(ends).length > 0) endDates[e] = { ...ends };
    }
    return {
      id: u.id,
      givenName: u.givenName,
      surname: u.surname,
      hsaId: u.hsaId,
      email: u.email,
      permissions,
      endDates,
      lastLoginAt: u.lastLoginAt,
      inactive: (u.lastLoginAt ?? u.createdAt) < inactiveBefore,
      version: u.version,
      createdAt: u.createdAt,
      updatedAt: u.updatedAt,
    };
  }

  private inactiveBefore(): string {
    return monthsBefore(this.clock.now(), INACTIVE_AFTER_MONTHS);
  }

  /** The administrator's organisation with the e-services it has agreements for. */
  async getOrganisation(session: SessionContext): Promise<Organisation> {
    const org = await this.organisation(this.storage, session);
    return {
      id: org.id,
      name: org.name,
      kind: org.kind,
      ended: Boolean(org.endedAt),
      eservices: org.agreements.flatMap((id) => {
        const e = findEService(id);
        return e ? [{ id: id, name: e.name, permissions: e.permissions.map((p) => ({ id: p.id, name: p.name })) }] : [];
      }),
    };
  }

  /** The storage filter for a search and the two filters, checked against the organisation's agreements. */
  private userFilter(
    org: Pick<OrganisationRecord, 'agreements'>,
    query: { search: string; eservice?: string | undefined; permission?: string | undefined; ending?: 'soon' | undefined },
  ): UserListFilter {
    if (query.eservice !== undefined && !(org.agreements as string[]).includes(query.eservice)) {
      throw validationError({ 'query.eservice': 'Organisationen har inget avtal för e-tjänsten' });
    }
    if (query.permission !== undefined && !findEService(query.eservice!)?.permissions.some((p) => p.id === query.permission)) {
      throw validationError({ 'query.permission': 'Behörigheten finns inte i e-tjänsten' });
    }
    const agreed = org.agreements.flatMap((id) => findEService(id) ?? []);
    const terms: SearchTermMatch[] = searchTerms(query.search).map((text) => ({
      text,
      // The permission column shows "E-tjänst: Behörighet, ...": a term in an e-service's name
      // matches everyone with a permission in it, a term in a permission's name its holders.
      permissions: agreed.map((e) => ({
        eserviceId: e.id,
        permissionIds: e.name.toLowerCase().includes(text)
          ? e.permissions.map((p) => p.id)
          : e.permissions.filter((p) => p.name.toLowerCase().includes(text)).map((p) => p.id),
      })),
      never: Object.values(LAST_LOGIN_WORDS).some((w) => w.never.toLowerCase().includes(text)),
      inactive: Object.values(LAST_LOGIN_WORDS).some((w) => w.inactive.toLowerCase().includes(text)),
    }));
    const today = swedishDate(this.clock.now());
    return {
      ...(query.eservice !== undefined ? { eserviceId: query.eservice } : {}),
      ...(query.permission !== undefined ? { permissionId: query.permission } : {}),
      ...(query.ending === 'soon'
        ? {
            // endsSoon() of common/api/permission-end.ts, as a date window the database can use.
            ending: {
              after: today,
              until: addDays(today, ENDING_SOON_DAYS),
              eserviceIds: query.eservice !== undefined ? [query.eservice] : org.agreements,
              ...(query.permission !== undefined ? { permissionId: query.permission } : {}),
            },
          }
        : {}),
      terms,
      inactiveBefore: this.inactiveBefore(),
    };
  }

  /**
   * One page of the organisation's users that pass the search and filters, in the chosen order
   * (keyset: a concurrent change never repeats or skips a row). The first page carries the counts.
   * Once `signal` aborts (the client closed the request), reads not yet begun are dropped.
   */
  async listUserPage(session: SessionContext, query: UserPageQuery, signal?: AbortSignal): Promise<UserPage> {
    const { where, filter, toApi } = await this.userQueryScope(session, query);
    const scope: CursorScope = {
      sort: query.sort,
      direction: query.direction,
      search: query.search,
      eservice: query.eservice,
      permission: query.permission,
      ending: query.ending,
      organisations: query.scope === 'all' ? `all:${query.organisation ?? ''}` : undefined,
    };
    const after = query.cursor !== undefined ? decodeCursor(query.cursor, scope) : undefined;
    const unfiltered = filter.terms.length === 0 && filter.eserviceId === undefined && filter.ending === undefined;
    const [page, matched, total] = await Promise.all([
      this.storage.listUserPage(
        where,
        {
          limit: query.limit,
          sort: query.sort,
          direction: query.direction,
          filter,
          ...(after ? { after } : {}),
        },
        { signal },
      ),
      after ? null : this.storage.countUsers(where, filter, unfiltered ? undefined : MATCHED_COUNT_CAP, { signal }),
      after || unfiltered
        ? null
        : this.storage.countUsers(where, { terms: [], inactiveBefore: filter.inactiveBefore }, undefined, { signal }),
    ]);
    return {
      users: page.users.map((u) => toApi(u).user),
      nextCursor: page.next ? encodeCursor(page.next, scope) : null,
      matched: matched?.count ?? null,
      ...(matched?.more ? { matchedAtLeast: true } : {}),
      total: (unfiltered ? matched : total)?.count ?? null,
    };
  }

  /**
   * What the list and its export share: the organisations a query reads (the session's, or with
   * scope=all every one the person administers, or the one the organisation filter names), the
   * storage filter over their agreements, and each user as the API shows them with their
   * organisation (`organisationId` set in the list of all).
   */
  private async userQueryScope(session: SessionContext, query: UserExportQuery) {
    const org = await this.organisation(this.storage, session);
    const all = query.scope === 'all';
    const orgs = all ? await this.organisationsOf(session, query.organisation) : [org];
    const byId = new Map(orgs.map((o) => [o.id, o]));
    const filter = this.userFilter({ agreements: [...new Set(orgs.flatMap((o) => o.agreements))] }, query);
    const toApi = (u: UserRecord): { user: User; organisation: OrganisationRecord } => {
      const own = all ? (byId.get(u.organisationId) ?? org) : org;
      const user = this.toApiUser(u, own, filter.inactiveBefore);
      return { user: all ? { ...user, organisationId: u.organisationId } : user, organisation: own };
    };
    return { all, where: all ? orgs.map((o) => o.id) : org.id, filter, toApi };
  }

  /**
   * The organisations the person holds a role in (source 004: several organisation codes; ended
   * ones too, readable only), or the one of them `only` names (400 if it is not theirs). The role
   * is read again here: the list never reaches beyond the organisations the person administers now.
   */
  private async organisationsOf(session: SessionContext, only?: string): Promise<OrganisationRecord[]> {
    const roles = await this.storage.listRolesOf(session.hsaId);
    const ids = roles.map((r) => r.organisationId).filter((id) => only === undefined || id === only);
    if (only !== undefined && ids.length === 0) {
      throw validationError({ 'query.organisation': 'Du administrerar inte den organisationen' });
    }
    const orgs = await Promise.all(ids.map((id) => this.storage.getOrganisation(id)));
    return orgs.filter((o): o is OrganisationRecord => o !== undefined);
  }

  /**
   * "Exportera lista (CSV)": every user that passes the search and filters, in the chosen order,
   * of the same organisations as the list (scope=all: an "Organisation" column first), read page by page as the client takes it (never the whole list in memory). Swedish headers,
   * ';' between cells, formulas defused.
   */
  async exportUsersCsv(session: SessionContext, query: UserExportQuery): Promise<Readable> {
    const { all, where, filter, toApi } = await this.userQueryScope(session, query);
    const storage = this.storage;
    const cells = (u: UserRecord): string[] => {
      const { user, organisation } = toApi(u);
      return csvCells(user, all ? organisation.name : undefined);
    };
    async function* lines(): AsyncGenerator<string> {
      yield `\uFEFF${csvLine(csvHeaders(all))}`;
      let after: UserPageRequest['after'] | undefined;
      for (;;) {
        const page = await storage.listUserPage(where, {
          limit: 1000,
          sort: query.sort,
          direction: query.direction,
          filter,
          ...(after ? { after } : {}),
        });
        yield page.users.map((u) => csvLine(cells(u))).join('');
        if (!page.next) return;
        after = page.next;
      }
    }
    return Readable.from(lines());
  }

  /** One user of the organisation; another organisation's user is 404. */
  async getUser(session: SessionContext, id: string): Promise<User> {
    const org = await this.organisation(this.storage, session);
    const user = await this.storage.findUser(org.id, id);
    if (!user) throw notFound();
    return this.toApiUser(user, org, this.inactiveBefore());
  }

  /** The HSA-id rules: never an administrator's, never twice in one organisation. */
  private async checkHsaIdFree(tx: StorageTx, organisationId: string, hsaId: string, exceptUserId?: string) {
    // One role per person and organisation (source 004): not a user where they administer.
    if (await tx.findAdministrator(hsaId, organisationId)) {
      throw new ApiError(
        409,
        'hsa-id-is-administrator',
        'HSA-id tillhör en administratör; en person kan inte vara både administratör och användare',
        {
          hsaId: 'HSA-id tillhör en administratör',
        },
      );
    }
    const existing = await tx.findUsersByHsaId(hsaId);
    if (existing.some((u) => u.organisationId === organisationId && u.id !== exceptUserId)) {
      throw new ApiError(409, 'hsa-id-in-use', 'Det finns redan en användare med detta HSA-id', {
        hsaId: 'Det finns redan en användare med detta HSA-id',
      });
    }
  }

  /** "Lägg till användare": a new user without permissions. */
  async createUser(session: SessionContext, input: NewUser): Promise<User> {
    const now = this.clock.now().toISOString();
    try {
      return await this.storage.transaction(async (tx) => {
        const org = await this.organisation(tx, session);
        if (org.endedAt) throw organisationEnded();
        await this.checkHsaIdFree(tx, org.id, input.hsaId);
        const user: UserRecord = {
          id: randomUUID(),
          organisationId: org.id,
          ...input,
          version: 1,
          createdAt: now,
          updatedAt: now,
          lastLoginAt: null,
          permissions: {},
        };
        await tx.insertUser(user);
        await tx.insertAudit({
          organisationId: org.id,
          actor: session.hsaId,
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          before: null,
          after: snapshot(user),
          at: now,
        });
        return this.toApiUser(user, org, this.inactiveBefore());
      });
    } catch (e) {
      // Two administrators adding the same HSA-id at once: the unique constraint decides.
      if (isUniqueViolation(e)) {
        throw new ApiError(409, 'hsa-id-in-use', 'Det finns redan en användare med detta HSA-id', {
          hsaId: 'Det finns redan en användare med detta HSA-id',
        });
      }
      throw e;
    }
  }

  /** "Ändra användare": changes any of the four fields if `version` is still current. */
  async updateUser(session: SessionContext, id: string, version: number, patch: UserPatch): Promise<User> {
    const now = this.clock.now().toISOString();
    try {
      return await this.storage.transaction(async (tx) => {
        const org = await this.organisation(tx, session);
        const user = await tx.findUser(org.id, id);
        if (!user) throw notFound();
        if (user.version !== version) throw versionConflict();
        const fields: UserFields = {
          hsaId: patch.hsaId ?? user.hsaId,
          givenName: patch.givenName ?? user.givenName,
          surname: patch.surname ?? user.surname,
          email: patch.email ?? user.email,
        };
        if (fields.hsaId !== user.hsaId) await this.checkHsaIdFree(tx, org.id, fields.hsaId, user.id);
        if (!(await tx.updateUser(org.id, id, version, fields, now))) throw versionConflict();
        const updated: UserRecord = { ...user, ...fields, version: version + 1, updatedAt: now };
        await tx.insertAudit({
          organisationId: org.id,
          actor: session.hsaId,
          action: 'user.updated',
          targetType: 'user',
          targetId: id,
          before: snapshot(user),
          after: snapshot(updated),
          at: now,
        });
        return this.toApiUser(updated, org, this.inactiveBefore());
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new ApiError(409, 'hsa-id-in-use', 'Det finns redan en användare med detta HSA-id');
      throw e;
    }
  }

  /** "Ta bort användare", if `version` is still current; tells the user if they lose permissions. */
  async deleteUser(session: SessionContext, id: string, version: number): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.storage.transaction(async (tx) => {
      const org = await this.organisation(tx, session);
      const user = await tx.findUser(org.id, id);
      if (!user) throw notFound();
      if (user.version !== version) throw versionConflict();
      if (!(await tx.deleteUser(org.id, id, version))) throw versionConflict();
      await tx.insertAudit({
        organisationId: org.id,
        actor: session.hsaId,
        action: 'user.deleted',
        targetType: 'user',
        targetId: id,
        before: { ...snapshot(user), permissions: user.permissions },
        after: null,
        at: now,
      });
      for (const [eserviceId, before] of Object.entries(user.permissions)) {
        if (before.length === 0) continue;
        await tx.insertOutbox({
          organisationId: org.id,
          recipient: user.email,
          ...permissionChangeMessage({ user, organisationName: org.name, eserviceId, before, after: [] }),
          createdAt: now,
        });
      }
    });
  }

  /**
   * Sets the full set of a user's permissions for one e-service ("Klar" in the permission
   * dialog), with the end dates of the time-limited ones (permission id → YYYY-MM-DD, each after
   * today in Swedish time, each for a permission in the set). Only e-services with an agreement
   * (403), only that e-service's permissions (400).
   */
  async setPermissions(
    session: SessionContext,
    id: string,
    eserviceId: string,
    version: number,
    permissionIds: readonly string[],
    endDates: Readonly<Record<string, string>> = {},
  ): Promise<User> {
    const now = this.clock.now().toISOString();
    return this.storage.transaction(async (tx) => {
      const org = await this.organisation(tx, session);
      const user = await tx.findUser(org.id, id);
      if (!user) throw notFound();
      const eservice = findEService(eserviceId);
      if (!eservice || !(org.agreements as string[]).includes(eserviceId)) {
        throw new ApiError(403, 'no-agreement', 'Organisationen har inget avtal för e-tjänsten');
      }
      const known = new Set(eservice.permissions.map((p) => p.id));
      const unknown: Record<string, string> = {};
      permissionIds.forEach((p, i) => {
        if (!known.has(p)) unknown[`permissions.${i}`] = `Behörigheten finns inte i e-tjänsten ”${eservice.name}”`;
      });
      if (Object.keys(unknown).length > 0) {
        throw new ApiError(400, 'permission-unknown', 'Okänd behörighet för e-tjänsten', unknown);
      }
      const today = swedishDate(this.clock.now());
      const badDates: Record<string, string> = {};
      for (const [p, date] of Object.entries(endDates)) {
        if (!permissionIds.includes(p)) badDates[`endDates.${p}`] = 'Slutdatum kan bara sättas på en behörighet som ges';
        else if (date <= today) badDates[`endDates.${p}`] = `Slutdatum måste vara efter dagens datum (${today})`;
      }
      if (Object.keys(badDates).length > 0) throw validationError(badDates);
      if (user.version !== version) throw versionConflict();
      // Catalogue order, no duplicates.
      const after = eservice.permissions.map((p) => p.id).filter((p) => permissionIds.includes(p));
      const before = inCatalogueOrder(eserviceId, user.permissions[eserviceId] ?? []);
      const endsBefore = user.endDates?.[eserviceId] ?? {};
      const endsAfter = Object.fromEntries(after.filter((p) => endDates[p] !== undefined).map((p) => [p, endDates[p]!]));
      const sameEnds =
        Object.keys(endsBefore).length === Object.keys(endsAfter).length &&
        Object.entries(endsAfter).every(([p, d]) => endsBefore[p] === d);
      if (before.length === after.length && before.every((p) => after.includes(p)) && sameEnds) {
        return this.toApiUser(user, org, this.inactiveBefore());
      }
      // An ended organisation: permissions may be taken away, nothing given or extended.
      if (
        org.endedAt &&
        (after.some((p) => !before.includes(p)) || Object.keys(endsAfter).some((p) => endsAfter[p] !== endsBefore[p]))
      ) {
        throw organisationEnded();
      }
      if (!(await tx.replacePermissions(user.id, eserviceId, after, version, now, endsAfter))) throw versionConflict();
      // End dates in the audit only where there are any, so entries of permanent permissions stay as they were.
      const withEnds = (ends: Record<string, string>) => (Object.keys(ends).length > 0 ? { endDates: ends } : {});
      await tx.insertAudit({
        organisationId: org.id,
        actor: session.hsaId,
        action: 'user.permissions-changed',
        targetType: 'user',
        targetId: user.id,
        before: { eserviceId, permissions: before, ...withEnds(endsBefore) },
        after: { eserviceId, permissions: after, ...withEnds(endsAfter) },
        at: now,
      });
      await tx.insertOutbox({
        organisationId: org.id,
        recipient: user.email,
        ...permissionChangeMessage({ user, organisationName: org.name, eserviceId, before, after, endDates: endsAfter }),
        createdAt: now,
      });
      const otherEnds = { ...user.endDates };
      delete otherEnds[eserviceId];
      const updated: UserRecord = {
        ...user,
        version: version + 1,
        updatedAt: now,
        permissions: { ...user.permissions, [eserviceId]: after },
        endDates: Object.keys(endsAfter).length > 0 ? { ...otherEnds, [eserviceId]: endsAfter } : otherEnds,
      };
      return this.toApiUser(updated, org, this.inactiveBefore());
    });
  }

  /**
   * "Administratörer": the organisation's authorised orderers and administrators, for everyone
   * logged in to it (source 004: users see who they are).
   */
  async listAdministrators(session: SessionContext): Promise<AdministratorEntry[]> {
    const all = await this.storage.listAdministrators(session.organisationId);
    return all.map((a) => ({
      hsaId: a.hsaId,
      givenName: a.givenName,
      surname: a.surname,
      email: a.email,
      role: a.role,
      lastLoginAt: a.lastLoginAt,
    }));
  }

  private requireOrderer(session: SessionContext): void {
    if (session.role !== 'authorised-orderer') {
      throw new ApiError(403, 'not-authorised-orderer', 'Bara den behöriga beställaren kan utse och ta bort administratörer');
    }
  }

  /** The authorised orderer appoints an administrator (one role per person and organisation). */
  async appointAdministrator(session: SessionContext, input: NewUser): Promise<AdministratorEntry> {
    this.requireOrderer(session);
    const now = this.clock.now().toISOString();
    try {
      return await this.storage.transaction(async (tx) => {
        const org = await this.organisation(tx, session);
        if (org.endedAt) throw organisationEnded();
        const refusal = await grantRefusal(tx, org.id, input.hsaId);
        if (refusal) throw roleRefused(refusal);
        await tx.insertAdministrator({
          ...input,
          organisationId: org.id,
          role: 'administrator',
          createdAt: now,
          lastLoginAt: null,
        });
        await tx.insertAudit({
          organisationId: org.id,
          actor: session.hsaId,
          action: 'administrator.added',
          targetType: 'administrator',
          targetId: input.hsaId,
          before: null,
          after: { ...input, role: 'administrator' },
          at: now,
        });
        return { ...input, role: 'administrator' as const, lastLoginAt: null };
      });
    } catch (e) {
      // Two appointments of the same person at once: the primary key decides.
      if (isUniqueViolation(e)) throw roleRefused('hsa-id-has-role');
      throw e;
    }
  }

  /**
   * The authorised orderer removes an administrator; the organisation keeps at least one. The
   * removed administrator's next request is refused (the role is checked on every request).
   */
  async removeAdministrator(session: SessionContext, hsaId: string): Promise<void> {
    this.requireOrderer(session);
    const now = this.clock.now().toISOString();
    await this.storage.transaction(async (tx) => {
      const org = await this.organisation(tx, session);
      const target = await tx.findAdministrator(hsaId, org.id);
      // The orderer is registered and removed by the agency, not here.
      if (!target || target.role !== 'administrator') {
        throw new ApiError(404, 'not-found', 'Ingen administratör med det HSA-id:t i organisationen');
      }
      // Two removals at once (two instances): the second waits here and then counts one fewer.
      await tx.lockOrganisation(org.id);
      const refusal = removalRefusal(await tx.listAdministrators(org.id), target);
      if (refusal) throw roleRefused(refusal);
      await tx.deleteAdministrator(hsaId, org.id);
      await tx.insertAudit({
        organisationId: org.id,
        actor: session.hsaId,
        action: 'administrator.removed',
        targetType: 'administrator',
        targetId: hsaId,
        before: { hsaId, givenName: target.givenName, surname: target.surname, email: target.email, role: target.role },
        after: null,
        at: now,
      });
    });
  }

  /** The organisation's audit log, newest first. */
  async listAudit(session: SessionContext, query: { limit?: number; before?: number; userId?: string }): Promise<AuditEntry[]> {
    const records = await this.storage.listAudit(session.organisationId, {
      limit: query.limit ?? 100,
      ...(query.before !== undefined ? { before: query.before } : {}),
      ...(query.userId !== undefined ? { targetId: query.userId } : {}),
    });
    return records.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      before: r.before ?? null,
      after: r.after ?? null,
    }));
  }
}
