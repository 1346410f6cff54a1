import path from 'node:path';
import { app, crashReporter, shell, type BrowserWindow } from 'electron';
import '../demo/demo-flag';
import { startDemoEnvironment } from '../demo/demo-environment';
import { loadSettingsAndLogger } from '../logging/settings-logger';
import { startMain } from '../startup';
import { cardWorkerLaunchPlan } from '../security/shell-decisions';
import { APP_ORIGIN } from '../security/window-security';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { utilityWorkerLauncher } from './card-worker-launcher';
import { registerIpc } from './ipc-registration';
import { createMainWindow, guardWebContents, lockDownSession } from './main-window';
import { applyNetworkSettings, netFetchTransport } from './net-fetch-transport';
import { electronDiagnostics, electronLogDir } from './diagnostics-platform';
import { PRODUCT_NAME } from '../../common/product';

// Entry of the Electron main process: the thin shell around the plain-Node services.
const distRoot = path.resolve(__dirname, '..');
const resourcesDir = app.isPackaged ? process.resourcesPath : path.resolve(distRoot, '..', 'resources');
// Defaults < user settings < system policy < development flags (the flags only in an unpackaged build).
const base = loadSettingsAndLogger(
  {
    env: process.env,
    platform: process.platform,
    resourcesDir,
    userDataDir: app.getPath('userData'),
    packaged: app.isPackaged,
  },
  { dir: electronLogDir(), packaged: app.isPackaged },
);
const { settings, logger } = base;
// Crash reports stay on this computer (no upload), and only where policy turns them on.
if (settings.crashReporting) crashReporter.start({ uploadToServer: false });

app.enableSandbox();
// Windows groups the taskbar button, notifications and the installer's shortcuts by this id (a Windows
// API): the electron-builder appId (tests/build/electron-builder-config.test.ts keeps the two equal).
if (process.platform === 'win32') app.setAppUserModelId('se.behorighetsadmin.desktop');
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));

  void app.whenReady().then(async () => {
    lockDownSession();
    serveRenderer(path.join(distRoot, 'renderer'));
    // `npm start` passes --demo: with no backend configured, a checkout starts the demo environment.
    // A packaged build never does, and a release build holds no demo code (__DEMO_MODE__, demo-flag.ts).
    const started = await startMain(base, {
      startDemo:
        __DEMO_MODE__ && !app.isPackaged && process.argv.includes('--demo')
          ? (log) => startDemoEnvironment({ repoRoot: path.resolve(distRoot, '..'), logger: log })
          : undefined,
      applySettings: (final) => applyNetworkSettings(final.network),
      launchCardProcess: utilityWorkerLauncher(cardWorkerLaunchPlan({ distRoot, packaged: app.isPackaged })),
      backendTransport: () => netFetchTransport(),
      openExternal: (url) => shell.openExternal(url),
      diagnostics: electronDiagnostics(() => mainWindow),
      appInfo: {
        productName: PRODUCT_NAME,
        version: app.getVersion(),
        transport: 'electron-ipc',
        electronVersion: process.versions.electron ?? null,
      },
    });
    app.on('will-quit', () => void started.stop());
    const services = started.compose([APP_ORIGIN]);
    mainWindow = createMainWindow(distRoot);
    registerIpc(services, () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null));
    logger.info({ component: 'app', event: 'started', version: app.getVersion() }, `${PRODUCT_NAME} started`);
  });

  app.on('window-all-closed', () => app.quit());
}
