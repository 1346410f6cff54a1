import path from 'node:path';
import { parseArgs } from 'node:util';
import { CardProcessSupervisor } from '../card/card-process-supervisor';
import { nodeWorkerLauncher } from '../card/node-worker-launcher';
import { composeMainServices } from '../composition-root';
import { nodeBackendTransport } from '../backend/node-transport';
import { resolveAppSettings, type AppSettingsSources } from '../config/app-settings';
import { UserSettingsStore } from '../config/user-settings-store';
import { createLogger } from '../logging/logger';
import { describeConfiguration } from '../diagnostics/configuration-report';
import { resolveReportDir, saveIntoFolder } from '../diagnostics/report-folder';
import { resolveLogDir } from '../logging/log-location';
import { startDemoEnvironment, type DemoEnvironment } from '../demo/demo-environment';
import { SettingsService } from '../services/settings-service';
import { startBridgeServer } from './bridge-server';

// `npm run web`: the renderer in a browser over the test bridge. Development and test plumbing,
// bound to 127.0.0.1; the packaged app never contains it.
declare const __APP_VERSION__: string;

async function main(): Promise<void> {
  // --demo (from `npm run web`): with no backend configured, start the demo environment.
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '4173' }, demo: { type: 'boolean', default: false } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Ogiltigt portnummer: ${values.port}`);
    process.exit(2);
  }
  const logDir = resolveLogDir(process.env, process.platform);
  const settingsSources: AppSettingsSources = {
    env: process.env,
    platform: process.platform,
    resourcesDir: path.resolve(__dirname, '..', '..', 'resources'),
  };
  let settings = resolveAppSettings(settingsSources);
  const logger = createLogger({ level: settings.logLevel, file: { dir: logDir } });
  let demo: DemoEnvironment | null = null;
  if (values.demo && settings.backend === null) {
    demo = await startDemoEnvironment({ repoRoot: path.resolve(__dirname, '..', '..'), logger });
    settingsSources.demo = demo.settings;
    settings = resolveAppSettings(settingsSources);
    console.log(
      `Demoläge: referensservern med demodata på ${demo.settings.backendUrl}${demo.labCard ? ', labbkortet "valid" i den första virtuella läsaren (PIN 123456)' : ''}.`,
    );
  }
  for (const problem of settings.config.issues) {
    logger.warn({ component: 'config', event: 'config-invalid', file: problem.file, key: problem.key }, problem.message);
  }
  const settingsService = new SettingsService({
    resolve: () => resolveAppSettings(settingsSources).config,
    store: new UserSettingsStore(settings.config.userFile),
    demoMode: demo !== null,
  });
  const card = new CardProcessSupervisor({
    launch: nodeWorkerLauncher(path.resolve(__dirname, '..', 'main', 'card-worker.cjs')),
    config: settings.card,
    logger,
  });
  card.start();
  const bridge = await startBridgeServer({
    port,
    rendererRoot: path.resolve(__dirname, '..', 'renderer'),
    logger,
    composeServices: (origin) =>
      composeMainServices({
        logger,
        trustedOrigins: [origin],
        appInfo: {
          productName: 'Behörighetsadmin',
          version: __APP_VERSION__,
          transport: 'test-bridge',
          electronVersion: null,
          demoMode: demo !== null,
        },
        // No browser to hand links to from a test bridge: refuse quietly (the wrapper still checks).
        openExternal: async () => undefined,
        card,
        backend: settings.backend,
        cardRemovalPolicy: settings.cardRemovalPolicy,
        policyLocation: settings.config.policyLocation,
        caCertificateFiles: settings.card.trustAnchorPaths,
        // No dialog or file manager here: reports go into a folder, "open the log folder" says where it is.
        diagnostics: {
          logDir,
          configuration: () => describeConfiguration({ entries: settings.config.entries, modulePath: settings.card.modulePath }),
          saveFile: saveIntoFolder(resolveReportDir(process.env)),
        },
        backendTransport: nodeBackendTransport(settings.network),
        network: settings.network,
        settings: settingsService,
      }),
  });
  // Playwright's launchApp() waits for this exact line.
  console.log(`listening on ${bridge.url}`);
  console.log('Testbrygga för utveckling och test: inte produkten. Stäng med Ctrl+C.');
  const stop = () => {
    card.stop();
    void Promise.all([bridge.close(), demo?.stop()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`Kunde inte starta testbryggan: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
