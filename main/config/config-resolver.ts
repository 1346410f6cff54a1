import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  POLICY_ONLY_KEYS,
  SETTING_KEYS,
  SETTING_VALUE_SCHEMAS,
  type ConfigIssue,
  type ConfigProblem,
  type SettingEntry,
  type SettingKey,
  type SettingSource,
  type Settings,
} from '../../common/settings/settings';
import type { PolicyRegistry, RegistryValue } from './policy-registry';
import { defaultSettings, SETTING_DEFINITIONS } from './settings-definitions';

/** Where system policy is read from: a JSON file (Linux, macOS, tests) or the Windows registry. */
export type PolicyLocation = { kind: 'file'; file: string } | { kind: 'registry'; key: string; registry: PolicyRegistry };

export interface ConfigSources {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The user settings file (JSON) in the user data folder. */
  userFile: string;
  policy: PolicyLocation;
  /** Read development flags from the environment. Never in a packaged build: flags would override policy. */
  readFlags: boolean;
  /** Values of the development demo environment (between the defaults and the user's settings). */
  demo?: Partial<Settings>;
}

export interface ResolvedConfig {
  values: Settings;
  entries: SettingEntry[];
  issues: ConfigIssue[];
  userFile: string;
  policyLocation: string;
  /** The PEM text of every readable certificate in extraCaCertificates. */
  extraCaPems: string[];
}

type LayerSource = ConfigIssue['source'];
type RawLayer = { file: string; values: Record<string, unknown> };

function isSettingKey(name: string): name is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(name);
}

/** An issue: the problem's code with the values its words name (settings.problems in the catalogue). */
function issue(
  source: LayerSource,
  file: string,
  key: string | null,
  problem: ConfigProblem,
  params: Record<string, string> = {},
): ConfigIssue {
  return { source, file, key, problem, params };
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Reads a JSON settings file; a missing file is an empty layer, anything else wrong is an issue. */
export function readJsonLayer(source: LayerSource, file: string, issues: ConfigIssue[]): RawLayer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (code === 'ENOENT') return { file, values: {} };
    issues.push(issue(source, file, null, 'file-unreadable', { detail: code }));
    return { file, values: {} };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    issues.push(issue(source, file, null, 'json-invalid', { detail }));
    return { file, values: {} };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    issues.push(issue(source, file, null, 'not-an-object', {}));
    return { file, values: {} };
  }
  // Keys starting with "$" ("$comment", "$schema") are for people and are ignored.
  return { file, values: Object.fromEntries(Object.entries(parsed).filter(([name]) => !name.startsWith('$'))) };
}

function textToKind(key: SettingKey, text: string, listSeparator: string | RegExp): unknown {
  switch (SETTING_DEFINITIONS[key].kind) {
    case 'list':
      return text
        .split(listSeparator)
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0);
    case 'boolean':
      if (/^(true|1)$/i.test(text.trim())) return true;
      if (/^(false|0)$/i.test(text.trim())) return false;
      return text;
    case 'string':
      return text.trim();
    case 'number':
      return /^\s*\d+\s*$/.test(text) ? Number(text) : text.trim();
  }
}

function registryValueToRaw(key: SettingKey, { type, value }: RegistryValue, env: NodeJS.ProcessEnv): unknown {
  if ((type === 'REG_DWORD' || type === 'REG_QWORD') && (typeof value === 'number' || typeof value === 'bigint')) {
    const number = Number(value);
    return SETTING_DEFINITIONS[key].kind === 'boolean' && (number === 0 || number === 1) ? number === 1 : number;
  }
  if (type === 'REG_MULTI_SZ' && Array.isArray(value)) return value.filter((entry) => entry.length > 0);
  if (type === 'REG_EXPAND_SZ' && typeof value === 'string')
    return textToKind(
      key,
      value.replace(/%([^%]+)%/g, (whole, name: string) => env[name] ?? whole),
      ';',
    );
  if (type === 'REG_SZ' && typeof value === 'string') return textToKind(key, value, ';');
  // Binary and other types cannot hold a setting: shown by type, reported as an invalid value.
  return `(${type})`;
}

/** Reads the Windows policy key; a missing key is an empty layer. */
export function readRegistryLayer(
  key: string,
  registry: PolicyRegistry,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
): RawLayer {
  let values: RegistryValue[] | null;
  try {
    values = registry.readValues(key);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    issues.push(issue('policy', key, null, 'registry-unreadable', { detail }));
    return { file: key, values: {} };
  }
  const raw: Record<string, unknown> = {};
  for (const value of values ?? []) {
    raw[value.name] = isSettingKey(value.name) ? registryValueToRaw(value.name, value, env) : value.value;
  }
  return { file: key, values: raw };
}

/** The development flags: one environment variable per key (lists separated by the platform's path delimiter). */
export function readFlagLayer(env: NodeJS.ProcessEnv): {
  values: Record<string, unknown>;
  files: Partial<Record<SettingKey, string>>;
} {
  const values: Record<string, unknown> = {};
  const files: Partial<Record<SettingKey, string>> = {};
  for (const key of SETTING_KEYS) {
    const name = SETTING_DEFINITIONS[key].env;
    const text = env[name];
    if (text === undefined || text.trim() === '') continue;
    values[key] = textToKind(key, text, path.delimiter);
    // The environment variable's name: the catalogue says what it is (settings.issues.environmentVariable).
    files[key] = name;
  }
  return { values, files };
}

/** Checks one layer's values against the schemas; invalid values are reported and left out. */
function validateLayer(source: LayerSource, layer: RawLayer, issues: ConfigIssue[], fileOf?: (key: SettingKey) => string) {
  const valid: Partial<Record<SettingKey, unknown>> = {};
  const present = new Set<SettingKey>();
  for (const [name, value] of Object.entries(layer.values)) {
    if (!isSettingKey(name)) {
      issues.push(issue(source, layer.file, name, 'unknown-key', { known: SETTING_KEYS.join(', ') }));
      continue;
    }
    const file = fileOf?.(name) ?? layer.file;
    if (source === 'user' && POLICY_ONLY_KEYS.includes(name)) {
      issues.push(issue(source, file, name, 'policy-only', {}));
      continue;
    }
    present.add(name);
    const parsed = SETTING_VALUE_SCHEMAS[name].safeParse(value);
    if (!parsed.success) {
      issues.push(issue(source, file, name, 'invalid-value', { value: shown(value) }));
      continue;
    }
    valid[name] = parsed.data;
  }
  return { valid, present };
}

/** Reads each certificate file; unreadable or non-certificate files become issues. */
export function loadCertificates(
  key: SettingKey,
  paths: readonly string[],
  source: LayerSource,
  issues: ConfigIssue[],
): string[] {
  const pems: string[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      issues.push(issue(source, file, key, 'certificate-unreadable', { detail: code }));
      continue;
    }
    const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const valid = blocks.filter((block) => {
      try {
        new X509Certificate(block);
        return true;
      } catch {
        return false;
      }
    });
    if (valid.length === 0 || valid.length !== blocks.length) {
      issues.push(issue(source, file, key, 'certificate-invalid', {}));
      continue;
    }
    pems.push(...valid);
  }
  return pems;
}

/**
 * Resolves every setting: built-in defaults < demo environment < user settings < system policy <
 * development flags. A key present in policy is locked: user values for it are ignored, and an
 * invalid policy value falls back to the default rather than to the user's value.
 */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const issues: ConfigIssue[] = [];
  const defaults = defaultSettings(sources.platform);
  const user = validateLayer('user', readJsonLayer('user', sources.userFile, issues), issues);
  const policyLayer =
    sources.policy.kind === 'file'
      ? readJsonLayer('policy', sources.policy.file, issues)
      : readRegistryLayer(sources.policy.key, sources.policy.registry, sources.env, issues);
  const policy = validateLayer('policy', policyLayer, issues);
  const flagLayer = sources.readFlags ? readFlagLayer(sources.env) : { values: {}, files: {} };
  const flags = validateLayer(
    'flag',
    { file: 'environment', values: flagLayer.values },
    issues,
    (key) => flagLayer.files[key] ?? 'environment',
  );

  const values = { ...defaults } as Record<SettingKey, unknown>;
  const entries: SettingEntry[] = [];
  for (const key of SETTING_KEYS) {
    let source: SettingSource = 'default';
    const locked = policy.present.has(key);
    const set = (layer: { valid: Partial<Record<SettingKey, unknown>> }, from: SettingSource) => {
      if (Object.prototype.hasOwnProperty.call(layer.valid, key)) {
        values[key] = layer.valid[key];
        source = from;
      }
    };
    if (sources.demo && sources.demo[key] !== undefined) {
      values[key] = sources.demo[key];
      source = 'demo';
    }
    if (!locked) set(user, 'user');
    set(policy, 'policy');
    set(flags, 'flag');
    const editable = !locked && !POLICY_ONLY_KEYS.includes(key);
    entries.push({ key, value: values[key] as SettingEntry['value'], source, locked, editable });
  }
  const settings = values as Settings;
  const sourceOf = (key: SettingKey): LayerSource => {
    const from = entries.find((entry) => entry.key === key)?.source;
    return from === 'user' || from === 'policy' ? from : 'flag';
  };
  const extraCaPems = loadCertificates(
    'extraCaCertificates',
    settings.extraCaCertificates,
    sourceOf('extraCaCertificates'),
    issues,
  );
  loadCertificates('trustAnchors', settings.trustAnchors, sourceOf('trustAnchors'), issues);
  return {
    values: settings,
    entries,
    issues,
    userFile: sources.userFile,
    policyLocation: sources.policy.kind === 'file' ? sources.policy.file : sources.policy.key,
    extraCaPems,
  };
}
