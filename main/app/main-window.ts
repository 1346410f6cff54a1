import path from 'node:path';
import { BrowserWindow, session, shell } from 'electron';
import { isAllowedExternalUrl } from '../security/external-links';
import { APP_ORIGIN, isAllowedNavigation, secureWebPreferences } from '../security/window-security';

/** Denies every permission request (camera, notifications, ...) and refuses webviews, for all windows. */
export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** Creates the one application window with the secure preferences and navigation guards. */
export function createMainWindow(distRoot: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Behörighetsadmin',
    show: false,
    webPreferences: secureWebPreferences(path.join(distRoot, 'preload', 'preload.cjs')),
  });

  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // A link the page tries to open goes to the browser only if allow-listed; never a new window.
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });

  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
