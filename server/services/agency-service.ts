import {
  eservicesForKind,
  hsaIdSchema,
  newUserSchema,
  organisationIdSchema,
  parseWithSwedishMessages,
  type AdministratorRole,
  type EServiceId,
  type OrganisationKind,
  type OperatorMessageSeverity,
} from '../../common/api/index';
import type { Clock } from '../core/clock';
import type { AdministratorRecord, OrganisationRecord, Storage } from '../storage/storage';
import { grantRefusal, removalRefusal, roleName } from './role-rules';

/** A refused agency operation; the message is for the agency's operator. */
export class AgencyError extends Error {}

/**
 * What only the agency does, never an administrator through the API: organisations, their
 * agreements, and their administrators. Used by the agency command and the demo seed.
 */
export class AgencyService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  /** Adds an organisation with agreements for e-services of its kind. */
  async addOrganisation(input: {
    id: string;
    name: string;
    kind: OrganisationKind;
    agreements: readonly string[];
  }): Promise<OrganisationRecord> {
    if (!organisationIdSchema.safeParse(input.id).success) {
      throw new AgencyError(`Organisation id "${input.id}": use lower-case letters, digits and hyphens`);
    }
    if (input.name.trim() === '') throw new AgencyError('Organisation name must not be empty');
    const agreements = this.checkAgreements(input.kind, input.agreements);
    return this.storage.transaction(async (tx) => {
      if (await tx.getOrganisation(input.id)) throw new AgencyError(`Organisation ${input.id} already exists`);
      const org: OrganisationRecord = {
        id: input.id,
        name: input.name.trim(),
        kind: input.kind,
        agreements,
        createdAt: this.clock.now().toISOString(),
      };
      await tx.insertOrganisation(org);
      return org;
    });
  }

  /** Replaces an organisation's agreements. */
  async setAgreements(organisationId: string, agreementIds: readonly string[]): Promise<void> {
    await this.storage.transaction(async (tx) => {
      const org = await tx.getOrganisation(organisationId);
      if (!org) throw new AgencyError(`No organisation ${organisationId}`);
      await tx.setAgreements(org.id, this.checkAgreements(org.kind, agreementIds));
    });
  }

  private checkAgreements(kind: OrganisationKind, ids: readonly string[]): EServiceId[] {
    const allowed = eservicesForKind(kind).map((e) => e.id);
    const unknown = ids.filter((id) => !allowed.includes(id));
    if (unknown.length > 0) {
      throw new AgencyError(`Not e-services for a ${kind}: ${unknown.join(', ')} (choose from ${allowed.join(', ')})`);
    }
    return [...new Set(ids)] as EServiceId[];
  }

  /**
   * Registers an administrator or (role `authorised-orderer`) the organisation's authorised orderer
   * (behörig beställare, source 004). A person holds one role per organisation (refused if they are
   * already a user, an administrator or the orderer there); they may hold roles in several.
   */
  async addAdministrator(input: {
    organisationId: string;
    hsaId: string;
    givenName: string;
    surname: string;
    email: string;
    role?: AdministratorRole;
  }): Promise<AdministratorRecord> {
    const role = input.role ?? 'administrator';
    const parsed = parseWithSwedishMessages(newUserSchema, {
      hsaId: input.hsaId,
      givenName: input.givenName,
      surname: input.surname,
      email: input.email,
    });
    if (!parsed.success) {
      throw new AgencyError(
        Object.entries(parsed.fields)
          .map(([f, m]) => `${f}: ${m}`)
          .join('; '),
      );
    }
    const now = this.clock.now().toISOString();
    return this.storage.transaction(async (tx) => {
      const org = await tx.getOrganisation(input.organisationId);
      if (!org) throw new AgencyError(`No organisation ${input.organisationId}`);
      if (org.endedAt) throw new AgencyError(`Organisation ${org.id} has ended; nothing new can be granted there`);
      const hsaId = parsed.data.hsaId;
      const refusal = await grantRefusal(tx, org.id, hsaId);
      if (refusal === 'hsa-id-has-role') {
        const existing = await tx.findAdministrator(hsaId, org.id);
        throw new AgencyError(
          `${hsaId} is already ${roleName(existing!.role)} of ${org.id}; one role per person and organisation`,
        );
      }
      if (refusal === 'hsa-id-is-user') {
        throw new AgencyError(`${hsaId} is a user in ${org.id}; a person cannot be both (remove the user first)`);
      }
      const admin: AdministratorRecord = { ...parsed.data, organisationId: org.id, role, createdAt: now, lastLoginAt: null };
      await tx.insertAdministrator(admin);
      await tx.insertAudit({
        organisationId: org.id,
        actor: 'agency',
        action: 'administrator.added',
        targetType: 'administrator',
        targetId: hsaId,
        before: null,
        after: { hsaId, givenName: admin.givenName, surname: admin.surname, email: admin.email, role },
        at: now,
      });
      return admin;
    });
  }

  /**
   * Removes an administrator or authorised orderer (only that `role` when given; from
   * `organisationId`, needed when the person has roles in several) and ends their sessions; refuses an organisation's last administrator and
   * its last authorised orderer.
   */
  async removeAdministrator(hsaIdInput: string, organisationId?: string, role?: AdministratorRole): Promise<AdministratorRecord> {
    const parsed = hsaIdSchema.safeParse(hsaIdInput);
    if (!parsed.success) throw new AgencyError(`Not an HSA-id: ${hsaIdInput}`);
    const hsaId = parsed.data;
    const now = this.clock.now().toISOString();
    const removed = await this.storage.transaction(async (tx) => {
      const roles = (await tx.listRolesOf(hsaId)).filter(
        (r) => (organisationId === undefined || r.organisationId === organisationId) && (role === undefined || r.role === role),
      );
      if (roles.length === 0) {
        throw new AgencyError(
          `${hsaId} is not ${roleName(role ?? 'administrator')}${organisationId ? ` of ${organisationId}` : ''}`,
        );
      }
      if (roles.length > 1) {
        throw new AgencyError(`${hsaId} has roles in ${roles.map((r) => r.organisationId).join(', ')}: name one with --org`);
      }
      const admin = roles[0]!;
      // Two removals at once (two instances): the second waits here and then counts one fewer.
      await tx.lockOrganisation(admin.organisationId);
      const refusal = removalRefusal(await tx.listAdministrators(admin.organisationId), admin);
      if (refusal === 'last-administrator') {
        throw new AgencyError(
          `${hsaId} is the last administrator of ${admin.organisationId}; every organisation keeps at least one`,
        );
      }
      if (refusal === 'last-authorised-orderer') {
        throw new AgencyError(`${hsaId} is the last authorised orderer of ${admin.organisationId}; register the new one first`);
      }
      await tx.deleteAdministrator(hsaId, admin.organisationId);
      await tx.insertAudit({
        organisationId: admin.organisationId,
        actor: 'agency',
        action: 'administrator.removed',
        targetType: 'administrator',
        targetId: hsaId,
        before: { hsaId, givenName: admin.givenName, surname: admin.surname, email: admin.email, role: admin.role },
        after: null,
        at: now,
      });
      return admin;
    });
    await this.storage.deleteSessionsOf(hsaId);
    return removed;
  }

  /** Ends an organisation (arbetsgivarkod) or makes it active again: an ended one stays readable, nothing new is granted. */
  async setOrganisationEnded(organisationId: string, ended: boolean): Promise<void> {
    await this.storage.transaction(async (tx) => {
      if (!(await tx.getOrganisation(organisationId))) throw new AgencyError(`No organisation ${organisationId}`);
      await tx.setOrganisationEnded(organisationId, ended ? this.clock.now().toISOString() : null);
    });
  }

  /** Organisations with their administrators, for `org list`. */
  async listOrganisations(): Promise<Array<OrganisationRecord & { administrators: AdministratorRecord[] }>> {
    const orgs = await this.storage.listOrganisations();
    return Promise.all(orgs.map(async (o) => ({ ...o, administrators: await this.storage.listAdministrators(o.id) })));
  }

  /** Records a login to the e-services (what the agency's e-services would report). */
  async recordUserLogin(hsaIdInput: string, at?: Date): Promise<number> {
    const parsed = hsaIdSchema.safeParse(hsaIdInput);
    if (!parsed.success) throw new AgencyError(`Not an HSA-id: ${hsaIdInput}`);
    return this.storage.recordUserLogin(parsed.data, (at ?? this.clock.now()).toISOString());
  }

  /** Sets or clears (null) the operator message GET /status shows. */
  async setOperatorMessage(message: { severity: OperatorMessageSeverity; text: string } | null): Promise<void> {
    await this.storage.setOperatorMessage(message ? { ...message, since: this.clock.now().toISOString() } : null);
  }
}
