import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import adminEn from './admin.en.json';
import adminSv from './admin.sv.json';
import cardCareEn from './card-care.en.json';
import cardCareSv from './card-care.sv.json';
import diagnosticsEn from './diagnostics.en.json';
import diagnosticsSv from './diagnostics.sv.json';
import en from './en.json';
import settingsEn from './settings.en.json';
import settingsSv from './settings.sv.json';
import sv from './sv.json';

export const LANGUAGES = ['sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One message catalogue: Swedish first, English second. */
export async function createI18n(language: Language = 'sv'): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'sv',
    // The administration views keep their texts in their own files, under the "admin" key.
    resources: {
      sv: { translation: { ...sv, admin: adminSv, diagnostics: diagnosticsSv, settings: settingsSv, cardCare: cardCareSv } },
      en: { translation: { ...en, admin: adminEn, diagnostics: diagnosticsEn, settings: settingsEn, cardCare: cardCareEn } },
    },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}
