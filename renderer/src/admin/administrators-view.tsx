import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdministratorEntry, AdministratorList, AdministratorRole, NewUser } from '../../../common/api/schemas';
import type { AppError, Result } from '../../../common/errors/error-codes';
import { errorMessageKey } from '../i18n/error-message';
import type { AdministrationApi } from './administration-api';
import { EMPTY_USER_FORM, formErrorsFromAppError } from './form-errors';
import { ModalDialog } from './modal-dialog';
import { UserFormDialog, type UserFormOutcome } from './user-form-dialog';
import { formatDate, fullName } from './user-format';

export interface AdministratorsViewProps {
  api: Pick<AdministrationApi, 'listAdministrators' | 'appointAdministrator' | 'removeAdministrator'>;
  /** The logged-in person's role: only the authorised orderer appoints and removes. */
  role: AdministratorRole;
  /** The organisation has ended: nothing new can be given. */
  ended: boolean;
}

type Message = { kind: 'status' | 'error'; text: string };

/**
 * "Administratörer" (source 004): who the organisation's authorised orderer and administrators are,
 * for everyone logged in; the authorised orderer appoints and removes administrators here, and the
 * rules' refusals (the last administrator stays, one role per person) are said in Swedish.
 */
export function AdministratorsView({ api, role, ended }: AdministratorsViewProps) {
  const { t } = useTranslation();
  const ids = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [list, setList] = useState<AdministratorEntry[] | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [appointing, setAppointing] = useState(false);
  const [removing, setRemoving] = useState<AdministratorEntry | null>(null);
  const [busy, setBusy] = useState(false);
  const orderer = role === 'authorised-orderer';

  const show = useCallback((result: Result<AdministratorList>) => {
    if (result.ok) {
      setList(result.value.administrators);
      setLoadError(null);
    } else setLoadError(result.error);
  }, []);
  const load = async () => show(await api.listAdministrators());

  useEffect(() => {
    headingRef.current?.focus();
    let live = true;
    void api.listAdministrators().then((result) => {
      if (live) show(result);
    });
    return () => {
      live = false;
    };
  }, [api, show]);

  const appoint = async (person: NewUser): Promise<UserFormOutcome> => {
    const result = await api.appointAdministrator({ person });
    if (!result.ok) return { ok: false, ...formErrorsFromAppError(result.error, t) };
    setAppointing(false);
    setMessage({ kind: 'status', text: t('admin.administrators.appointed', { name: fullName(result.value) }) });
    await load();
    return { ok: true };
  };

  const remove = async () => {
    if (!removing || busy) return;
    setBusy(true);
    const result = await api.removeAdministrator({ hsaId: removing.hsaId });
    setBusy(false);
    const name = fullName(removing);
    setRemoving(null);
    if (result.ok) setMessage({ kind: 'status', text: t('admin.administrators.removed', { name }) });
    else setMessage({ kind: 'error', text: t(errorMessageKey(result.error.code)) });
    await load();
  };

  const roleText = (r: AdministratorRole) => t(`admin.administrators.roles.${r}`);

  return (
    <section className="admin-administrators" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1}>
        {t('admin.administrators.title')}
      </h2>
      <p>{t(orderer ? 'admin.administrators.introOrderer' : 'admin.administrators.intro')}</p>
      <p
        className={message ? `admin-alert admin-alert--${message.kind === 'error' ? 'error' : 'ok'}` : 'admin-visually-hidden'}
        role={message?.kind === 'error' ? 'alert' : 'status'}
        aria-live="polite"
      >
        {message?.text ?? ''}
      </p>
      {orderer && (
        <button
          type="button"
          className="admin-button admin-button--primary"
          aria-disabled={ended}
          onClick={() => (ended ? setMessage({ kind: 'error', text: t('errors.organisation-ended') }) : setAppointing(true))}
        >
          {t('admin.administrators.appoint')}
        </button>
      )}
      {loadError && (
        <p role="alert" className="admin-alert admin-alert--error">
          {t(errorMessageKey(loadError.code))}
        </p>
      )}
      {list === null && !loadError && <p role="status">{t('admin.administrators.loading')}</p>}
      {list && (
        <table className="admin-table" data-testid="administrators-table">
          <caption className="admin-visually-hidden">{t('admin.administrators.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.administrators.columns.name')}</th>
              <th scope="col">{t('admin.fields.hsaId')}</th>
              <th scope="col">{t('admin.fields.email')}</th>
              <th scope="col">{t('admin.administrators.columns.role')}</th>
              <th scope="col">{t('admin.users.columns.lastLogin')}</th>
              {orderer && (
                <th scope="col">
                  <span className="admin-visually-hidden">{t('admin.administrators.columns.actions')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {list.map((a) => (
              <tr key={a.hsaId} data-hsa-id={a.hsaId}>
                <td>{fullName(a)}</td>
                <td>{a.hsaId}</td>
                <td>{a.email}</td>
                <td>{roleText(a.role)}</td>
                <td>{a.lastLoginAt ? formatDate(a.lastLoginAt) : t('admin.users.neverLoggedIn')}</td>
                {orderer && (
                  <td>
                    {a.role === 'administrator' && (
                      <button
                        type="button"
                        className="admin-button"
                        aria-label={t('admin.administrators.removeNamed', { name: fullName(a) })}
                        onClick={() => setRemoving(a)}
                      >
                        {t('admin.administrators.remove')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {appointing && (
        <UserFormDialog
          title={t('admin.administrators.appointTitle')}
          intro={t('admin.administrators.appointIntro')}
          initial={EMPTY_USER_FORM}
          onSubmit={appoint}
          onClose={() => setAppointing(false)}
        />
      )}
      {removing && (
        <ModalDialog
          title={t('admin.administrators.removeTitle')}
          onClose={() => setRemoving(null)}
          describedBy={`${ids}-confirm`}
          role="alertdialog"
        >
          <p id={`${ids}-confirm`}>
            {t('admin.administrators.removeConfirm', { name: fullName(removing), hsaId: removing.hsaId })}
          </p>
          <div className="admin-form__actions">
            <button
              type="button"
              className="admin-button admin-button--danger"
              aria-disabled={busy}
              onClick={() => void remove()}
            >
              {t('admin.delete.ok')}
            </button>
            <button type="button" className="admin-button" data-autofocus="" onClick={() => setRemoving(null)}>
              {t('admin.common.cancel')}
            </button>
          </div>
        </ModalDialog>
      )}
    </section>
  );
}
