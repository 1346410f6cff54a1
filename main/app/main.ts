import path from 'node:path';
import { app, shell, type BrowserWindow } from 'electron';
import { CardProcessSupervisor } from '../card/card-process-supervisor';
import { composeMainServices } from '../composition-root';
import { resolveAppSettings } from '../config/app-settings';
import { createLogger } from '../logging/logger';
import { APP_ORIGIN } from '../security/window-security';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { utilityWorkerLauncher } from './card-worker-launcher';
import { registerIpc } from './ipc-registration';
import { createMainWindow, lockDownSession } from './main-window';
import { electronDiagnostics, electronLogDir } from './diagnostics-platform';

// Entry of the Electron main process: the thin shell around the plain-Node services.
const distRoot = path.resolve(__dirname, '..');
const logger = createLogger({ level: process.env.BEHORIGHETSADMIN_LOG_LEVEL ?? 'info', file: { dir: electronLogDir() } });

app.enableSandbox();
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

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  void app.whenReady().then(() => {
    lockDownSession();
    serveRenderer(path.join(distRoot, 'renderer'));
    const resourcesDir = app.isPackaged ? process.resourcesPath : path.resolve(distRoot, '..', 'resources');
    const settings = resolveAppSettings({ env: process.env, platform: process.platform, resourcesDir });
    const card = new CardProcessSupervisor({
      launch: utilityWorkerLauncher(path.join(distRoot, 'main', 'card-worker.cjs')),
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
      },
      openExternal: (url) => shell.openExternal(url),
      card,
      backend: settings.backend,
      cardRemovalPolicy: settings.cardRemovalPolicy,
      enforceLocalTrust: settings.card.trustAnchorPaths.length > 0,
      diagnostics: electronDiagnostics(settings, () => mainWindow),
    });
    mainWindow = createMainWindow(distRoot);
    registerIpc(services, () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null));
    logger.info({ component: 'app', event: 'started', version: app.getVersion() }, 'Behörighetsadmin started');
  });

  app.on('window-all-closed', () => app.quit());
}
