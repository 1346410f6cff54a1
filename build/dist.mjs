// `npm run dist`: the installers for this platform (Windows: MSI and NSIS; Linux: deb and AppImage)
// from a release build, with build/electron-builder.config.cjs. Needs an Electron binary, downloaded
// by Electron's own installer where missing: where it cannot be (as on our build machines) it stops
// with one sentence saying so.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { binary: electron, reason } = ensureElectronBinary();
if (!electron) {
  console.error(
    `npm run dist kan inte bygga installationspaketen här: ${reason}. Bygg på en dator som når Electrons nedladdning (eller en spegel i ELECTRON_MIRROR).`,
  );
  process.exit(1);
}
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(process.execPath, [path.join(root, 'build', 'build.mjs'), '--release']);
run(process.execPath, [
  path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
  '--config',
  path.join('build', 'electron-builder.config.cjs'),
  `--config.electronDist=${path.dirname(electron)}`,
  ...process.argv.slice(2),
]);
