import { describe, expect, it } from 'vitest';
import type { SettingKey, SettingValue } from '../../common/settings/settings';
import type { ResolvedConfig } from '../config/config-resolver';
import { AppFailure } from '../errors/app-failure';
import { SettingsService, settingsHandlers } from './settings-service';

// The settings view's handlers over a SettingsService whose files are a plain FAKE resolver and
// store (the real files are read in main/config's tests and the settings e2e spec).

function service() {
  const config: ResolvedConfig = {
    values: {} as ResolvedConfig['values'],
    entries: [
      { key: 'backendUrl', value: 'https://policy.test', source: 'policy', locked: true, editable: false },
      { key: 'origin', value: null, source: 'default', locked: false, editable: true },
    ],
    issues: [],
    userFile: '/home/a/settings.json',
    policyLocation: '/etc/policy.json',
    extraCaPems: [],
  };
  const writes: { key: SettingKey; value: SettingValue; locked: string[] }[] = [];
  const settings = new SettingsService({
    resolve: () => config,
    store: { set: (key, value, locked) => void writes.push({ key, value, locked: [...locked] }) },
    demoMode: false,
  });
  return { settings, writes };
}

describe('settingsHandlers', () => {
  it('reports the settings and writes a user setting with the keys policy locks', async () => {
    const { settings, writes } = service();
    const handlers = settingsHandlers(settings);
    expect(await handlers['settings:get'](undefined)).toMatchObject({ userFile: '/home/a/settings.json', demoMode: false });
    const report = await handlers['settings:set-user']({ key: 'origin', value: 'https://o.test' });
    expect(writes).toEqual([{ key: 'origin', value: 'https://o.test', locked: ['backendUrl'] }]);
    expect(report.entries).toHaveLength(2);
  });

  it('refuses both calls with internal when main was composed without a settings service', async () => {
    const handlers = settingsHandlers(undefined);
    for (const call of [
      () => handlers['settings:get'](undefined),
      () => handlers['settings:set-user']({ key: 'origin', value: null }),
    ]) {
      const error = await Promise.resolve()
        .then(call)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppFailure);
      expect(error).toMatchObject({ code: 'internal' });
    }
  });
});
