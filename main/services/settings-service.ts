import type { SettingKey, SettingsReport, SettingValue } from '../../common/settings/settings';
import type { ResolvedConfig } from '../config/config-resolver';
import type { UserSettingsStore } from '../config/user-settings-store';

export interface SettingsServiceOptions {
  /** Resolves the configuration again from its files (each call re-reads them). */
  resolve: () => ResolvedConfig;
  store: Pick<UserSettingsStore, 'set'>;
  demoMode: boolean;
}

/** The settings view's side in main: every value with its source and lock, and the user's changes. */
export class SettingsService {
  constructor(private readonly options: SettingsServiceOptions) {}

  /** Every setting as the files say now, with the configuration's problems. */
  report(): SettingsReport {
    const config = this.options.resolve();
    return {
      entries: config.entries,
      issues: config.issues,
      userFile: config.userFile,
      policyLocation: config.policyLocation,
      demoMode: this.options.demoMode,
    };
  }

  /** Writes one user setting (refused when policy locks it); most take effect at the next start. */
  setUser(key: SettingKey, value: SettingValue): SettingsReport {
    const locked = new Set(
      this.options
        .resolve()
        .entries.filter((entry) => entry.locked)
        .map((entry) => entry.key),
    );
    this.options.store.set(key, value, locked);
    return this.report();
  }
}
