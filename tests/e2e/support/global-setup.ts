import { CHROMIUM_PATH, launchMode } from './launch-app';
import { ensureElectronBinary, findElectronBinary } from '../../../build/electron-binary.mjs';

/**
 * Runs Electron's own download once for the run where its binary is missing (as `npm start` does),
 * then says, in the run's output, which driver the specs use and why.
 */
export default function globalSetup(): void {
  const download = process.env.BEHORIGHETSADMIN_E2E_MODE === 'chromium-bridge' ? null : ensureElectronBinary({ quiet: true });
  const mode = launchMode();
  const why = download?.reason ?? 'BEHORIGHETSADMIN_E2E_MODE=chromium-bridge';
  const detail =
    mode === 'electron'
      ? `the Electron app (${findElectronBinary()})`
      : `Debian's Chromium (${CHROMIUM_PATH}) over the test bridge — no Electron binary (${why})`;
  console.log(`[launchApp] Playwright specs run in ${detail}`);
}
