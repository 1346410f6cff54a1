import { useTranslation } from 'react-i18next';
import type { SessionState } from '../../../common/session/session-state';
import { LANGUAGES, type Language } from '../i18n/i18n';

export interface AppHeaderProps {
  productName: string;
  version: string | null;
  session: SessionState;
  onLogout: () => void;
  /** "Felsökning och diagnostik": on every view, before login too. */
  onOpenDiagnostics?: () => void;
  onOpenSettings?: () => void;
  /** "Byt organisation", shown when the person administers several organisations. */
  onSwitchOrganisation?: () => void;
}

/** The header on every view: product, and once logged in the organisation, who is logged in and "Logga ut". */
export function AppHeader({
  productName,
  version,
  session,
  onLogout,
  onOpenDiagnostics,
  onOpenSettings,
  onSwitchOrganisation,
}: AppHeaderProps) {
  const { t, i18n } = useTranslation();
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <h1 className="app-header__name">{productName}</h1>
        {version && (
          <span className="app-header__version" data-testid="app-version">
            {t('app.version', { version })}
          </span>
        )}
      </div>
      {session.status === 'logged-in' && (
        <div className="app-header__session" data-testid="session-header">
          <span className="app-header__organisation" data-testid="header-organisation">
            {session.administrator.organisation.name}
            {session.organisations.find((o) => o.id === session.administrator.organisation.id)?.ended &&
              ` (${t('header.ended')})`}
          </span>
          {onSwitchOrganisation && session.organisations.length > 1 && (
            <button type="button" className="app-header__logout" onClick={onSwitchOrganisation}>
              {t('header.switchOrganisation')}
            </button>
          )}
          <span className="app-header__user" data-testid="header-user">
            {t('header.loggedInAs', {
              name: `${session.administrator.givenName} ${session.administrator.surname}`,
              hsaId: session.administrator.hsaId,
            })}
          </span>
          <button type="button" className="app-header__logout" onClick={onLogout}>
            {t('header.logout')}
          </button>
        </div>
      )}
      {onOpenDiagnostics && (
        <button type="button" id="open-diagnostics" className="app-header__diagnostics" onClick={onOpenDiagnostics}>
          {t('diagnostics.open')}
        </button>
      )}
      {onOpenSettings && (
        <button type="button" id="open-settings" className="app-header__diagnostics" onClick={onOpenSettings}>
          {t('settings.open')}
        </button>
      )}
      <label className="app-header__language">
        {t('app.language')}
        <select value={i18n.language} onChange={(event) => void i18n.changeLanguage(event.target.value as Language)}>
          {LANGUAGES.map((language) => (
            <option key={language} value={language}>
              {language === 'sv' ? 'Svenska' : 'English'}
            </option>
          ))}
        </select>
      </label>
    </header>
  );
}
