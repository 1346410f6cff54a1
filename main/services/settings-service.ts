import type { SettingKey, SettingsReport, SettingValue } from '../../common/settings/settings';
import type { ResolvedConfig } from '../config/config-resolver';
import type { UserSettingsStore } from '../config/user-settings-store';
import { AppFailure } from '../errors/app-failure';
import type { IpcHandlers } from '../ipc/ipc-router';

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

/**
 * The settings view's IPC handlers. Without a settings service (tests that compose main without
 * one) both refuse with `internal`.
 */
export function settingsHandlers(settings: SettingsService | undefined): Pick<IpcHandlers, 'settings:get' | 'settings:set-user'> {
  const requireSettings = () => {
    if (!settings) throw new AppFailure('internal');
    return settings;
  };
  return {
    'settings:get': () => requireSettings().report(),
    'settings:set-user': ({ key, value }) => requireSettings().setUser(key, value),
  };
}
