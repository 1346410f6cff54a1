import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { AdministratorRole, NewUser, OrganisationChoice, User } from '../../../common/api/schemas';
import { errorMessageKey } from '../i18n/error-message';
import type { AdministrationApi } from './administration-api';
import { createAdministrationStore } from './administration-store';
import { createAuditStore } from './audit-store';
import { AdministratorsView } from './administrators-view';
import { AuditView } from './audit-view';
import { EMPTY_USER_FORM, formErrorsFromAppError } from './form-errors';
import { forgetOnLogout } from './session-binding';
import { UserFormDialog, type UserFormOutcome } from './user-form-dialog';
import { fullName } from './user-format';
import { FIRST_PAGE_REQUEST, UserListView, type UserListHandle } from './user-list-view';
import { UserView } from './user-view';
import './admin.css';

export type { AdministrationApi } from './administration-api';
export { GridWarmUp } from './grid-warm-up';

const NO_USERS: User[] = [];

type Route =
  | { view: 'users' }
  | { view: 'user'; id: string; message: string | null }
  | { view: 'audit'; userId: string | null }
  | { view: 'administrators' };

/**
 * Everything an administrator does after login (manual section 4), under the app's header.
 * Its stores live as long as this view and are emptied the moment the session ends.
 */
export function AdministrationView({
  api,
  role = 'administrator',
  organisations = [],
}: {
  api: AdministrationApi;
  role?: AdministratorRole;
  /** Every organisation the person holds a role in (the list can show all of them). */
  organisations?: readonly OrganisationChoice[];
}) {
  const { t } = useTranslation();
  const [store] = useState(() => createAdministrationStore(api));
  const [auditStore] = useState(() => createAuditStore(api));
  // Each field on its own: a page the grid fetches changes the store's known users, and that must
  // not draw this view (and the list under it) again; only the audit view reads them.
  const status = useStore(store, (s) => s.status);
  const organisation = useStore(store, (s) => s.organisation);
  const error = useStore(store, (s) => s.error);
  const [route, setRoute] = useState<Route>({ view: 'users' });
  const users = useStore(store, (s) => (route.view === 'audit' ? s.users : NO_USERS));
  const [adding, setAdding] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const listRef = useRef<UserListHandle>(null);
  const lastOpened = useRef<string | null>(null);

  useEffect(() => {
    const unsubscribe = forgetOnLogout(api, [store, auditStore]);
    // The first page is asked along with the organisation, not after it.
    void store.getState().load(FIRST_PAGE_REQUEST);
    return () => {
      unsubscribe();
      store.getState().reset();
      auditStore.getState().reset();
    };
  }, [api, store, auditStore]);

  const openUser = useCallback((id: string) => {
    lastOpened.current = id;
    setAnnouncement('');
    setRoute({ view: 'user', id, message: null });
  }, []);

  const startAdding = useCallback(() => setAdding(true), []);

  const backToUsers = useCallback((focusId: string | null) => {
    setRoute({ view: 'users' });
    // After the list is shown again, focus returns to the row the user came from.
    requestAnimationFrame(() => listRef.current?.focusUser(focusId));
  }, []);

  const addUser = async (user: NewUser): Promise<UserFormOutcome> => {
    const outcome = await store.getState().createUser(user);
    if (!outcome.ok) return { ok: false, ...formErrorsFromAppError(outcome.error, t) };
    setAdding(false);
    lastOpened.current = outcome.user.id;
    setRoute({ view: 'user', id: outcome.user.id, message: t('admin.users.added', { name: fullName(outcome.user) }) });
    return { ok: true };
  };

  if (status === 'failed' && error) {
    return (
      <div className="admin">
        <p role="alert" className="admin-alert admin-alert--error">
          {t(errorMessageKey(error.code))}
        </p>
        <button type="button" className="admin-button" onClick={() => void store.getState().load()}>
          {t('admin.common.retry')}
        </button>
      </div>
    );
  }

  if (!organisation || status !== 'ready') {
    return (
      <div className="admin">
        <p role="status" aria-live="polite">
          {t('admin.users.loading')}
        </p>
      </div>
    );
  }

  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('admin.nav.label')}>
        <button
          type="button"
          className="admin-nav__item"
          aria-current={route.view === 'users' || route.view === 'user' ? 'page' : undefined}
          onClick={() => backToUsers(lastOpened.current)}
        >
          {t('admin.nav.users')}
        </button>
        <button
          type="button"
          className="admin-nav__item"
          aria-current={route.view === 'audit' ? 'page' : undefined}
          onClick={() => setRoute({ view: 'audit', userId: null })}
        >
          {t('admin.nav.audit')}
        </button>
        <button
          type="button"
          className="admin-nav__item"
          aria-current={route.view === 'administrators' ? 'page' : undefined}
          onClick={() => setRoute({ view: 'administrators' })}
        >
          {t('admin.nav.administrators')}
        </button>
      </nav>
      {/* One live region, always present so that screen readers announce what is put in it. */}
      <p
        className={route.view === 'users' && announcement ? 'admin-alert admin-alert--ok' : 'admin-visually-hidden'}
        role="status"
        aria-live="polite"
      >
        {announcement}
      </p>

      {/* The list stays mounted while a user is open, so its sort, filters and scroll survive. */}
      <UserListView
        ref={listRef}
        organisation={organisation}
        organisations={organisations}
        store={store}
        onOpenUser={openUser}
        onAddUser={startAdding}
        hidden={route.view !== 'users'}
      />

      {route.view === 'user' && (
        <UserView
          key={route.id}
          userId={route.id}
          organisation={organisation}
          store={store}
          initialMessage={route.message}
          onBack={() => backToUsers(route.id)}
          onDeleted={(name) => {
            setAnnouncement(t('admin.users.deleted', { name }));
            lastOpened.current = null;
            backToUsers(null);
          }}
          onShowHistory={(userId) => setRoute({ view: 'audit', userId })}
        />
      )}
      {route.view === 'audit' && (
        <AuditView
          store={auditStore}
          organisation={organisation}
          users={users}
          userId={route.userId}
          onShowAll={() => setRoute({ view: 'audit', userId: null })}
        />
      )}
      {route.view === 'administrators' && <AdministratorsView api={api} role={role} ended={organisation.ended} />}
      {adding && (
        <UserFormDialog
          title={t('admin.addUser.title')}
          intro={t('admin.addUser.intro')}
          initial={EMPTY_USER_FORM}
          onSubmit={addUser}
          onClose={() => setAdding(false)}
        />
      )}
    </div>
  );
}
