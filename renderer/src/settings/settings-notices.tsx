import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { ConfigIssue } from '../../../common/settings/settings';
import { configIssuePlace, configIssueText } from '../i18n/catalogue';
import type { SettingsState } from './settings-store';

/** The configuration's problems: file, key and what is wrong (main sends the problem's code and values). */
export function ConfigIssueList({ issues }: { issues: readonly ConfigIssue[] }) {
  const { t } = useTranslation();
  return (
    <div className="settings-issues" role="alert" data-testid="config-issues">
      <h2 className="settings-issues__title">{t('settings.issues.title')}</h2>
      <p>{t('settings.issues.intro')}</p>
      <ul>
        {issues.map((problem, index) => (
          <li key={index}>
            <code>{t('settings.issues.where', { file: configIssuePlace(t, problem) })}</code>
            {problem.key && <span> — {t('settings.issues.key', { key: problem.key })}</span>}
            <br />
            {configIssueText(t, problem)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Banners on every view: demo mode, and a configuration the program could not use as written. */
export function SettingsNotices({
  store,
  demoMode,
  onOpen,
}: {
  store: StoreApi<SettingsState>;
  demoMode: boolean;
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  const issues = useStore(store, (state) => state.report?.issues ?? []);
  return (
    <>
      {demoMode && (
        <p className="app-banner settings-banner--demo" role="note" data-testid="demo-banner">
          {t('settings.demo', { pin: '123456' })}
        </p>
      )}
      {issues.length > 0 && (
        <div className="app-banner settings-banner--issues">
          <ConfigIssueList issues={issues} />
          <button type="button" onClick={onOpen}>
            {t('settings.issues.open')}
          </button>
        </div>
      )}
    </>
  );
}
