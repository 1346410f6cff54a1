import type { ConfigurationEntry } from '../../common/diagnostics/support-report';
import type { SettingEntry } from '../../common/settings/settings';

/** A URL without user name and password (a proxy address may carry both). */
export function withoutCredentials(value: string): string {
  try {
    const url = new URL(value);
    if (!url.username && !url.password) return value;
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return value;
  }
}

export interface ConfigurationInput {
  /** Every setting with its source and lock (the configuration layer's resolved entries). */
  entries: readonly SettingEntry[];
  /** The PKCS#11 module actually used (the first of the configured ones that exists). */
  modulePath: string;
}

/**
 * The configuration in effect for the support report: each setting with where it came from, plus
 * the PKCS#11 module the card layer chose. URLs lose any credentials.
 */
export function describeConfiguration({ entries, modulePath }: ConfigurationInput): ConfigurationEntry[] {
  const described: ConfigurationEntry[] = entries.map(({ key, value, source, locked }) => ({
    key,
    value: Array.isArray(value)
      ? value.map(withoutCredentials)
      : typeof value === 'string'
        ? withoutCredentials(value)
        : value === null
          ? null
          : String(value),
    source,
    locked,
  }));
  const modules = entries.find((entry) => entry.key === 'pkcs11Modules');
  described.push({
    key: 'pkcs11ModuleInUse',
    value: modulePath,
    source: modules?.source ?? 'default',
    locked: modules?.locked ?? false,
  });
  return described;
}
