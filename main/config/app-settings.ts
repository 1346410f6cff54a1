import os from 'node:os';
import path from 'node:path';
import type { CardRemovalPolicy } from '../../common/session/session-state';
import type { Settings } from '../../common/settings/settings';
import { cardSettingsFrom, type CardSettings, type CardSettingsSources } from './card-settings';
import { resolveConfig, type PolicyLocation, type ResolvedConfig } from './config-resolver';
import { cachedPolicyRegistry, POLICY_REGISTRY_KEY, type PolicyRegistry } from './policy-registry';
import { PRODUCT_NAME } from '../../common/product';

/** The system policy file on Linux and macOS (root-owned; IT pushes it). */
export const LINUX_POLICY_FILE = '/etc/behorighetsadmin/policy.json';
/** The user settings file's name in the user data folder. */
export const USER_SETTINGS_FILE = 'settings.json';
/** Folder name under the platform's application-data folder (Electron's userData uses the product name). */
export const USER_DATA_FOLDER = PRODUCT_NAME;

export interface AppSettingsSources extends CardSettingsSources {
  /** The user data folder (Electron's app.getPath('userData')); derived from the platform when absent. */
  userDataDir?: string;
  /**
   * A packaged build: development flags and the test overrides of the policy and user data
   * locations (BEHORIGHETSADMIN_POLICY_FILE, BEHORIGHETSADMIN_USER_DATA) are not read.
   */
  packaged?: boolean;
  /** The Windows registry (native-reg; tests pass a fake). Read once and cached. */
  registry?: PolicyRegistry;
  /** Values of the development demo environment. */
  demo?: Partial<Settings>;
}

export interface NetworkSettings {
  proxy: Settings['proxy'];
  /** PEM text of the extra CA certificates to trust for TLS, besides the system's. */
  extraCaPems: string[];
}

export interface AppSettings {
  card: CardSettings;
  backend: { url: string; origin: string } | null;
  cardRemovalPolicy: CardRemovalPolicy;
  network: NetworkSettings;
  logLevel: Settings['logLevel'];
  language: Settings['language'];
  crashReporting: boolean;
  /** Every value with its source and lock, and what was wrong in the configuration. */
  config: ResolvedConfig;
}

/** The platform's application-data folder for this program, as Electron would choose it. */
export function defaultUserDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string {
  const home = env.HOME || env.USERPROFILE || os.homedir();
  if (platform === 'win32') return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), USER_DATA_FOLDER);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', USER_DATA_FOLDER);
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), USER_DATA_FOLDER);
}

/** Where system policy is read: the registry on Windows, the policy file elsewhere (or where a test points). */
export function policyLocation(sources: AppSettingsSources): PolicyLocation {
  const override = sources.packaged ? undefined : sources.env.BEHORIGHETSADMIN_POLICY_FILE?.trim();
  if (override) return { kind: 'file', file: override };
  if (sources.platform === 'win32')
    return { kind: 'registry', key: POLICY_REGISTRY_KEY, registry: cachedPolicyRegistry(sources.registry) };
  return { kind: 'file', file: LINUX_POLICY_FILE };
}

/** The user settings file for these sources. */
export function userSettingsFile(sources: AppSettingsSources): string {
  const override = sources.packaged ? undefined : sources.env.BEHORIGHETSADMIN_USER_DATA?.trim();
  const dir = override || sources.userDataDir || defaultUserDataDir(sources.platform, sources.env);
  return path.join(dir, USER_SETTINGS_FILE);
}

/**
 * Settings for the main process: built-in defaults < user settings < system policy < development
 * flags (the BEHORIGHETSADMIN_* environment variables; not in a packaged build). Never throws:
 * what is wrong is in `config.issues`, and the program starts anyway.
 */
export function resolveAppSettings(sources: AppSettingsSources): AppSettings {
  const config = resolveConfig({
    platform: sources.platform,
    env: sources.env,
    userFile: userSettingsFile(sources),
    policy: policyLocation(sources),
    readFlags: !sources.packaged,
    demo: sources.demo,
  });
  const { values } = config;
  return {
    card: cardSettingsFrom(values, sources.resourcesDir, sources.exists),
    backend: values.backendUrl ? { url: values.backendUrl, origin: new URL(values.origin).origin } : null,
    cardRemovalPolicy: values.cardRemoval,
    network: { proxy: values.proxy, extraCaPems: config.extraCaPems },
    logLevel: values.logLevel,
    language: values.language,
    crashReporting: values.crashReporting,
    config,
  };
}
