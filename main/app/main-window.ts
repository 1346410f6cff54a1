import path from 'node:path';
import { BrowserWindow, session, shell, type WebContents } from 'electron';
import { isPermissionAllowed, windowOpenDecision } from '../security/shell-decisions';
import { APP_ORIGIN, isAllowedNavigation } from '../security/window-security';
import { PRODUCT_NAME } from '../../common/product';

/**
 * Answers every permission request and check of the session by the one rule (isPermissionAllowed):
 * only our own page's clipboard write is allowed; camera, notifications, ... are refused.
 */
export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_webContents, permission, callback, details) =>
    callback(isPermissionAllowed({ permission, requesting: details.requestingUrl, isMainFrame: details.isMainFrame })),
  );
  session.defaultSession.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isPermissionAllowed({ permission, requesting: details.requestingUrl ?? requestingOrigin, isMainFrame: details.isMainFrame }),
  );
}

/** Refuses new windows (allow-listed https links go to the browser) and webviews in any WebContents. */
export function guardWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openInBrowser) void shell.openExternal(url);
    return { action: decision.action };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Creates the one application window with the secure preferences and navigation guards. */
export function createMainWindow(distRoot: string): BrowserWindow {
  // Written out here on purpose, so a reviewer and electronegativity see them at the window.
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: PRODUCT_NAME,
    show: false,
    webPreferences: {
      preload: path.join(distRoot, 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  });

  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  guardWebContents(contents);

  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}
