import type { Organisation, User } from '../../../common/api/schemas';

/** "Filtrera e-tjänster" then "Filtrera behörigheter": null means no choice. */
export interface UserFilter {
  eserviceId: string | null;
  permissionId: string | null;
}

export const NO_FILTER: UserFilter = { eserviceId: null, permissionId: null };

export function isFilterActive(filter: UserFilter): boolean {
  return filter.eserviceId !== null;
}

/**
 * Whether a user passes the e-service/permission filter: with only an e-service chosen, users
 * holding any permission in it; with a permission too, users holding that permission.
 */
export function matchesUserFilter(user: User, filter: UserFilter): boolean {
  if (filter.eserviceId === null) return true;
  const held = user.permissions[filter.eserviceId];
  if (!held || held.length === 0) return false;
  return filter.permissionId === null || held.includes(filter.permissionId);
}

/** The choices of "Filtrera behörigheter": the chosen e-service's permissions, none without one. */
export function permissionChoices(organisation: Organisation, eserviceId: string | null) {
  if (eserviceId === null) return [];
  return organisation.eservices.find((e) => e.id === eserviceId)?.permissions ?? [];
}

/** Choosing an e-service resets the permission choice (its choices follow the e-service). */
export function chooseEService(filter: UserFilter, eserviceId: string | null): UserFilter {
  return filter.eserviceId === eserviceId ? filter : { eserviceId, permissionId: null };
}

/** A permission can only be chosen within the chosen e-service; anything else is ignored. */
export function choosePermission(filter: UserFilter, organisation: Organisation, permissionId: string | null): UserFilter {
  if (permissionId === null) return { ...filter, permissionId: null };
  const valid = permissionChoices(organisation, filter.eserviceId).some((p) => p.id === permissionId);
  return valid ? { ...filter, permissionId } : filter;
}

const collator = new Intl.Collator('sv', { sensitivity: 'accent', numeric: true });

/** Swedish alphabetical order (å, ä, ö after z), case-insensitive; empty values first. */
export function compareSwedish(a: string | null | undefined, b: string | null | undefined): number {
  return collator.compare(a ?? '', b ?? '');
}
