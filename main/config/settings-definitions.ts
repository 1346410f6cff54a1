import { DEFAULT_EXPIRY_WARNING_DAYS } from '../../common/card/card-state';
import { DEFAULT_IGNORED_READERS } from '../../common/card/ignored-readers';
import type { SettingKey, Settings } from '../../common/settings/settings';

/** Where the PKCS#11 middleware usually lives, in the order tried: Net iD first, then OpenSC. */
export const DEFAULT_PKCS11_MODULES: Readonly<Record<string, readonly string[]>> = {
  win32: ['C:\\Windows\\System32\\iidp11.dll', 'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll'],
  linux: ['/usr/lib/x86_64-linux-gnu/libiidp11.so', '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so'],
  darwin: ['/Library/Application Support/Net iD/libiidp11.dylib', '/Library/OpenSC/lib/opensc-pkcs11.so'],
};

/** The origin login signatures are bound to unless configured otherwise (the reference backend's default). */
export const DEFAULT_ORIGIN = 'https://behorighetsadmin.test';

/** How a key is written where a value is only text (environment variables, registry REG_SZ). */
export type SettingKind = 'string' | 'list' | 'boolean' | 'number';

export interface SettingDefinition {
  kind: SettingKind;
  /** The development flag (environment variable) for this key. */
  env: string;
}

export const SETTING_DEFINITIONS: Readonly<Record<SettingKey, SettingDefinition>> = {
  backendUrl: {
    kind: 'string',
    env: 'BEHORIGHETSADMIN_BACKEND_URL',
  },
  origin: {
    kind: 'string',
    env: 'BEHORIGHETSADMIN_ORIGIN',
  },
  pkcs11Modules: {
    kind: 'list',
    env: 'BEHORIGHETSADMIN_PKCS11_MODULE',
  },
  trustAnchors: {
    kind: 'list',
    env: 'BEHORIGHETSADMIN_TRUST_ANCHORS',
  },
  extraCaCertificates: {
    kind: 'list',
    env: 'BEHORIGHETSADMIN_EXTRA_CA_CERTS',
  },
  cardRemoval: { kind: 'string', env: 'BEHORIGHETSADMIN_CARD_REMOVAL' },
  proxy: {
    kind: 'string',
    env: 'BEHORIGHETSADMIN_PROXY',
  },
  logLevel: {
    kind: 'string',
    env: 'BEHORIGHETSADMIN_LOG_LEVEL',
  },
  language: { kind: 'string', env: 'BEHORIGHETSADMIN_LANGUAGE' },
  crashReporting: {
    kind: 'boolean',
    env: 'BEHORIGHETSADMIN_CRASH_REPORTING',
  },
  ignoredReaders: { kind: 'list', env: 'BEHORIGHETSADMIN_IGNORED_READERS' },
  expiryWarningDays: { kind: 'number', env: 'BEHORIGHETSADMIN_EXPIRY_WARNING_DAYS' },
};

/** The built-in defaults; the PKCS#11 modules depend on the platform (Net iD first, then OpenSC). */
export function defaultSettings(platform: NodeJS.Platform): Settings {
  const modules = DEFAULT_PKCS11_MODULES[platform] ?? [];
  return {
    backendUrl: null,
    origin: DEFAULT_ORIGIN,
    pkcs11Modules: modules.length > 0 ? [...modules] : ['opensc-pkcs11.so'],
    trustAnchors: [],
    extraCaCertificates: [],
    cardRemoval: 'logout',
    proxy: 'system',
    logLevel: 'info',
    language: 'sv',
    crashReporting: false,
    ignoredReaders: [...DEFAULT_IGNORED_READERS],
    expiryWarningDays: DEFAULT_EXPIRY_WARNING_DAYS,
  };
}
