import { CHROMIUM_PATH, launchMode } from './launch-app';
import { findElectronBinary } from '../../../build/electron-binary.mjs';

/** Says once, in the run's output, which driver the specs use. */
export default function globalSetup(): void {
  const mode = launchMode();
  const detail =
    mode === 'electron'
      ? `the Electron app (${findElectronBinary()})`
      : `Debian's Chromium (${CHROMIUM_PATH}) over the test bridge — no Electron binary is installed`;
  console.log(`[launchApp] Playwright specs run in ${detail}`);
}
