import { describe, expect, it } from 'vitest';
import type { SettingsReport } from '../../../common/settings/settings';
import { createSettingsStore, textToValue, valueToText } from './settings-store';

const report: SettingsReport = {
  entries: [{ key: 'cardRemoval', value: 'lock', source: 'policy', locked: true, editable: false }],
  issues: [],
  userFile: '/home/a/.config/Behörighetsadmin/settings.json',
  policyLocation: '/etc/behorighetsadmin/policy.json',
  demoMode: false,
};

describe('settings store', () => {
  it('loads the report and saves one key, keeping the refusal when main says no', async () => {
    const calls: unknown[] = [];
    const store = createSettingsStore({
      getSettings: async () => ({ ok: true, value: report }),
      setUserSetting: async (request) => {
        calls.push(request);
        return request.key === 'cardRemoval'
          ? { ok: false, error: { code: 'validation-failed', details: { key: 'cardRemoval', reason: 'locked-by-policy' } } }
          : { ok: true, value: report };
      },
    });
    await store.getState().load();
    expect(store.getState().report).toEqual(report);
    expect(await store.getState().save('proxy', 'direct')).toBe(true);
    expect(await store.getState().save('cardRemoval', 'logout')).toBe(false);
    expect(store.getState().lastSave).toMatchObject({ key: 'cardRemoval', ok: false });
    expect(calls).toEqual([
      { key: 'proxy', value: 'direct' },
      { key: 'cardRemoval', value: 'logout' },
    ]);
  });

  it('turns editor text into values and back', () => {
    expect(textToValue('pkcs11Modules', ' /a.so \n\n/b.so')).toEqual(['/a.so', '/b.so']);
    expect(valueToText(['/a.so', '/b.so'])).toBe('/a.so\n/b.so');
    expect(textToValue('backendUrl', '  ')).toBeNull();
    expect(textToValue('proxy', ' direct ')).toBe('direct');
    expect(valueToText(null)).toBe('');
  });
});
