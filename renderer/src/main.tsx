import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app';
import { createI18n } from './i18n/i18n';
import { resolveAppApi } from './platform/app-api';
import { createAppInfoStore } from './stores/app-info-store';
import { createCardStore } from './stores/card-store';
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
  root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App
          api={api}
          appInfoStore={createAppInfoStore(api)}
          cardStore={createCardStore(api)}
          sessionStore={createSessionStore(api)}
        />
      </I18nextProvider>
    </StrictMode>,
  );
}

void boot();
