import { createAppApi, type AppApi } from '../../../common/ipc/api';
import { createBridgeTransport } from './bridge-transport';

declare global {
  interface Window {
    /** Set by the preload script inside Electron. */
    behorighetsadmin?: AppApi;
  }
}

const BRIDGE_META_NAME = 'behorighetsadmin-bridge';

/**
 * The API to main: the preload's inside Electron; in development and test builds, the test
 * bridge's when the page was served by it. Release builds compile the bridge out.
 */
export function resolveAppApi(): AppApi | null {
  if (window.behorighetsadmin) return window.behorighetsadmin;
  if (import.meta.env.VITE_TEST_BRIDGE !== 'off') {
    const meta = document.querySelector<HTMLMetaElement>(`meta[name="${BRIDGE_META_NAME}"]`);
    if (meta?.content) return createAppApi(createBridgeTransport(meta.content));
  }
  return null;
}
