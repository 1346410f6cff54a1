import { endsSoon } from '../../../common/api/permission-end';
import type { Organisation, User } from '../../../common/api/schemas';

/**
 * Pure formatters for the user list, the user's view and the CSV export. Derived strings are
 * cached per user object: the store replaces a user's object on every change, so the cache never
 * serves stale text, and 100,000 rows are formatted once rather than on every filter keystroke.
 */

export interface PermissionGroup {
  eserviceId: string;
  eserviceName: string;
  /** Each with its end date (YYYY-MM-DD) when time-limited. */
  permissions: { id: string; name: string; endsOn?: string }[];
}

/** The user's permissions grouped by e-service, in the organisation's catalogue order. */
export function permissionGroups(user: User, organisation: Organisation): PermissionGroup[] {
  const groups: PermissionGroup[] = [];
  for (const eservice of organisation.eservices) {
    const held = new Set(user.permissions[eservice.id] ?? []);
    if (held.size === 0) continue;
    const permissions = eservice.permissions.filter((p) => held.has(p.id));
    // An id the catalogue does not know still shows, by its id, rather than vanishing.
    for (const id of held) if (!permissions.some((p) => p.id === id)) permissions.push({ id, name: id });
    const ends = user.endDates?.[eservice.id] ?? {};
    groups.push({
      eserviceId: eservice.id,
      eserviceName: eservice.name,
      permissions: permissions.map((p) => (ends[p.id] ? { ...p, endsOn: ends[p.id] } : p)),
    });
  }
  return groups;
}

export interface EndingPermission {
  eserviceName: string;
  name: string;
  endsOn: string;
}

/** The user's permissions that end within ENDING_SOON_DAYS days of `today` (YYYY-MM-DD), soonest first. */
export function endingSoon(user: User, organisation: Organisation, today: string): EndingPermission[] {
  return permissionGroups(user, organisation)
    .flatMap((g) =>
      g.permissions.flatMap((p) =>
        p.endsOn && endsSoon(p.endsOn, today) ? [{ eserviceName: g.eserviceName, name: p.name, endsOn: p.endsOn }] : [],
      ),
    )
    .sort((a, b) => a.endsOn.localeCompare(b.endsOn));
}

const summaryCache = new WeakMap<User, { organisation: Organisation; text: string }>();

/** "E-tjänst: Behörighet, Behörighet; E-tjänst: ..." — empty when the user has no permissions. */
export function permissionSummary(user: User, organisation: Organisation): string {
  const cached = summaryCache.get(user);
  if (cached && cached.organisation === organisation) return cached.text;
  const text = permissionGroups(user, organisation)
    .map((group) => `${group.eserviceName}: ${group.permissions.map((p) => p.name).join(', ')}`)
    .join('; ');
  summaryCache.set(user, { organisation, text });
  return text;
}

/** An ISO timestamp as a Swedish calendar date (YYYY-MM-DD) in local time, or '' for none. */
export function formatDate(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** An ISO timestamp as date and time (YYYY-MM-DD HH:MM) in local time. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatDate(iso)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export interface LastLoginTexts {
  never: string;
  inactive: string;
}

/** The last-login cell as text: the date (or "never"), followed by the inactive flag. */
export function lastLoginText(user: User, texts: LastLoginTexts): string {
  const date = user.lastLoginAt ? formatDate(user.lastLoginAt) : texts.never;
  return user.inactive ? `${date} (${texts.inactive})` : date;
}

export function fullName(user: Pick<User, 'givenName' | 'surname'>): string {
  return `${user.givenName} ${user.surname}`;
}

/**
 * Spreadsheet programs run a cell that starts with = + - @ (or a tab/CR) as a formula; names are
 * free text, so every exported cell is defused with a leading apostrophe (OWASP's advice).
 */
export function defuseCsvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
