import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { addDays, swedishDate } from '../../../common/api/permission-end';
import type { Organisation, User } from '../../../common/api/schemas';
import { errorMessageKey } from '../i18n/error-message';
import type { AdministrationStore } from './administration-store';
import { fullName } from './user-format';

export interface PermissionsEditorProps {
  user: User;
  organisation: Organisation;
  store: AdministrationStore;
  /** Back to the user's view; with the message to announce there (null: cancelled). */
  onDone(message: string | null): void;
}

/**
 * "Ändra och lägg till behörigheter" (manual 4.5): choose one of the organisation's e-services,
 * tick its permissions, "Klar". The user is told that the change is mailed to the user. A ticked
 * permission may get an end date (source 003, "tillfällig behörighet"): it then ends by itself.
 */
export function PermissionsEditor({ user, organisation, store, onDone }: PermissionsEditorProps) {
  const { t } = useTranslation();
  const ids = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const fieldsetRef = useRef<HTMLFieldSetElement>(null);
  const [eserviceId, setEserviceId] = useState<string | null>(
    organisation.eservices.length === 1 ? organisation.eservices[0]!.id : null,
  );
  const [ticked, setTicked] = useState<Set<string>>(() => new Set(eserviceId ? (user.permissions[eserviceId] ?? []) : []));
  const [ends, setEnds] = useState<Record<string, string>>(() => (eserviceId ? { ...user.endDates?.[eserviceId] } : {}));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => headingRef.current?.focus(), []);

  const eservice = organisation.eservices.find((e) => e.id === eserviceId) ?? null;

  const choose = (id: string) => {
    setEserviceId(id);
    setTicked(new Set(user.permissions[id] ?? []));
    setEnds({ ...user.endDates?.[id] });
    setError(null);
    // Move on to the permissions just shown, as the manual's next step.
    requestAnimationFrame(() => fieldsetRef.current?.querySelector('input')?.focus());
  };

  const toggle = (id: string, on: boolean) =>
    setTicked((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const setEnd = (id: string, date: string) =>
    setEnds((current) => {
      const next = { ...current };
      if (date) next[id] = date;
      else delete next[id];
      return next;
    });

  const today = swedishDate(new Date());

  const done = async () => {
    if (!eservice || saving) return;
    const before = new Set(user.permissions[eservice.id] ?? []);
    const permissions = eservice.permissions.map((p) => p.id).filter((id) => ticked.has(id));
    const endDates = Object.fromEntries(permissions.filter((id) => ends[id]).map((id) => [id, ends[id]!]));
    const bad = eservice.permissions.find((p) => endDates[p.id] !== undefined && endDates[p.id]! <= today);
    if (bad) {
      setError(t('admin.permissions.endDateInvalid', { permission: bad.name }));
      return;
    }
    const endsBefore = user.endDates?.[eservice.id] ?? {};
    const sameEnds =
      Object.keys(endDates).length === Object.keys(endsBefore).length &&
      Object.entries(endDates).every(([id, d]) => endsBefore[id] === d);
    if (permissions.length === before.size && permissions.every((id) => before.has(id)) && sameEnds) {
      onDone(t('admin.permissions.unchanged'));
      return;
    }
    setSaving(true);
    setError(null);
    const outcome = await store.getState().setPermissions(user.id, eservice.id, permissions, endDates);
    setSaving(false);
    if (outcome.ok) {
      onDone(t('admin.permissions.saved', { name: fullName(outcome.user) }));
      return;
    }
    if (outcome.error.code === 'version-conflict' && outcome.fresh) {
      setTicked(new Set(outcome.fresh.permissions[eservice.id] ?? []));
      setEnds({ ...outcome.fresh.endDates?.[eservice.id] });
      setError(t('admin.permissions.conflict'));
    } else if (outcome.error.code === 'not-found' || outcome.fresh === null) {
      setError(t('admin.user.gone'));
    } else {
      setError(t(errorMessageKey(outcome.error.code)));
    }
  };

  return (
    <section className="admin-permissions" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`} ref={headingRef} tabIndex={-1}>
        {t('admin.permissions.title')}
      </h3>
      <div role="group" aria-labelledby={`${ids}-choose`} className="admin-eservice-choice">
        <p id={`${ids}-choose`} className="admin-label">
          {t('admin.permissions.chooseEservice')}
        </p>
        {organisation.eservices.map((e) => (
          <button
            key={e.id}
            type="button"
            className="admin-button admin-button--choice"
            aria-pressed={e.id === eserviceId}
            onClick={() => choose(e.id)}
          >
            {e.name}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" className="admin-alert admin-alert--error">
          {error}
        </p>
      )}
      {eservice && (
        <fieldset ref={fieldsetRef} className="admin-checkboxes">
          <legend>{t('admin.permissions.legend', { eservice: eservice.name })}</legend>
          <p className="admin-notice" id={`${ids}-end-hint`}>
            {t('admin.permissions.endDateHint')}
          </p>
          {eservice.permissions.map((p) => (
            <div key={p.id} className="admin-permission-row">
              <label className="admin-checkbox">
                <input type="checkbox" checked={ticked.has(p.id)} onChange={(e) => toggle(p.id, e.target.checked)} />
                <span id={`${ids}-name-${p.id}`}>{p.name}</span>
              </label>
              {ticked.has(p.id) && (
                <span className="admin-permission-end">
                  <label htmlFor={`${ids}-end-${p.id}`}>{t('admin.permissions.endDate')}</label>
                  <input
                    id={`${ids}-end-${p.id}`}
                    type="date"
                    min={addDays(today, 1)}
                    value={ends[p.id] ?? ''}
                    aria-describedby={`${ids}-name-${p.id} ${ids}-end-hint`}
                    onChange={(e) => setEnd(p.id, e.target.value)}
                  />
                  {ends[p.id] && (
                    <button
                      type="button"
                      className="admin-button"
                      aria-describedby={`${ids}-name-${p.id}`}
                      onClick={() => setEnd(p.id, '')}
                    >
                      {t('admin.permissions.removeEnd')}
                    </button>
                  )}
                </span>
              )}
            </div>
          ))}
        </fieldset>
      )}
      <p className="admin-notice" id={`${ids}-notify`}>
        {t('admin.permissions.notify')}
      </p>
      <div className="admin-form__actions">
        <button
          type="button"
          className="admin-button admin-button--primary"
          aria-describedby={`${ids}-notify`}
          aria-disabled={!eservice || saving}
          onClick={() => void done()}
        >
          {t('admin.permissions.done')}
        </button>
        <button type="button" className="admin-button" onClick={() => onDone(null)}>
          {t('admin.common.cancel')}
        </button>
      </div>
    </section>
  );
}
