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
    const { MSI_UPGRADE_CODE: _code, NATIVE_MODULES: _native, ...config } = loadConfig();
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

  it('rebuilds the native addons for Electron and unpacks them from the asar', () => {
    const config = loadConfig();
    expect(config.npmRebuild).toBe(true);
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['**/node_modules/pcsclite/**', '**/node_modules/pkcs11js/**', '**/*.node']);
    // The test bridge and the server-only dependencies stay out of the package.
    expect(config.files).toContain('!dist/bridge{,/**/*}');
    expect(config.files).toContain('!node_modules/better-sqlite3{,/**/*}');
    expect(config.files).toContain('!node_modules/fastify{,/**/*}');
    expect(config.files.some((pattern) => pattern.includes('pcsclite') || pattern.includes('pkcs11js'))).toBe(false);
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
