import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { NewUser, Organisation, User } from '../../../common/api/schemas';
import { errorMessageKey } from '../i18n/error-message';
import type { AdministrationStore } from './administration-store';
import { changedFields, formErrorsFromAppError, type UserFormValues } from './form-errors';
import { ModalDialog } from './modal-dialog';
import { PermissionsEditor } from './permissions-editor';
import { UserFormDialog, type UserFormOutcome } from './user-form-dialog';
import { formatDate, fullName, permissionGroups } from './user-format';

export interface UserViewProps {
  userId: string;
  organisation: Organisation;
  store: AdministrationStore;
  /** Shown on arrival (e.g. "added; now add permissions"). */
  initialMessage?: string | null;
  onBack(): void;
  onDeleted(name: string): void;
  onShowHistory(userId: string): void;
}

type Message = { kind: 'status' | 'error'; text: string };

function formValues(user: User): UserFormValues {
  return { givenName: user.givenName, surname: user.surname, hsaId: user.hsaId, email: user.email };
}

/**
 * The user's view (manual 4.5–4.7): details, "Aktuella behörigheter", "Ändra och lägg till
 * behörigheter", "Ändra användaruppgifter", "Ta bort användare", "Tillbaka till användare".
 * Opening it fetches the user again, so another administrator's change is seen at once.
 */
export function UserView({
  userId,
  organisation,
  store,
  initialMessage = null,
  onBack,
  onDeleted,
  onShowHistory,
}: UserViewProps) {
  const { t } = useTranslation();
  const ids = useId();
  const user = useStore(store, (s) => s.users.find((u) => u.id === userId));
  const headingRef = useRef<HTMLHeadingElement>(null);
  const currentRef = useRef<HTMLHeadingElement>(null);
  const [mode, setMode] = useState<'view' | 'permissions'>('view');
  const [dialog, setDialog] = useState<'edit' | 'delete' | null>(null);
  const [message, setMessage] = useState<Message | null>(initialMessage ? { kind: 'status', text: initialMessage } : null);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    headingRef.current?.focus();
    void store.getState().refreshUser(userId);
  }, [store, userId]);

  if (!user) {
    return (
      <section className="admin-user" aria-labelledby={`${ids}-heading`}>
        <button type="button" className="admin-button" onClick={onBack}>
          {t('admin.user.back')}
        </button>
        <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1}>
          {t('admin.users.title')}
        </h2>
        <p role="alert" className="admin-alert admin-alert--error">
          {t('admin.user.gone')}
        </p>
      </section>
    );
  }

  const groups = permissionGroups(user, organisation);
  const name = fullName(user);

  const saveDetails = async (next: NewUser): Promise<UserFormOutcome> => {
    const current = store.getState().users.find((u) => u.id === userId);
    if (!current) return { ok: false, fields: {}, message: t('admin.user.gone') };
    const patch = changedFields(formValues(current), next);
    if (Object.keys(patch).length === 0) {
      setDialog(null);
      return { ok: true };
    }
    const outcome = await store.getState().updateUser(userId, patch);
    if (outcome.ok) {
      setDialog(null);
      setMessage({ kind: 'status', text: t('admin.user.saved') });
      return { ok: true };
    }
    if (outcome.error.code === 'version-conflict' && outcome.fresh) {
      return { ok: false, fields: {}, message: t('admin.editUser.conflict'), values: formValues(outcome.fresh) };
    }
    if (outcome.fresh === null) return { ok: false, fields: {}, message: t('admin.user.gone') };
    const { fields, message: text } = formErrorsFromAppError(outcome.error, t);
    return { ok: false, fields, message: text };
  };

  const confirmDelete = async () => {
    if (deleting) return;
    setDeleting(true);
    const outcome = await store.getState().deleteUser(userId);
    setDeleting(false);
    if (outcome.ok) {
      setDialog(null);
      onDeleted(name);
      return;
    }
    setDialog(null);
    if (outcome.error.code === 'version-conflict') setMessage({ kind: 'error', text: t('admin.delete.conflict') });
    else if (outcome.fresh !== null) setMessage({ kind: 'error', text: t(errorMessageKey(outcome.error.code)) });
  };

  return (
    <section className="admin-user" aria-labelledby={`${ids}-heading`}>
      <button type="button" className="admin-button" onClick={onBack}>
        <span aria-hidden="true">← </span>
        {t('admin.user.back')}
      </button>
      <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1}>
        {name}
      </h2>
      <div aria-live="polite" aria-atomic="true" className="admin-user__messages">
        {message?.kind === 'status' && <p className="admin-alert admin-alert--ok">{message.text}</p>}
      </div>
      {message?.kind === 'error' && (
        <p role="alert" className="admin-alert admin-alert--error">
          {message.text}
        </p>
      )}

      {mode === 'permissions' ? (
        <PermissionsEditor
          user={user}
          organisation={organisation}
          store={store}
          onDone={(text) => {
            setMode('view');
            if (text) setMessage({ kind: 'status', text });
            requestAnimationFrame(() => currentRef.current?.focus());
          }}
        />
      ) : (
        <div className="admin-user__layout">
          <div className="admin-user__side">
            <button type="button" className="admin-button admin-button--primary" onClick={() => setMode('permissions')}>
              {t('admin.user.editPermissions')}
            </button>
            <button type="button" className="admin-button" onClick={() => onShowHistory(userId)}>
              {t('admin.user.history')}
            </button>
          </div>
          <div className="admin-user__main">
            <section aria-labelledby={`${ids}-current`}>
              <h3 id={`${ids}-current`} ref={currentRef} tabIndex={-1}>
                {t('admin.user.current')}
              </h3>
              {groups.length === 0 ? (
                <p>{t('admin.user.none')}</p>
              ) : (
                groups.map((g) => (
                  <div key={g.eserviceId} className="admin-permission-group">
                    <h4>{g.eserviceName}</h4>
                    <ul>
                      {g.permissions.map((p) => (
                        <li key={p.id}>
                          {p.name}
                          {p.endsOn && <span className="admin-muted"> {t('admin.user.endsOn', { date: p.endsOn })}</span>}
                        </li>
                      ))}
                    </ul>
                  </div>
                ))
              )}
            </section>
            <section aria-labelledby={`${ids}-details`}>
              <div className="admin-user__details-head">
                <h3 id={`${ids}-details`}>{t('admin.user.details')}</h3>
                <button type="button" className="admin-button" onClick={() => setDialog('edit')}>
                  {t('admin.user.editDetails')}
                </button>
              </div>
              <dl className="admin-details">
                <dt>{t('admin.fields.givenName')}</dt>
                <dd>{user.givenName}</dd>
                <dt>{t('admin.fields.surname')}</dt>
                <dd>{user.surname}</dd>
                <dt>{t('admin.fields.hsaId')}</dt>
                <dd>{user.hsaId}</dd>
                <dt>{t('admin.fields.email')}</dt>
                <dd>{user.email}</dd>
                <dt>{t('admin.user.lastLogin')}</dt>
                <dd>
                  {user.lastLoginAt ? formatDate(user.lastLoginAt) : t('admin.users.neverLoggedIn')}
                  {user.inactive && (
                    <span className="admin-badge admin-badge--inactive">
                      {t('admin.users.inactive')} <span className="admin-visually-hidden">— {t('admin.users.inactiveHint')}</span>
                    </span>
                  )}
                </dd>
              </dl>
            </section>
          </div>
          <div className="admin-user__danger">
            <button type="button" className="admin-button admin-button--danger" onClick={() => setDialog('delete')}>
              {t('admin.user.delete')}
            </button>
          </div>
        </div>
      )}

      {dialog === 'edit' && (
        <UserFormDialog
          title={t('admin.editUser.title')}
          intro={t('admin.editUser.intro')}
          initial={formValues(user)}
          onSubmit={saveDetails}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'delete' && (
        <ModalDialog
          title={t('admin.delete.title')}
          onClose={() => setDialog(null)}
          describedBy={`${ids}-confirm`}
          role="alertdialog"
        >
          <p id={`${ids}-confirm`}>{t('admin.delete.confirm', { name, hsaId: user.hsaId })}</p>
          <div className="admin-form__actions">
            <button
              type="button"
              className="admin-button admin-button--danger"
              aria-disabled={deleting}
              onClick={() => void confirmDelete()}
            >
              {t('admin.delete.ok')}
            </button>
            {/* The safe choice has focus: Enter alone never deletes. */}
            <button type="button" className="admin-button" data-autofocus="" onClick={() => setDialog(null)}>
              {t('admin.common.cancel')}
            </button>
          </div>
        </ModalDialog>
      )}
    </section>
  );
}
