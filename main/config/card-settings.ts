import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the PKCS#11 middleware usually lives, in the order tried: Net iD first, then OpenSC. */
export const DEFAULT_PKCS11_MODULES: Readonly<Record<string, readonly string[]>> = {
  win32: ['C:\\Windows\\System32\\iidp11.dll', 'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll'],
  linux: ['/usr/lib/x86_64-linux-gnu/libiidp11.so', '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so'],
  darwin: ['/Library/Application Support/Net iD/libiidp11.dylib', '/Library/OpenSC/lib/opensc-pkcs11.so'],
};

export interface CardSettings {
  modulePath: string;
  trustAnchorPaths: string[];
  atrTablePath: string;
}

export interface CardSettingsSources {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  resourcesDir: string;
  exists?: (file: string) => boolean;
}

/**
 * The card layer's settings. Until the policy file arrives (deployment issue) they come from the
 * environment: BEHORIGHETSADMIN_PKCS11_MODULE and BEHORIGHETSADMIN_TRUST_ANCHORS (path-list).
 */
export function resolveCardSettings({ env, platform, resourcesDir, exists = existsSync }: CardSettingsSources): CardSettings {
  const candidates = DEFAULT_PKCS11_MODULES[platform] ?? [];
  const modulePath = env.BEHORIGHETSADMIN_PKCS11_MODULE || candidates.find((file) => exists(file)) || candidates[0] || 'opensc-pkcs11.so';
  const trustAnchorPaths = (env.BEHORIGHETSADMIN_TRUST_ANCHORS ?? '').split(path.delimiter).filter((entry) => entry.length > 0);
  return { modulePath, trustAnchorPaths, atrTablePath: path.join(resourcesDir, 'known-atrs.json') };
}
