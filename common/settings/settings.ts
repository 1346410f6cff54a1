import { z } from 'zod';

/**
 * The program's settings as every layer (defaults, user settings, system policy, development flags)
 * names them: the same keys in the policy JSON file, the Windows registry and the user settings file.
 */
export const SETTING_KEYS = [
  'backendUrl',
  'origin',
  'pkcs11Modules',
  'trustAnchors',
  'extraCaCertificates',
  'cardRemoval',
  'proxy',
  'logLevel',
  'language',
  'crashReporting',
  'ignoredReaders',
  'expiryWarningDays',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048);
const pathList = z.array(z.string().trim().min(1).max(1024)).max(20);

/** The value each key takes, whatever layer it comes from. */
export const SETTING_VALUE_SCHEMAS = {
  backendUrl: httpUrl.nullable(),
  origin: httpUrl.refine((value) => new URL(value).origin === value.replace(/\/$/, ''), 'origin'),
  pkcs11Modules: pathList.min(1),
  trustAnchors: pathList,
  extraCaCertificates: pathList,
  cardRemoval: z.enum(['logout', 'lock']),
  proxy: z.union([z.enum(['system', 'direct']), httpUrl]),
  logLevel: z.enum(LOG_LEVELS),
  language: z.enum(['sv', 'en']),
  crashReporting: z.boolean(),
  ignoredReaders: z.array(z.string().trim().min(1).max(128)).max(50),
  expiryWarningDays: z.number().int().min(1).max(365),
} as const satisfies Record<SettingKey, z.ZodType>;

export type Settings = { [K in SettingKey]: z.infer<(typeof SETTING_VALUE_SCHEMAS)[K]> };

/** Keys only system policy (or a development flag) may set: never the user. */
export const POLICY_ONLY_KEYS: readonly SettingKey[] = ['crashReporting', 'ignoredReaders', 'expiryWarningDays'];

/** Where a value came from; `demo` is the development demo environment (never in a packaged build). */
export const SETTING_SOURCES = ['default', 'demo', 'user', 'policy', 'flag'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

export const settingValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
export type SettingValue = z.infer<typeof settingValueSchema>;

export const settingEntrySchema = z.object({
  key: z.enum(SETTING_KEYS),
  value: settingValueSchema,
  source: z.enum(SETTING_SOURCES),
  /** System policy sets this key: the user cannot change it. */
  locked: z.boolean(),
  /** The user may change it here (not locked, not a policy-only key). */
  editable: z.boolean(),
});
export type SettingEntry = z.infer<typeof settingEntrySchema>;

/** What can be wrong with a configuration layer. */
export const CONFIG_PROBLEMS = [
  'file-unreadable',
  'json-invalid',
  'not-an-object',
  'unknown-key',
  'invalid-value',
  'policy-only',
  'registry-unreadable',
  'certificate-unreadable',
  'certificate-invalid',
] as const;
export type ConfigProblem = (typeof CONFIG_PROBLEMS)[number];

export const configIssueSchema = z.object({
  source: z.enum(['user', 'policy', 'flag']),
  /** The file (or registry key, or environment variable) the problem is in. */
  file: z.string(),
  /** The setting concerned, or null when the whole file is at fault. */
  key: z.string().nullable(),
  problem: z.enum(CONFIG_PROBLEMS),
  /** The values the problem's words name (settings.problems in the catalogue): detail, value, known keys. */
  params: z.record(z.string(), z.string()),
});
export type ConfigIssue = z.infer<typeof configIssueSchema>;

export const settingsReportSchema = z.object({
  entries: z.array(settingEntrySchema),
  issues: z.array(configIssueSchema),
  /** The user settings file (written by "Spara"). */
  userFile: z.string(),
  /** The policy file or registry key read. */
  policyLocation: z.string(),
  demoMode: z.boolean(),
});
export type SettingsReport = z.infer<typeof settingsReportSchema>;

export const setUserSettingRequestSchema = z
  .object({
    key: z.enum(SETTING_KEYS),
    /** null removes the user's value (the default or policy applies again). */
    value: settingValueSchema,
  })
  .strict();
