import { createStore } from 'zustand/vanilla';
import type { AppApi } from '../../../common/ipc/api';
import type { AppError } from '../../../common/errors/error-codes';
import type { SettingKey, SettingsReport, SettingValue } from '../../../common/settings/settings';

export type SettingsApi = Pick<AppApi, 'getSettings' | 'setUserSetting'>;

export interface SettingsState {
  report: SettingsReport | null;
  loadError: AppError | null;
  /** The key last saved, or the error that refused it. */
  lastSave: { key: SettingKey; ok: true } | { key: SettingKey; ok: false; error: AppError } | null;
  load(): Promise<void>;
  save(key: SettingKey, value: SettingValue): Promise<boolean>;
}

/** Settings with their sources and locks, from the slice of the API the view uses. */
export function createSettingsStore(api: SettingsApi) {
  return createStore<SettingsState>()((set) => ({
    report: null,
    loadError: null,
    lastSave: null,
    async load() {
      const result = await api.getSettings();
      if (result.ok) set({ report: result.value, loadError: null });
      else set({ loadError: result.error });
    },
    async save(key, value) {
      const result = await api.setUserSetting({ key, value });
      if (result.ok) {
        set({ report: result.value, lastSave: { key, ok: true } });
        return true;
      }
      set({ lastSave: { key, ok: false, error: result.error } });
      return false;
    },
  }));
}

/** The text an editor shows for a value: lists one entry per line. */
export function valueToText(value: SettingValue): string {
  if (Array.isArray(value)) return value.join('\n');
  if (value === null) return '';
  return String(value);
}

/** The value an editor's text stands for: lists split on lines, an empty backend address is none. */
export function textToValue(key: SettingKey, text: string): SettingValue {
  switch (key) {
    case 'pkcs11Modules':
    case 'trustAnchors':
    case 'extraCaCertificates':
    case 'ignoredReaders':
      return text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
    case 'crashReporting':
      return text === 'true';
    case 'backendUrl':
      return text.trim() === '' ? null : text.trim();
    case 'expiryWarningDays':
      // Anything but whole days goes to main as text, where it is refused with the expected form.
      return /^\s*\d+\s*$/.test(text) ? Number(text) : text.trim();
    default:
      return text.trim();
  }
}
