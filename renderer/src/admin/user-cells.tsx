import type { ICellRendererParams } from 'ag-grid-community';
import { useTranslation } from 'react-i18next';
import { swedishDate } from '../../../common/api/permission-end';
import type { Organisation, User } from '../../../common/api/schemas';
import { endingSoon, formatDate, permissionSummary } from './user-format';

/** What the grid's cells reach through the grid context. */
export interface UserGridContext {
  openUser(id: string): void;
  organisation: Organisation;
  /** Why the first name of another organisation's user opens nothing. */
  otherOrganisationHint?: string;
}

/** The first name as a button that opens the user's view (the manual: click the first name). */
export function FirstNameCell(params: ICellRendererParams<User>) {
  const user = params.data;
  if (!user) return null;
  const context = params.context as UserGridContext;
  // A user of another of the person's organisations (the list of several): read here, changed
  // after switching to that organisation.
  if (user.organisationId !== undefined && user.organisationId !== context.organisation.id) {
    return <span title={context.otherOrganisationHint}>{user.givenName}</span>;
  }
  return (
    <button
      type="button"
      className="admin-link-button"
      tabIndex={-1}
      data-user-id={user.id}
      onClick={() => context.openUser(user.id)}
    >
      {user.givenName}
    </button>
  );
}

/** The last login date, or "Aldrig inloggad", with the "Inaktiv" flag for 18 months without login. */
export function LastLoginCell(params: ICellRendererParams<User>) {
  const { t } = useTranslation();
  const user = params.data;
  if (!user) return null;
  return (
    <span className="admin-last-login">
      {user.lastLoginAt ? formatDate(user.lastLoginAt) : <span className="admin-muted">{t('admin.users.neverLoggedIn')}</span>}
      {user.inactive && (
        <span className="admin-badge admin-badge--inactive" title={t('admin.users.inactiveHint')}>
          {t('admin.users.inactive')}
        </span>
      )}
    </span>
  );
}

/** The permissions, with a flag for each one that ends within 14 days (source 003). */
export function PermissionsCell(params: ICellRendererParams<User>) {
  const { t } = useTranslation();
  const user = params.data;
  if (!user) return null;
  const { organisation } = params.context as UserGridContext;
  const ending = endingSoon(user, organisation, swedishDate(new Date()));
  return (
    <span className="admin-permissions-cell">
      {permissionSummary(user, organisation)}
      {ending.map((p) => (
        <span
          key={`${p.eserviceName}/${p.name}`}
          className="admin-badge admin-badge--ending"
          title={t('admin.users.endingHint', { eservice: p.eserviceName })}
        >
          {t('admin.users.ending', { permission: p.name, date: p.endsOn })}
        </span>
      ))}
    </span>
  );
}
