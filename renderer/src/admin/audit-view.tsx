import { useEffect, useId, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Organisation, User } from '../../../common/api/schemas';
import { errorMessageKey } from '../i18n/error-message';
import { describeAuditEntry } from './audit-format';
import type { AuditStore } from './audit-store';
import { fullName } from './user-format';

export interface AuditViewProps {
  store: AuditStore;
  organisation: Organisation;
  users: User[];
  /** Only this user's changes, or the whole organisation's (null). */
  userId: string | null;
  onShowAll(): void;
}

/** "Ändringslogg": who changed what and when, newest first, with older pages on request. */
export function AuditView({ store, organisation, users, userId, onShowAll }: AuditViewProps) {
  const { t } = useTranslation();
  const ids = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { entries, status, hasMore, error } = useStore(store);
  const userById = useMemo(() => {
    const map = new Map(users.map((u) => [u.id, u]));
    return (id: string) => map.get(id);
  }, [users]);

  useEffect(() => {
    void store.getState().load(userId);
    headingRef.current?.focus();
  }, [store, userId]);

  const subject = userId ? userById(userId) : undefined;
  const title = userId ? t('admin.audit.forUser', { name: subject ? fullName(subject) : userId }) : t('admin.audit.title');
  const lines = entries.map((e) => describeAuditEntry(e, { t, organisation, userById }));

  return (
    <section className="admin-audit" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <p>{t('admin.audit.intro')}</p>
      <div className="admin-toolbar">
        <button type="button" className="admin-button" onClick={() => void store.getState().load(userId)}>
          {t('admin.audit.refresh')}
        </button>
        {userId && (
          <button type="button" className="admin-button" onClick={onShowAll}>
            {t('admin.audit.showAll')}
          </button>
        )}
      </div>
      <p role="status" aria-live="polite" className="admin-muted">
        {status === 'loading' ? t('admin.audit.loading') : ''}
      </p>
      {error && (
        <p role="alert" className="admin-alert admin-alert--error">
          {t(errorMessageKey(error.code))}
        </p>
      )}
      {status !== 'loading' && !error && lines.length === 0 ? (
        <p>{t('admin.audit.empty')}</p>
      ) : (
        <table className="admin-table">
          <caption className="admin-visually-hidden">{t('admin.audit.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.audit.columns.at')}</th>
              <th scope="col">{t('admin.audit.columns.actor')}</th>
              <th scope="col">{t('admin.audit.columns.action')}</th>
              <th scope="col">{t('admin.audit.columns.target')}</th>
              <th scope="col">{t('admin.audit.columns.changes')}</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.id}>
                <td className="admin-nowrap">{line.at}</td>
                <td>{line.actor}</td>
                <td>{line.action}</td>
                <td>{line.target}</td>
                <td>
                  {line.changes.map((c, i) => (
                    <div key={i}>{c}</div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {hasMore && (
        <button type="button" className="admin-button" onClick={() => void store.getState().loadMore()}>
          {t('admin.audit.more')}
        </button>
      )}
    </section>
  );
}
