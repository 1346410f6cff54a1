import i18next, { type i18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { CATALOGUE_OPTIONS, type Language } from './catalogue';

export { LANGUAGES, type Language } from './catalogue';

/** One message catalogue: Swedish first, English second (catalogue.ts). */
export async function createI18n(language: Language = 'sv'): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.use(initReactI18next).init({ ...CATALOGUE_OPTIONS, lng: language });
  return instance;
}
