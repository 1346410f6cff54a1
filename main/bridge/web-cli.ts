import path from 'node:path';
import { parseArgs } from 'node:util';
import { nodeWorkerLauncher } from '../card/node-worker-launcher';
import { nodeBackendTransport } from '../backend/node-transport';
import { resolveReportDir, saveIntoFolder } from '../diagnostics/report-folder';
import { resolveLogDir } from '../logging/log-location';
import { startDemoEnvironment } from '../demo/demo-environment';
import { loadSettingsAndLogger } from '../logging/settings-logger';
import { startMain } from '../startup';
import { startBridgeServer } from './bridge-server';
import { PRODUCT_NAME } from '../../common/product';

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
  const base = loadSettingsAndLogger(
    { env: process.env, platform: process.platform, resourcesDir: path.resolve(__dirname, '..', '..', 'resources') },
    { dir: logDir },
  );
  const started = await startMain(base, {
    startDemo: values.demo
      ? async (logger) => {
          const demo = await startDemoEnvironment({ repoRoot: path.resolve(__dirname, '..', '..'), logger });
          console.log(
            `Demo mode: the reference server with demo data at ${demo.settings.backendUrl}${demo.labCard ? ', the lab card "valid" in the first virtual reader (PIN 123456)' : ''}.`,
          );
          return demo;
        }
      : undefined,
    launchCardProcess: nodeWorkerLauncher(path.resolve(__dirname, '..', 'main', 'card-worker.cjs')),
    backendTransport: (network) => nodeBackendTransport(network),
    // No browser to hand links to from a test bridge: refuse quietly (the wrapper still checks).
    openExternal: async () => undefined,
    // No dialog or file manager here: reports go into a folder, "open the log folder" says where it is.
    diagnostics: { logDir, saveFile: saveIntoFolder(resolveReportDir(process.env)) },
    appInfo: { productName: PRODUCT_NAME, version: __APP_VERSION__, transport: 'test-bridge', electronVersion: null },
  });
  const bridge = await startBridgeServer({
    port,
    rendererRoot: path.resolve(__dirname, '..', 'renderer'),
    logger: base.logger,
    composeServices: (origin) => started.compose([origin]),
  });
  // Playwright's launchApp() waits for this exact line.
  console.log(`listening on ${bridge.url}`);
  console.log('Test bridge for development and tests: not the product. Stop it with Ctrl+C.');
  const stop = () => {
    void Promise.all([bridge.close(), started.stop()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`Kunde inte starta testbryggan: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
