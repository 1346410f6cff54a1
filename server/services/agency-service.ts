import {
  eservicesForKind,
  hsaIdSchema,
  newUserSchema,
  organisationIdSchema,
  parseWithSwedishMessages,
  type EServiceId,
  type OrganisationKind,
  type OperatorMessageSeverity,
} from '../../common/api/index';
import type { Clock } from '../clock';
import type { AdministratorRecord, OrganisationRecord, Storage } from '../storage/storage';

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

  /** Registers an administrator; refuses an HSA-id that is already an administrator or a user anywhere. */
  async addAdministrator(input: {
    organisationId: string;
    hsaId: string;
    givenName: string;
    surname: string;
    email: string;
  }): Promise<AdministratorRecord> {
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
      const hsaId = parsed.data.hsaId;
      const existing = await tx.findAdministrator(hsaId);
      if (existing) throw new AgencyError(`${hsaId} is already an administrator of ${existing.organisationId}`);
      const asUser = await tx.findUsersByHsaId(hsaId);
      if (asUser.length > 0) {
        throw new AgencyError(
          `${hsaId} is a user in ${asUser.map((u) => u.organisationId).join(', ')}; a person cannot be both (remove the user first)`,
        );
      }
      const admin: AdministratorRecord = { ...parsed.data, organisationId: org.id, createdAt: now, lastLoginAt: null };
      await tx.insertAdministrator(admin);
      await tx.insertAudit({
        organisationId: org.id,
        actor: 'agency',
        action: 'administrator.added',
        targetType: 'administrator',
        targetId: hsaId,
        before: null,
        after: { hsaId, givenName: admin.givenName, surname: admin.surname, email: admin.email },
        at: now,
      });
      return admin;
    });
  }

  /** Removes an administrator and ends their sessions; refuses the organisation's last one. */
  async removeAdministrator(hsaIdInput: string): Promise<void> {
    const parsed = hsaIdSchema.safeParse(hsaIdInput);
    if (!parsed.success) throw new AgencyError(`Not an HSA-id: ${hsaIdInput}`);
    const hsaId = parsed.data;
    const now = this.clock.now().toISOString();
    await this.storage.transaction(async (tx) => {
      const admin = await tx.findAdministrator(hsaId);
      if (!admin) throw new AgencyError(`${hsaId} is not an administrator`);
      // Two removals at once (two instances): the second waits here and then counts one fewer.
      await tx.lockOrganisation(admin.organisationId);
      const all = await tx.listAdministrators(admin.organisationId);
      if (all.length <= 1) {
        throw new AgencyError(
          `${hsaId} is the last administrator of ${admin.organisationId}; every organisation keeps at least one`,
        );
      }
      await tx.deleteAdministrator(hsaId);
      await tx.insertAudit({
        organisationId: admin.organisationId,
        actor: 'agency',
        action: 'administrator.removed',
        targetType: 'administrator',
        targetId: hsaId,
        before: { hsaId, givenName: admin.givenName, surname: admin.surname, email: admin.email },
        after: null,
        at: now,
      });
    });
    await this.storage.deleteSessionsOf(hsaId);
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
