import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { SettingEntry, SettingKey } from '../../../common/settings/settings';
import { errorMessageKey } from '../i18n/error-message';
import { ConfigIssueList } from './settings-notices';
import { textToValue, valueToText, type SettingsState } from './settings-store';
import './settings.css';

const CHOICES: Partial<Record<SettingKey, readonly string[]>> = {
  cardRemoval: ['logout', 'lock'],
  logLevel: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'],
  language: ['sv', 'en'],
};
const LISTS: readonly SettingKey[] = ['pkcs11Modules', 'trustAnchors', 'extraCaCertificates', 'ignoredReaders'];

export interface SettingsViewProps {
  store: StoreApi<SettingsState>;
  onClose: () => void;
  /** The user chose another language: the window follows at once. */
  onLanguage?: (language: string) => void;
}

function useValueText() {
  const { t } = useTranslation();
  return (entry: SettingEntry): string => {
    if (typeof entry.value === 'boolean') return entry.value ? t('settings.on') : t('settings.off');
    if (entry.value === null || (Array.isArray(entry.value) && entry.value.length === 0)) return t('settings.none');
    if (typeof entry.value === 'string' && ['logout', 'lock', 'system', 'direct', 'sv', 'en'].includes(entry.value)) {
      return t(`settings.values.${entry.value}`);
    }
    return Array.isArray(entry.value) ? entry.value.join(', ') : String(entry.value);
  };
}

function SettingRow({
  entry,
  store,
  onLanguage,
}: {
  entry: SettingEntry;
  store: StoreApi<SettingsState>;
  onLanguage?: (language: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const shown = useValueText();
  const [text, setText] = useState(valueToText(entry.value));
  const lastSave = useStore(store, (state) => state.lastSave);
  const choices = CHOICES[entry.key];
  const disabled = !entry.editable;
  const save = async () => {
    const value = textToValue(entry.key, text);
    if ((await store.getState().save(entry.key, value)) && entry.key === 'language' && typeof value === 'string')
      onLanguage?.(value);
  };
  const label = t(`settings.keys.${entry.key}`);
  const status = lastSave?.key === entry.key ? lastSave : null;
  return (
    <tr data-testid={`setting-${entry.key}`} data-source={entry.source} data-locked={String(entry.locked)}>
      <th scope="row">
        <label htmlFor={id}>{label}</label>
      </th>
      <td>
        {entry.key === 'crashReporting' ? (
          <output id={id}>{shown(entry)}</output>
        ) : choices ? (
          <select id={id} value={text} disabled={disabled} onChange={(event) => setText(event.target.value)}>
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                {['logout', 'lock', 'sv', 'en'].includes(choice) ? t(`settings.values.${choice}`) : choice}
              </option>
            ))}
          </select>
        ) : LISTS.includes(entry.key) ? (
          <textarea
            id={id}
            value={text}
            readOnly={disabled}
            aria-readonly={disabled}
            rows={Math.max(2, text.split('\n').length)}
            onChange={(event) => setText(event.target.value)}
          />
        ) : (
          <input
            id={id}
            type="text"
            value={text}
            readOnly={disabled}
            aria-readonly={disabled}
            onChange={(event) => setText(event.target.value)}
          />
        )}
        {status && (
          <p role="status" className={status.ok ? 'settings__saved' : 'settings__failed'}>
            {status.ok ? t('settings.saved') : t('settings.saveFailed', { reason: t(errorMessageKey(status.error.code)) })}
          </p>
        )}
      </td>
      <td>
        <span className="settings__source">{t(`settings.source.${entry.source}`)}</span>
        {entry.locked && (
          <span className="settings__locked" data-testid="locked">
            <span aria-hidden="true">🔒 </span>
            {t('settings.locked')}
          </span>
        )}
        {!entry.locked && !entry.editable && <span className="settings__locked">{t('settings.policyOnly')}</span>}
      </td>
      <td>
        {entry.editable && (
          <span className="settings__actions">
            <button type="button" onClick={() => void save()} aria-label={`${t('settings.save')}: ${label}`}>
              {t('settings.save')}
            </button>
            {entry.source === 'user' && (
              <button
                type="button"
                onClick={() => void store.getState().save(entry.key, null)}
                aria-label={`${t('settings.reset')}: ${label}`}
              >
                {t('settings.reset')}
              </button>
            )}
          </span>
        )}
      </td>
    </tr>
  );
}

/** Every setting with its value and source; policy-locked ones read-only, the user's own editable. */
export function SettingsView({ store, onClose, onLanguage }: SettingsViewProps) {
  const { t } = useTranslation();
  const report = useStore(store, (state) => state.report);
  const loadError = useStore(store, (state) => state.loadError);
  useEffect(() => {
    void store.getState().load();
  }, [store]);
  return (
    <section className="settings" aria-labelledby="settings-title">
      <div className="settings__head">
        <h2 id="settings-title">{t('settings.title')}</h2>
        <button type="button" onClick={onClose}>
          {t('settings.close')}
        </button>
      </div>
      {loadError && <p role="alert">{t(errorMessageKey(loadError.code))}</p>}
      {report && (
        <>
          <p>{t('settings.intro', { userFile: report.userFile })}</p>
          <p>{t('settings.policyLocation', { location: report.policyLocation })}</p>
          {report.issues.length > 0 && <ConfigIssueList issues={report.issues} />}
          <table className="settings__table">
            <thead>
              <tr>
                <th scope="col">{t('settings.columns.setting')}</th>
                <th scope="col">{t('settings.columns.value')}</th>
                <th scope="col">{t('settings.columns.source')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('settings.save')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {report.entries.map((entry) => (
                // Keyed by value too: a saved value starts the editor afresh.
                <SettingRow
                  key={`${entry.key}:${JSON.stringify(entry.value)}:${entry.source}`}
                  entry={entry}
                  store={store}
                  onLanguage={onLanguage}
                />
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
