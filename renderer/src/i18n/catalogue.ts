import i18next, { type TFunction } from 'i18next';
import { SETTING_KEYS, type ConfigIssue, type ConfigProblem, type SettingKey } from '../../../common/settings/settings';
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

/**
 * The keys of a part of the catalogue that lead to a text, dot-separated (for { a: { b: '…' } }: 'a.b'):
 * typed keys for the texts main and the views name by code.
 */
export type WordsIn<Part> = {
  [Key in keyof Part & string]: Part[Key] extends string ? Key : `${Key}.${WordsIn<Part[Key]>}`;
}[keyof Part & string];

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
  const problem: ConfigProblem & SettingsWords<'problems'> = issue.problem;
  return t(`settings.problems.${problem}`, {
    ...issue.params,
    file: configIssuePlace(t, issue),
    key: issue.key ?? '',
    expected: issue.key && isSettingKey(issue.key) ? t(`settings.expected.${expectedOf(issue.key)}`) : '',
  });
}

/** Where a configuration issue is: its file or registry key, or the environment variable that set it. */
export function configIssuePlace(t: TFunction, issue: ConfigIssue): string {
  return issue.source === 'flag' ? t('settings.issues.environmentVariable', { name: issue.file }) : issue.file;
}

type SettingsWords<Part extends keyof typeof settingsSv & keyof typeof settingsEn> = WordsIn<(typeof settingsSv)[Part]> &
  WordsIn<(typeof settingsEn)[Part]>;

function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

/** Every setting has a text for what a valid value looks like (a key without one does not compile). */
function expectedOf(key: SettingKey): SettingsWords<'expected'> {
  return key;
}
