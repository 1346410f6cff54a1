import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CONFIG = path.join(ROOT, 'build', 'electron-builder.config.cjs');

type Target = { target: string; arch: string[] };
type Config = Record<string, unknown> & {
  asarUnpack: string[];
  files: string[];
  electronFuses: Record<string, boolean>;
  win: { target: Target[] };
  linux: { target: Target[] };
  msi: Record<string, unknown>;
  nsis: Record<string, unknown>;
};

function loadConfig(env: Record<string, string | undefined> = {}): Config {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    delete require.cache[CONFIG];
    return require(CONFIG) as Config;
  } finally {
    process.env = saved;
  }
}

describe('electron-builder configuration', () => {
  it('is valid against electron-builder’s own schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    // The CommonJS module also exports helpers; validate the configuration object itself.
    const {
      MSI_UPGRADE_CODE: _code,
      NATIVE_MODULES: _native,
      ELECTRON_BUILDER_DEB_DEFAULTS: _defaults,
      ...config
    } = loadConfig();
    const logger = { isEnabled: false, add: () => undefined };
    await expect(validateConfiguration(config, logger)).resolves.toBeUndefined();
    // The validator bites: a misspelt option is refused.
    await expect(validateConfiguration({ ...config, msi: { ...config.msi, perMachne: true } }, logger)).rejects.toThrow(
      /Invalid configuration object/,
    );
  });

  it('builds MSI and NSIS per machine on Windows, deb and AppImage on Linux', () => {
    const config = loadConfig();
    expect(config.win.target.map((entry) => entry.target)).toEqual(['msi', 'nsis']);
    expect(config.linux.target.map((entry) => entry.target)).toEqual(['deb', 'AppImage']);
    expect(config.msi).toMatchObject({ perMachine: true, oneClick: true, upgradeCode: '6f1f3a52-2c4e-4b8e-9d0a-5b3c7e1d2a94' });
    expect(String(config.msi.upgradeCode)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
  });

  it('never rebuilds node_modules, ships only the dependencies (the addons), unpacked from the asar', () => {
    const config = loadConfig();
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    // A rebuild would rebuild the development node_modules in place, for Electron.
    expect(config.npmRebuild).toBe(false);
    expect(config.asar).toBe(true);
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['pkcs11js', 'smartcard']);
    expect(config.asarUnpack).toEqual(['**/node_modules/pkcs11js/**', '**/node_modules/smartcard/**', '**/*.node']);
    // The test bridge stays out of the package.
    expect(config.files).toContain('!dist/bridge{,/**/*}');
  });

  it('keeps electron-builder’s own deb dependencies and adds the card service', () => {
    const config = loadConfig() as Config & { deb: { depends: string[] } };
    // The defaults that `depends` replaces, read from the installed electron-builder itself.
    const source = readFileSync(require.resolve('app-builder-lib/out/targets/FpmTarget.js'), 'utf8');
    const defaults = JSON.parse(/case "deb":\s*return (\[[^\]]*\])/.exec(source)![1]!) as string[];
    expect(defaults).toContain('xdg-utils');
    expect(config.deb.depends).toEqual(expect.arrayContaining([...defaults, 'pcscd', 'libpcsclite1', 'opensc-pkcs11']));
  });

  it('names an author (the MSI’s Manufacturer), has an icon, and main uses the appId as the AppUserModelId', () => {
    const config = loadConfig() as Config & { appId: string; icon: string };
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { author: { name: string; email: string } };
    expect(pkg.author.name).toMatch(/\S/);
    expect(pkg.author.email).toMatch(/@/);
    const icon = readFileSync(path.join(ROOT, config.icon));
    expect(icon.subarray(1, 4).toString()).toBe('PNG');
    // electron-builder needs at least 256×256 to make the Windows icon.
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(256);
    expect(icon.readUInt32BE(20)).toBeGreaterThanOrEqual(256);
    const main = readFileSync(path.join(ROOT, 'main', 'app', 'main.ts'), 'utf8');
    expect(main).toContain(`app.setAppUserModelId('${config.appId}')`);
  });

  it('sets the release fuses, keeping the inspect arguments only in a test build', () => {
    const release = loadConfig({ BEHORIGHETSADMIN_TEST_BUILD: undefined }).electronFuses;
    expect(release).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableNodeCliInspectArguments: false,
    });
    expect(loadConfig({ BEHORIGHETSADMIN_TEST_BUILD: '1' }).electronFuses.enableNodeCliInspectArguments).toBe(true);
  });

  it('has no auto-updater and no update feed', () => {
    const config = loadConfig();
    expect(config.publish).toBeNull();
    expect(JSON.stringify(config)).not.toMatch(/electron-updater|autoUpdate/i);
  });
});
