import { describe, expect, it } from 'vitest';
import { createAppInfoStore } from './app-info-store';

describe('app info store', () => {
  it('holds what main reports', async () => {
    const info = {
      productName: 'Behörighetsadmin',
      version: '1.0.0',
      platform: 'linux',
      arch: 'x64',
      transport: 'electron-ipc' as const,
      electronVersion: '45.0.0',
      nodeVersion: '22',
    };
    const store = createAppInfoStore({ getAppInfo: async () => ({ ok: true, value: info }) });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ info, error: null });
  });

  it('holds the typed error when main refuses', async () => {
    const store = createAppInfoStore({ getAppInfo: async () => ({ ok: false, error: { code: 'internal' } }) });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ info: null, error: { code: 'internal' } });
  });
});
