import type { AdministratorRole } from '../../common/api/index';
import type { AdministratorRecord, StorageTx } from '../storage/storage';

/** Why a role cannot be given or taken (the one place these rules live; agency and API both call it). */
export type RoleRefusal = 'last-administrator' | 'last-authorised-orderer' | 'hsa-id-is-user' | 'hsa-id-has-role';

/**
 * Source 004: an organisation always keeps an authorised orderer and at least one administrator.
 * Call with the organisation locked (`lockOrganisation`), so two removals at once cannot both pass.
 */
export function removalRefusal(all: readonly AdministratorRecord[], target: AdministratorRecord): RoleRefusal | null {
  const left = all.filter((a) => a.role === target.role && a.hsaId !== target.hsaId);
  if (left.length > 0) return null;
  return target.role === 'authorised-orderer' ? 'last-authorised-orderer' : 'last-administrator';
}

/**
 * Roles are exclusive per person and organisation: a person who is a user, an administrator or the
 * authorised orderer of the organisation cannot be given another role there.
 */
export async function grantRefusal(tx: StorageTx, organisationId: string, hsaId: string): Promise<RoleRefusal | null> {
  if (await tx.findAdministrator(hsaId, organisationId)) return 'hsa-id-has-role';
  const asUser = await tx.findUsersByHsaId(hsaId);
  if (asUser.some((u) => u.organisationId === organisationId)) return 'hsa-id-is-user';
  return null;
}

/** The role's name in the agency's and the log's words. */
export function roleName(role: AdministratorRole): string {
  return role === 'authorised-orderer' ? 'authorised orderer' : 'administrator';
}
