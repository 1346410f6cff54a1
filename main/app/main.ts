import path from 'node:path';
import { app, crashReporter, shell, type BrowserWindow } from 'electron';
import { CardProcessSupervisor } from '../card/card-process-supervisor';
import { composeMainServices } from '../composition-root';
import { resolveAppSettings, type AppSettingsSources } from '../config/app-settings';
import '../demo/demo-flag';
import { startDemoEnvironment, type DemoEnvironment } from '../demo/demo-environment';
import { UserSettingsStore } from '../config/user-settings-store';
import { createLogger } from '../logging/logger';
import { cardWorkerLaunchPlan } from '../security/shell-decisions';
import { APP_ORIGIN } from '../security/window-security';
import { SettingsService } from '../services/settings-service';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { utilityWorkerLauncher } from './card-worker-launcher';
import { registerIpc } from './ipc-registration';
import { createMainWindow, guardWebContents, lockDownSession } from './main-window';
import { applyNetworkSettings, netFetchTransport } from './net-fetch-transport';
import { electronDiagnostics, electronLogDir } from './diagnostics-platform';

// Entry of the Electron main process: the thin shell around the plain-Node services.
const distRoot = path.resolve(__dirname, '..');
const resourcesDir = app.isPackaged ? process.resourcesPath : path.resolve(distRoot, '..', 'resources');
// Defaults < user settings < system policy < development flags (the flags only in an unpackaged build).
const settingsSources: AppSettingsSources = {
  env: process.env,
  platform: process.platform,
  resourcesDir,
  userDataDir: app.getPath('userData'),
  packaged: app.isPackaged,
};
let settings = resolveAppSettings(settingsSources);
const logger = createLogger({ level: settings.logLevel, file: { dir: electronLogDir() }, packaged: app.isPackaged });
for (const problem of settings.config.issues) {
  logger.warn({ component: 'config', event: 'config-invalid', file: problem.file, key: problem.key }, problem.message);
}
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
    let demo: DemoEnvironment | null = null;
    if (__DEMO_MODE__ && !app.isPackaged && process.argv.includes('--demo') && settings.backend === null) {
      demo = await startDemoEnvironment({ repoRoot: path.resolve(distRoot, '..'), logger });
      settingsSources.demo = demo.settings;
      settings = resolveAppSettings(settingsSources);
      app.on('will-quit', () => void demo?.stop());
    }
    await applyNetworkSettings(settings.network);
    const card = new CardProcessSupervisor({
      launch: utilityWorkerLauncher(cardWorkerLaunchPlan({ distRoot, packaged: app.isPackaged })),
      config: settings.card,
      logger,
    });
    card.start();
    app.on('will-quit', () => card.stop());
    const services = composeMainServices({
      logger,
      trustedOrigins: [APP_ORIGIN],
      appInfo: {
        productName: 'Behörighetsadmin',
        version: app.getVersion(),
        transport: 'electron-ipc',
        electronVersion: process.versions.electron ?? null,
        demoMode: demo !== null,
      },
      openExternal: (url) => shell.openExternal(url),
      card,
      backend: settings.backend,
      cardRemovalPolicy: settings.cardRemovalPolicy,
      policyLocation: settings.config.policyLocation,
      caCertificateFiles: settings.card.trustAnchorPaths,
      diagnostics: electronDiagnostics(settings, () => mainWindow),
      backendTransport: netFetchTransport(),
      network: settings.network,
      settings: new SettingsService({
        resolve: () => resolveAppSettings(settingsSources).config,
        store: new UserSettingsStore(settings.config.userFile),
        demoMode: demo !== null,
      }),
    });
    mainWindow = createMainWindow(distRoot);
    registerIpc(services, () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null));
    logger.info({ component: 'app', event: 'started', version: app.getVersion() }, 'Behörighetsadmin started');
  });

  app.on('window-all-closed', () => app.quit());
}
