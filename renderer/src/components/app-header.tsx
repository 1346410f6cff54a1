import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../i18n/i18n';

export interface AppHeaderProps {
  productName: string;
  version: string | null;
}

/** The header on every view: product, version, language. Organisation and "Logga ut" join after login. */
export function AppHeader({ productName, version }: AppHeaderProps) {
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
      <label className="app-header__language">
        {t('app.language')}
        <select
          value={i18n.language}
          onChange={(event) => void i18n.changeLanguage(event.target.value as Language)}
        >
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
