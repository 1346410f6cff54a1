// Every native addon the card process loads must load in the Electron of package.json as npm built it
// (nothing rebuilds addons for Electron: npmRebuild is off, and Electron's headers cannot be had here):
// a Node-API addon, or one built for Electron's NODE_MODULE_VERSION.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { addonBuild, addonsOf, electronAbi, loadsInElectron } from '../../build/native-addons.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const addon = (file: string) => addonBuild(readFileSync(path.join(ROOT, 'node_modules', file)));

/**
 * Addons the card process loads that Electron cannot load yet. Empty since the PC/SC monitor moved from
 * pcsclite (a NAN addon, Node's ABI only) to the Node-API binding smartcard (issue 13); nothing may join it.
 */
const NOT_YET_LOADING_IN_ELECTRON: string[] = [];

/** The packages the card-process bundle requires at run time (every bare import, kept external). */
async function cardProcessPackages(): Promise<string[]> {
  const result = await build({
    entryPoints: [path.join(ROOT, 'main/card-process/card-worker-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { __APP_VERSION__: '"test"' },
  });
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external || imported.path.startsWith('node:') || imported.path.startsWith('.')) continue;
      const parts = imported.path.split('/');
      packages.add(imported.path.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return [...packages].filter((name) => name !== 'electron' && !builtinModules.includes(name)).sort();
}

describe('native addons under Electron', () => {
  it('tells a Node-API addon from one built for one ABI, by what it exports', () => {
    expect(addon('pkcs11js/build/Release/pkcs11.node')).toEqual({ kind: 'node-api' });
    expect(addon('smartcard/build/Release/smartcard_napi.node')).toEqual({ kind: 'node-api' });
    // better-sqlite3 (the reference backend's, never in the card process) is built for Node's ABI.
    expect(addon('better-sqlite3/build/Release/better_sqlite3.node')).toEqual({
      kind: 'abi',
      abi: Number(process.versions.modules),
    });
    expect(loadsInElectron({ kind: 'node-api' }, 150)).toBe(true);
    expect(loadsInElectron({ kind: 'abi', abi: 115 }, 150)).toBe(false);
    expect(loadsInElectron({ kind: 'abi', abi: 150 }, 150)).toBe(true);
    expect(loadsInElectron({ kind: 'unknown' }, 150)).toBe(false);
    expect(addonBuild(Buffer.from('no symbols here'))).toEqual({ kind: 'unknown' });
  });

  it('every addon the card process loads is Node-API or built for the Electron in package.json', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const electron = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as {
      version: string;
    };
    expect(electron.version).toBe(pkg.devDependencies.electron);
    const abi = electronAbi(ROOT);
    const addons = addonsOf(ROOT, await cardProcessPackages());
    expect(addons).toContain('pkcs11js/build/Release/pkcs11.node');
    expect(addons).toContain('smartcard/build/Release/smartcard_napi.node');
    const refused = addons.filter((file) => !loadsInElectron(addon(file), abi));
    expect(refused, `addons that Electron ${electron.version} (NODE_MODULE_VERSION ${abi}) cannot load`).toEqual(
      NOT_YET_LOADING_IN_ELECTRON,
    );
  });
});
