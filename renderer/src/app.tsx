import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { AppApi } from '../../common/ipc/api';
import type { AdministrationView, GridWarmUp } from './admin/administration-view';
import { AppHeader } from './components/app-header';
import { createDiagnosticsStore } from './diagnostics/diagnostics-store';
import { DiagnosticsView } from './diagnostics/diagnostics-view';
import { errorMessageKey } from './i18n/error-message';
import { LoginView } from './login/login-view';
import { OrganisationChooser } from './login/organisation-chooser';
import { ReloginDialog } from './login/relogin-dialog';
import { SettingsNotices } from './settings/settings-notices';
import type { SettingsState } from './settings/settings-store';
import { SettingsView } from './settings/settings-view';
import type { AppInfoState } from './stores/app-info-store';
import type { CardStoreState } from './stores/card-store';
import type { SessionStoreState } from './stores/session-store';

// The administration view (grid and all) is its own chunk: the login screen does not wait for it.
// It is fetched once the login screen is up, so it is there by the time the PIN is typed, and then
// drawn at once after login (React.lazy would show its fallback first and hold the view back for
// Suspense's reveal throttle, about 300 ms).
type AdministrationModule = { AdministrationView: typeof AdministrationView; GridWarmUp: typeof GridWarmUp };
let administrationModule: Promise<AdministrationModule> | null = null;
const loadAdministration = () => (administrationModule ??= import('./admin/administration-view'));

export interface AppProps {
  api: AppApi;
  appInfoStore: StoreApi<AppInfoState>;
  cardStore: StoreApi<CardStoreState>;
  sessionStore: StoreApi<SessionStoreState>;
  settingsStore: StoreApi<SettingsState>;
}

/** The app shell: header on every view, then login or administration. */
export function App({ api, appInfoStore, cardStore, sessionStore, settingsStore }: AppProps) {
  const { t, i18n } = useTranslation();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const info = useStore(appInfoStore, (state) => state.info);
  const error = useStore(appInfoStore, (state) => state.error);
  const session = useStore(sessionStore, (state) => state.session);
  const [diagnosticsOpen, setDiagnosticsOpen] = useState(false);
  const [switchingOrganisation, setSwitchingOrganisation] = useState(false);
  const [diagnosticsStore] = useState(() =>
    createDiagnosticsStore(api, { writeClipboard: (text) => navigator.clipboard.writeText(text) }),
  );

  const [administration, setAdministration] = useState<AdministrationModule | null>(null);
  const administrationShown = session.status === 'logged-in' || session.status === 'expired';
  // The grid drawn once out of sight while the login screen waits (see GridWarmUp).
  const [gridWarm, setGridWarm] = useState(false);
  useEffect(() => {
    let live = true;
    const load = () =>
      void loadAdministration().then(
        (module) => live && setAdministration(module),
        () => {
          // A chunk that failed to load is asked again on the next try (the view then shows its loading text).
          administrationModule = null;
        },
      );
    if (administrationShown) {
      load();
      return () => {
        live = false;
      };
    }
    const idle = requestIdleCallback(load);
    return () => {
      live = false;
      cancelIdleCallback(idle);
    };
  }, [administrationShown]);

  useEffect(() => {
    void appInfoStore.getState().load();
    const offCard = cardStore.getState().connect();
    const offSession = sessionStore.getState().connect();
    return () => {
      offCard();
      offSession();
    };
  }, [appInfoStore, cardStore, sessionStore]);

  return (
    <div className="app">
      <AppHeader
        productName={info?.productName ?? t('app.name')}
        version={info?.version ?? null}
        session={session}
        onLogout={() => void sessionStore.getState().logout()}
        onOpenDiagnostics={() => {
          setSettingsOpen(false);
          setDiagnosticsOpen(true);
        }}
        onOpenSettings={() => {
          setDiagnosticsOpen(false);
          setSettingsOpen(true);
        }}
        onSwitchOrganisation={() => {
          setSettingsOpen(false);
          setDiagnosticsOpen(false);
          setSwitchingOrganisation(true);
        }}
      />
      <SettingsNotices store={settingsStore} demoMode={info?.demoMode ?? false} onOpen={() => setSettingsOpen(true)} />
      {info?.transport === 'test-bridge' && (
        <p className="app-banner app-banner--test" role="note">
          {t('app.testBridge')}
        </p>
      )}
      <main className="app-main">
        {settingsOpen ? (
          <SettingsView
            store={settingsStore}
            onLanguage={(language) => void i18n.changeLanguage(language)}
            onClose={() => {
              setSettingsOpen(false);
              setTimeout(() => document.getElementById('open-settings')?.focus());
            }}
          />
        ) : diagnosticsOpen ? (
          <DiagnosticsView
            store={diagnosticsStore}
            cardStore={cardStore}
            pinCareApi={api}
            onClose={() => {
              setDiagnosticsOpen(false);
              setTimeout(() => document.getElementById('open-diagnostics')?.focus());
            }}
          />
        ) : error ? (
          <p role="alert" className="app-error">
            {t(errorMessageKey(error.code))}
          </p>
        ) : session.status === 'logged-in' && (!session.organisationChosen || switchingOrganisation) ? (
          <OrganisationChooser
            api={api}
            organisations={session.organisations}
            current={session.administrator.organisation.id}
            onChosen={() => setSwitchingOrganisation(false)}
            {...(switchingOrganisation ? { onCancel: () => setSwitchingOrganisation(false) } : {})}
          />
        ) : session.status === 'logged-in' || session.status === 'expired' ? (
          <>
            {/*
              Keyed by the administrator and the organisation: another person's login, or another
              organisation, never sees this one's data.
            */}
            {administration ? (
              <administration.AdministrationView
                key={`${session.administrator.hsaId}/${session.administrator.organisation.id}`}
                api={api}
                role={session.administrator.role}
                organisations={session.status === 'logged-in' ? session.organisations : []}
              />
            ) : (
              <p role="status">{t('admin.users.loading')}</p>
            )}
            {session.status === 'expired' && (
              <ReloginDialog onLogout={() => void sessionStore.getState().logout()}>
                <LoginView api={api} cardStore={cardStore} sessionStore={sessionStore} />
              </ReloginDialog>
            )}
          </>
        ) : (
          <LoginView api={api} cardStore={cardStore} sessionStore={sessionStore} />
        )}
        {administration && !gridWarm && !administrationShown && <administration.GridWarmUp onDone={() => setGridWarm(true)} />}
      </main>
    </div>
  );
}
