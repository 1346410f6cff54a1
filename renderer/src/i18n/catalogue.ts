import i18next, { type TFunction } from 'i18next';
import type { ConfigIssue } from '../../../common/settings/settings';
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

// The one catalogue of words for people, Swedish first and English second: the renderer's views
// (i18n.ts, with React) and main's texts for people outside a window — `npm run doctor` and the
// support report — read it. Plain i18next and JSON, no React and no DOM, so main may import this file
// (and only this file of the renderer; eslint.config.js).

export const LANGUAGES = ['sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Every text, by language; the administration, diagnostics, settings and card-care views under their own keys. */
export const RESOURCES = {
  sv: { translation: { ...sv, admin: adminSv, diagnostics: diagnosticsSv, settings: settingsSv, cardCare: cardCareSv } },
  en: { translation: { ...en, admin: adminEn, diagnostics: diagnosticsEn, settings: settingsEn, cardCare: cardCareEn } },
};

/** The catalogue's options, shared by the renderer's instance and main's translator. */
export const CATALOGUE_OPTIONS = {
  fallbackLng: 'sv',
  resources: RESOURCES,
  interpolation: { escapeValue: false },
  returnNull: false,
  // No advertisement on the console: `npm run doctor --json` prints JSON alone on stdout.
  showSupportNotice: false,
} as const;

/** A translator over the catalogue without React (main: the doctor's text, the support report). Synchronous. */
export function catalogueTranslator(language: Language = 'sv'): TFunction {
  const instance = i18next.createInstance();
  void instance.init({ ...CATALOGUE_OPTIONS, lng: language, initAsync: false });
  return instance.t.bind(instance) as TFunction;
}

/** A configuration issue in words: its problem's text with the file, the key and what a valid value looks like. */
export function configIssueText(t: TFunction, issue: ConfigIssue): string {
  return t(`settings.problems.${issue.problem}`, {
    ...issue.params,
    file: issue.file,
    key: issue.key ?? '',
    expected: issue.key ? t(`settings.expected.${issue.key}`) : '',
  });
}
