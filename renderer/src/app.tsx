import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import { AppHeader } from './components/app-header';
import { errorMessageKey } from './i18n/error-message';
import type { AppInfoState } from './stores/app-info-store';

export interface AppProps {
  appInfoStore: StoreApi<AppInfoState>;
}

/** The app shell: header, then the current view. */
export function App({ appInfoStore }: AppProps) {
  const { t } = useTranslation();
  const info = useStore(appInfoStore, (state) => state.info);
  const error = useStore(appInfoStore, (state) => state.error);

  useEffect(() => {
    void appInfoStore.getState().load();
  }, [appInfoStore]);

  return (
    <div className="app">
      <AppHeader productName={info?.productName ?? t('app.name')} version={info?.version ?? null} />
      {info?.transport === 'test-bridge' && (
        <p className="app-banner app-banner--test" role="note">
          {t('app.testBridge')}
        </p>
      )}
      <main className="app-main">
        {error ? (
          <p role="alert" className="app-error">
            {t(errorMessageKey(error.code))}
          </p>
        ) : (
          <section aria-labelledby="login-heading" className="login-placeholder">
            <h2 id="login-heading">{t('login.heading')}</h2>
            <p>{info ? t('login.insertCard') : t('app.loading')}</p>
          </section>
        )}
      </main>
    </div>
  );
}
