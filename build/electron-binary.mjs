// Electron's binary for `npm start`, `npm run dist` and the e2e driver. Since Electron 42 the
// `electron` package downloads its binary lazily (its bin, or its `install-electron` script), not
// at `npm ci`: ensureElectronBinary runs that same download (node_modules/electron/install.js, which
// uses @electron/get and so honours ELECTRON_MIRROR, ELECTRON_CUSTOM_DIR, ELECTRON_CUSTOM_FILENAME,
// electron_config_cache, electron_use_remote_checksums, ELECTRON_GET_USE_PROXY, force_no_cache and
// their npm_config_ forms) and says why when it fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function electronPackageDir() {
  const require = createRequire(import.meta.url);
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** @returns {string | null} the Electron executable already downloaded, or null (never downloads) */
export function findElectronBinary() {
  const packageDir = electronPackageDir();
  if (!packageDir) return null;
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(packageDir, 'dist');
  if (!relative) return null;
  const executable = path.join(distDir, relative);
  return existsSync(executable) ? executable : null;
}

/**
 * The Electron executable, downloaded first by Electron's own installer where it is missing.
 * @param {{ quiet?: boolean }} [options] quiet: keep the installer's output, for the reason only
 * @returns {{ binary: string; reason?: undefined } | { binary: null; reason: string }}
 */
export function ensureElectronBinary({ quiet = false } = {}) {
  const found = findElectronBinary();
  if (found) return { binary: found };
  const packageDir = electronPackageDir();
  if (!packageDir) return { binary: null, reason: 'paketet electron är inte installerat (kör npm ci)' };
  if (!quiet)
    console.log('Electron-binären saknas: Electrons eget installationsprogram laddar ned den (ELECTRON_MIRROR m.fl. gäller).');
  const result = spawnSync(process.execPath, [path.join(packageDir, 'install.js')], {
    // The installer's error is a stack trace on stderr: kept, and its first line given as the reason.
    stdio: quiet ? 'pipe' : ['inherit', 'inherit', 'pipe'],
    encoding: 'utf8',
    env: process.env,
  });
  const binary = result.status === 0 ? findElectronBinary() : null;
  if (binary) return { binary };
  const output = `${result.stderr ?? ''}`.trim().split('\n');
  // install.js prints the error's stack: its first line says what failed.
  const firstLine = output.find((line) => /\w/.test(line) && !/^\s+at /.test(line)) ?? '';
  const detail = result.error?.message ?? (firstLine || `slutkod ${result.status ?? result.signal}`);
  return { binary: null, reason: `Electrons nedladdning misslyckades: ${detail}` };
}
