import type { AuditEntry, Organisation, User } from '../../../common/api/schemas';
import type { Translate } from './user-columns';
import { formatDateTime } from './user-format';

/** One row of "Ändringslogg", as text: when, who, what, whom, and what changed. */
export interface AuditLine {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  changes: string[];
}

type Snapshot = Partial<Record<'id' | 'hsaId' | 'givenName' | 'surname' | 'email', string>>;
type PermissionSnapshot = { eserviceId?: string; permissions?: string[]; endDates?: Record<string, string>; endsOn?: string };

function asObject<T>(value: unknown): T | null {
  return value !== null && typeof value === 'object' ? (value as T) : null;
}

function personText(p: Snapshot | null | undefined): string | null {
  if (!p) return null;
  const name = [p.givenName, p.surname].filter(Boolean).join(' ');
  if (name && p.hsaId) return `${name} (${p.hsaId})`;
  return name || p.hsaId || null;
}

const FIELDS = ['givenName', 'surname', 'hsaId', 'email'] as const;

export interface AuditContext {
  t: Translate;
  organisation: Organisation | null;
  /** Users still in the list, by id, to name the target of a permission change. */
  userById: (id: string) => User | undefined;
  /** The logged-in administrator, so their own changes read as their name. */
  self?: { hsaId: string; name: string } | null;
}

/** Turns an audit entry into readable Swedish (or English) text; unknown shapes degrade to ids. */
export function describeAuditEntry(entry: AuditEntry, { t, organisation, userById, self }: AuditContext): AuditLine {
  const before = asObject<Snapshot & PermissionSnapshot>(entry.before);
  const after = asObject<Snapshot & PermissionSnapshot>(entry.after);
  const known = userById(entry.targetId);
  const target = personText(after) ?? personText(before) ?? (known ? personText(known) : null) ?? entry.targetId;

  let actor = entry.actor;
  if (entry.actor === 'agency') actor = t('admin.audit.agency');
  else if (entry.actor === 'system') actor = t('admin.audit.system');
  else if (self && entry.actor === self.hsaId) actor = `${self.name} (${entry.actor})`;

  const changes: string[] = [];
  if (entry.action === 'user.updated' && before && after) {
    for (const field of FIELDS) {
      if (before[field] !== after[field]) {
        changes.push(`${t(`admin.fields.${field}`)}: ${before[field] ?? ''} → ${after[field] ?? ''}`);
      }
    }
  } else if (entry.action === 'user.permissions-changed') {
    const eserviceId = after?.eserviceId ?? before?.eserviceId ?? '';
    const eservice = organisation?.eservices.find((e) => e.id === eserviceId);
    const name = (id: string) => eservice?.permissions.find((p) => p.id === id)?.name ?? id;
    const was = new Set(before?.permissions ?? []);
    const now = new Set(after?.permissions ?? []);
    const added = [...now].filter((id) => !was.has(id)).map(name);
    const removed = [...was].filter((id) => !now.has(id)).map(name);
    const prefix = eservice?.name ?? eserviceId;
    if (added.length) changes.push(`${prefix}: ${t('admin.audit.added')} ${added.join(', ')}`);
    if (removed.length) changes.push(`${prefix}: ${t('admin.audit.removed')} ${removed.join(', ')}`);
    const endsWas = before?.endDates ?? {};
    const endsNow = after?.endDates ?? {};
    const endChanges = [...now]
      .filter((id) => (endsWas[id] ?? '') !== (endsNow[id] ?? '') && (endsNow[id] || was.has(id)))
      .map((id) => `${name(id)} ${endsNow[id] ? t('admin.audit.endsOn', { date: endsNow[id] }) : t('admin.audit.noEnd')}`);
    if (endChanges.length) changes.push(`${prefix}: ${endChanges.join(', ')}`);
    if (!added.length && !removed.length && !endChanges.length) changes.push(`${prefix}: ${t('admin.audit.unchanged')}`);
  } else if (entry.action === 'user.permission-ended') {
    const eserviceId = before?.eserviceId ?? '';
    const eservice = organisation?.eservices.find((e) => e.id === eserviceId);
    const name = (id: string) => eservice?.permissions.find((p) => p.id === id)?.name ?? id;
    const ended = (before?.permissions ?? []).map(name).join(', ');
    changes.push(`${eservice?.name ?? eserviceId}: ${t('admin.audit.ended', { permission: ended, date: before?.endsOn ?? '' })}`);
  } else if (entry.action === 'user.created' && after?.email) {
    changes.push(`${t('admin.fields.email')}: ${after.email}`);
  }

  return {
    id: entry.id,
    at: formatDateTime(entry.at),
    actor,
    action: t(`admin.audit.actions.${entry.action}`),
    target,
    changes,
  };
}
