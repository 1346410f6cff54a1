import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Settings } from '../../common/settings/settings';

export interface CardSettings {
  modulePath: string;
  trustAnchorPaths: string[];
  atrTablePath: string;
  /** Reader-name patterns the card process ignores (Windows Hello, TPM virtual smart cards). */
  ignoredReaders: string[];
  /** Days before its end a card certificate is flagged as expiring (expiryWarningDays). */
  expiryWarningDays: number;
}

export interface CardSettingsSources {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  resourcesDir: string;
  exists?: (file: string) => boolean;
}

/** The card layer's settings from resolved settings: the first PKCS#11 module that exists (else the first listed). */
export function cardSettingsFrom(
  values: Pick<Settings, 'pkcs11Modules' | 'trustAnchors' | 'ignoredReaders' | 'expiryWarningDays'>,
  resourcesDir: string,
  exists: (file: string) => boolean = existsSync,
): CardSettings {
  const modulePath = values.pkcs11Modules.find((file) => exists(file)) ?? values.pkcs11Modules[0] ?? 'opensc-pkcs11.so';
  return {
    modulePath,
    trustAnchorPaths: [...values.trustAnchors],
    atrTablePath: path.join(resourcesDir, 'known-atrs.json'),
    ignoredReaders: [...values.ignoredReaders],
    expiryWarningDays: values.expiryWarningDays,
  };
}
