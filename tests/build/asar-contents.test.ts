// The installer is lean: an offline `electron-builder --dir` (Linux) of a release build, with a
// stand-in Electron distribution (a shell script named as Electron's binary; Electron cannot be
// downloaded here, and the fuses that need the real binary are left out), ships exactly the native
// addons the packaged app loads at run time and their dependencies — nothing that Vite or esbuild
// bundled, nothing of the server or the test bridge — and never rebuilds the development node_modules.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** What the app loads at run time (see build/build.mjs's externals): the addons and what they require
 * (native-reg, the Windows registry, is an optional dependency: Node-API, prebuilt, loads its binary only on Windows). */
const EXPECTED_NODE_MODULES = ['native-reg', 'node-addon-api', 'node-gyp-build', 'pkcs11js', 'smartcard'];

type Builder = {
  build(options: Record<string, unknown>): Promise<string[]>;
  Platform: { LINUX: { createTarget(targets: string[]): unknown } };
};

describe('electron-builder --dir', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-asar-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('packs exactly the runtime addons into the asar and leaves the development node_modules alone', async () => {
    const built = spawnSync(
      process.execPath,
      [path.join(ROOT, 'build', 'build.mjs'), '--release', '--out', path.join(work, 'dist')],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(built.status, built.stderr).toBe(0);

    const electronDist = path.join(work, 'electron');
    mkdirSync(electronDist);
    writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\necho stand-in electron\n');
    chmodSync(path.join(electronDist, 'electron'), 0o755);

    const addons = ['smartcard/build/Release/smartcard_napi.node', 'pkcs11js/build/Release/pkcs11.node'].map((file) =>
      path.join(ROOT, 'node_modules', file),
    );
    const before = addons.map((file) => statSync(file).mtimeMs);

    const { build, Platform } = require('electron-builder') as Builder;
    const {
      MSI_UPGRADE_CODE: _code,
      NATIVE_MODULES: _native,
      ELECTRON_BUILDER_DEB_DEFAULTS: _defaults,
      ...config
    } = require('../../build/electron-builder.config.cjs') as Record<string, unknown> & { files: string[]; directories: object };
    await build({
      projectDir: ROOT,
      targets: Platform.LINUX.createTarget(['dir']),
      publish: 'never',
      config: {
        ...config,
        // The release build made above, in place of the files from dist/.
        files: [
          ...config.files.filter((pattern) => !pattern.startsWith('dist/')),
          { from: path.join(work, 'dist'), to: 'dist', filter: ['main/**/*', 'preload/**/*', 'renderer/**/*', '!**/*.map'] },
        ],
        electronDist,
        electronFuses: null,
        directories: { ...config.directories, output: path.join(work, 'release') },
      },
    });

    const resources = path.join(work, 'release', 'linux-unpacked', 'resources');
    const asar = path.join(resources, 'app.asar');
    const entries = listPackage(asar, { isPack: false }).map((entry) => entry.split(path.sep).join('/'));
    const packages = new Set<string>();
    for (const entry of entries) {
      const parts = entry.split('/');
      if (parts[1] !== 'node_modules' || parts.length < 3) continue;
      packages.add(parts[2]!.startsWith('@') ? `${parts[2]}/${parts[3]}` : parts[2]!);
    }
    expect([...packages].sort()).toEqual(EXPECTED_NODE_MODULES);
    expect(entries).toEqual(
      expect.arrayContaining(['/package.json', '/dist/main/main.cjs', '/dist/main/card-worker.cjs', '/dist/preload/preload.cjs']),
    );
    expect(entries.filter((entry) => entry.startsWith('/dist/bridge'))).toEqual([]);
    console.log(`[asar] ${(statSync(asar).size / 1e6).toFixed(1)} MB, node_modules: ${[...packages].sort().join(', ')}`);

    // npmRebuild is off: the development addons were not rebuilt (for Electron) in place.
    expect(addons.map((file) => statSync(file).mtimeMs)).toEqual(before);
  }, 300_000);
});
