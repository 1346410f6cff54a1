import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app';
import { createI18n } from './i18n/i18n';
import { resolveAppApi } from './platform/app-api';
import { createAppInfoStore } from './stores/app-info-store';
import { createCardStore } from './stores/card-store';
import { createSettingsStore } from './settings/settings-store';
import { createSessionStore } from './stores/session-store';
import './styles.css';

async function boot(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  const i18n = await createI18n('sv');
  const api = resolveAppApi();
  if (!api) {
    root.render(<p role="alert">{i18n.t('app.noApi')}</p>);
    return;
  }
  // The configured language (user settings or policy) applies from the first paint.
  const settingsStore = createSettingsStore(api);
  await settingsStore.getState().load();
  const language = settingsStore.getState().report?.entries.find((entry) => entry.key === 'language')?.value;
  if (language === 'en') await i18n.changeLanguage('en');
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App
          api={api}
          appInfoStore={createAppInfoStore(api)}
          cardStore={createCardStore(api)}
          sessionStore={createSessionStore(api)}
          settingsStore={settingsStore}
        />
      </I18nextProvider>
    </StrictMode>,
  );
}

void boot();
