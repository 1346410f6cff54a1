import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCa } from '../../tests/fixtures/test-tls';
import { SETTING_KEYS, type ConfigIssue, type SettingKey } from '../../common/settings/settings';
import { AppFailure } from '../errors/app-failure';
import { resolveAppSettings } from './app-settings';
import { resolveConfig, type ConfigSources } from './config-resolver';
import * as nativeReg from 'native-reg';
import {
  CachedPolicyRegistry,
  decodeRegistryValue,
  NativeRegPolicyRegistry,
  POLICY_REGISTRY_KEY,
  type PolicyRegistry,
  type RegistryValue,
} from './policy-registry';
import { UserSettingsStore } from './user-settings-store';
import { catalogueTranslator, configIssueText } from '../../renderer/src/i18n/catalogue';

/** A fake of the PolicyRegistry interface: values per key, or a failure to read. */
class FakePolicyRegistry implements PolicyRegistry {
  constructor(private readonly keys: Record<string, RegistryValue[] | Error>) {}
  readValues(key: string): RegistryValue[] | null {
    const entry = this.keys[key];
    if (entry instanceof Error) throw entry;
    return entry ?? null;
  }
}

let dir: string;
let userFile: string;
let policyFile: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'behorighetsadmin-config-'));
  userFile = path.join(dir, 'user', 'settings.json');
  policyFile = path.join(dir, 'policy.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
}

function resolve(overrides: Partial<ConfigSources> = {}) {
  return resolveConfig({
    platform: 'linux',
    env: {},
    userFile,
    policy: { kind: 'file', file: policyFile },
    readFlags: true,
    ...overrides,
  });
}

function entry(config: ReturnType<typeof resolve>, key: SettingKey) {
  return config.entries.find((candidate) => candidate.key === key)!;
}

async function makeCaPem(): Promise<string> {
  return (await createTestCa()).certificatePem;
}

describe('precedence: defaults < user < policy < flags', () => {
  it('uses the built-in defaults when nothing is configured, with per-platform PKCS#11 modules', () => {
    const config = resolve();
    expect(config.issues).toEqual([]);
    expect(config.values).toMatchObject({
      backendUrl: null,
      cardRemoval: 'logout',
      proxy: 'system',
      logLevel: 'info',
      language: 'sv',
      crashReporting: false,
    });
    expect(config.values.pkcs11Modules[0]).toMatch(/libiidp11\.so$/);
    expect(resolve({ platform: 'win32' }).values.pkcs11Modules).toEqual([
      'C:\\Windows\\System32\\iidp11.dll',
      'C:\\Program Files\\OpenSC Project\\OpenSC\\pkcs11\\opensc-pkcs11.dll',
    ]);
    expect(config.entries.every((candidate) => candidate.source === 'default' && !candidate.locked)).toBe(true);
    expect(config.entries.map((candidate) => candidate.key)).toEqual([...SETTING_KEYS]);
  });

  it('lets each layer override the one below and reports where every value came from', () => {
    writeJson(userFile, { cardRemoval: 'lock', language: 'en', logLevel: 'debug', backendUrl: 'https://user.example/api' });
    writeJson(policyFile, { logLevel: 'warn', backendUrl: 'https://policy.example/api' });
    const config = resolve({ env: { BEHORIGHETSADMIN_BACKEND_URL: 'http://127.0.0.1:4780' } });
    expect(config.issues).toEqual([]);
    expect(entry(config, 'cardRemoval')).toMatchObject({ value: 'lock', source: 'user', locked: false, editable: true });
    expect(entry(config, 'language')).toMatchObject({ value: 'en', source: 'user' });
    expect(entry(config, 'logLevel')).toMatchObject({ value: 'warn', source: 'policy', locked: true, editable: false });
    expect(entry(config, 'backendUrl')).toMatchObject({ value: 'http://127.0.0.1:4780', source: 'flag', locked: true });
    expect(entry(config, 'proxy')).toMatchObject({ value: 'system', source: 'default' });
  });

  it('places the demo environment between the defaults and the user settings', () => {
    writeJson(userFile, { pkcs11Modules: ['/opt/netid/libiidp11.so'] });
    const config = resolve({ demo: { backendUrl: 'http://127.0.0.1:5000', pkcs11Modules: ['/lab/opensc-pkcs11.so'] } });
    expect(entry(config, 'backendUrl')).toMatchObject({ value: 'http://127.0.0.1:5000', source: 'demo' });
    expect(entry(config, 'pkcs11Modules')).toMatchObject({ value: ['/opt/netid/libiidp11.so'], source: 'user' });
  });

  it('reads the development flags from the environment (lists split on the path delimiter)', () => {
    const config = resolve({
      env: {
        BEHORIGHETSADMIN_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
        BEHORIGHETSADMIN_TRUST_ANCHORS: '',
        BEHORIGHETSADMIN_CARD_REMOVAL: 'lock',
        BEHORIGHETSADMIN_PROXY: 'http://proxy.kommun.test:8080',
        BEHORIGHETSADMIN_CRASH_REPORTING: '1',
        BEHORIGHETSADMIN_ORIGIN: 'https://behorighet.example',
      },
    });
    expect(config.issues).toEqual([]);
    expect(config.values).toMatchObject({
      pkcs11Modules: ['/usr/lib/softhsm/libsofthsm2.so'],
      trustAnchors: [],
      cardRemoval: 'lock',
      proxy: 'http://proxy.kommun.test:8080',
      crashReporting: true,
      origin: 'https://behorighet.example',
    });
  });

  it('ignores flags when told to (a packaged build): policy cannot be overridden from the environment', () => {
    writeJson(policyFile, { backendUrl: 'https://policy.example/api' });
    const config = resolve({ readFlags: false, env: { BEHORIGHETSADMIN_BACKEND_URL: 'http://evil.example' } });
    expect(entry(config, 'backendUrl')).toMatchObject({ value: 'https://policy.example/api', source: 'policy', locked: true });
  });
});

describe('policy-locked values', () => {
  it('locks every key the policy sets: the user value is ignored and the key is not editable', () => {
    writeJson(userFile, { cardRemoval: 'logout', proxy: 'direct' });
    writeJson(policyFile, { cardRemoval: 'lock', crashReporting: true });
    const config = resolve();
    expect(entry(config, 'cardRemoval')).toEqual({
      key: 'cardRemoval',
      value: 'lock',
      source: 'policy',
      locked: true,
      editable: false,
    });
    expect(entry(config, 'crashReporting')).toMatchObject({ value: true, source: 'policy', locked: true });
    expect(entry(config, 'proxy')).toMatchObject({ value: 'direct', source: 'user', locked: false, editable: true });
  });

  it('keeps a key locked when its policy value is invalid, falling back to the default rather than the user value', () => {
    writeJson(userFile, { cardRemoval: 'lock' });
    writeJson(policyFile, { cardRemoval: 'sleep' });
    const config = resolve();
    expect(entry(config, 'cardRemoval')).toMatchObject({ value: 'logout', source: 'default', locked: true, editable: false });
    expect(config.issues).toHaveLength(1);
  });

  it('crash reporting is off unless policy enables it, and the user cannot turn it on', () => {
    writeJson(userFile, { crashReporting: true });
    const config = resolve();
    expect(entry(config, 'crashReporting')).toMatchObject({ value: false, source: 'default', editable: false });
    expect(config.issues[0]).toMatchObject({ source: 'user', file: userFile, key: 'crashReporting', problem: 'policy-only' });
  });

  it('reads the Windows policy from the registry key (REG_SZ, REG_MULTI_SZ, REG_DWORD, REG_EXPAND_SZ)', () => {
    const registry = new FakePolicyRegistry({
      'HKLM\\Software\\Policies\\Behorighetsadmin': [
        { name: 'backendUrl', type: 'REG_SZ', value: 'https://behorighet.myndighet.example/api' },
        { name: 'pkcs11Modules', type: 'REG_MULTI_SZ', value: ['C:\\Windows\\System32\\iidp11.dll', 'D:\\opensc.dll', ''] },
        { name: 'trustAnchors', type: 'REG_SZ', value: '' },
        { name: 'crashReporting', type: 'REG_DWORD', value: 1 },
        { name: 'proxy', type: 'REG_EXPAND_SZ', value: '%PROXY_URL%' },
      ],
    });
    const config = resolve({
      platform: 'win32',
      env: { PROXY_URL: 'http://proxy.kommun.example:3128' },
      policy: { kind: 'registry', key: 'HKLM\\Software\\Policies\\Behorighetsadmin', registry },
    });
    expect(config.issues).toEqual([]);
    expect(config.policyLocation).toBe('HKLM\\Software\\Policies\\Behorighetsadmin');
    expect(config.values).toMatchObject({
      backendUrl: 'https://behorighet.myndighet.example/api',
      pkcs11Modules: ['C:\\Windows\\System32\\iidp11.dll', 'D:\\opensc.dll'],
      trustAnchors: [],
      crashReporting: true,
      proxy: 'http://proxy.kommun.example:3128',
    });
    expect(config.entries.filter((candidate) => candidate.locked).map((candidate) => candidate.key)).toEqual([
      'backendUrl',
      'pkcs11Modules',
      'trustAnchors',
      'proxy',
      'crashReporting',
    ]);
  });

  it('reads the Windows registry once, however often the settings are resolved', () => {
    let reads = 0;
    const registry: PolicyRegistry = {
      readValues: () => {
        reads += 1;
        return null;
      },
    };
    const sources = { platform: 'win32' as const, env: {}, resourcesDir: dir, userDataDir: dir, packaged: true, registry };
    for (let index = 0; index < 5; index += 1) resolveAppSettings(sources);
    expect(reads).toBe(1);
  });

  it('treats a missing registry key as no policy', () => {
    const config = resolve({
      platform: 'win32',
      policy: { kind: 'registry', key: 'HKLM\\X', registry: new FakePolicyRegistry({}) },
    });
    expect(config.issues).toEqual([]);
    expect(config.entries.some((candidate) => candidate.locked)).toBe(false);
  });
});

/**
 * A FAKE of native-reg's registry calls (openKey, enumValueNames, queryValueRaw, closeKey), which
 * need Windows. The values it holds are made by native-reg's own formatters, exactly as the
 * registry stores them (UTF-16LE), and decoded by native-reg's own parser.
 */
function fakeNativeReg(keys: Record<string, Record<string, nativeReg.Value>>) {
  const opened: string[] = [];
  const closed: string[] = [];
  const module = {
    ...nativeReg,
    openKey: (hive: nativeReg.HKEY, subKey: string) => {
      const name = `${hive === nativeReg.HKLM ? 'HKLM' : String(hive)}\\${subKey}`;
      opened.push(name);
      return keys[name] ? (name as unknown as nativeReg.HKEY) : null;
    },
    enumValueNames: (handle: nativeReg.HKEY) => Object.keys(keys[handle as unknown as string]!),
    queryValueRaw: (handle: nativeReg.HKEY, name: string | null) => keys[handle as unknown as string]![name ?? ''] ?? null,
    closeKey: (handle: nativeReg.HKEY | null | undefined) => void closed.push(handle as unknown as string),
  } as typeof nativeReg;
  return { module, opened, closed };
}

const raw = (type: nativeReg.ValueType, data: Buffer): nativeReg.Value => Object.assign(data, { type });

describe('the Windows registry through native-reg', () => {
  const values = {
    backendUrl: raw(nativeReg.ValueType.SZ, nativeReg.formatString('https://behorighet.example/api')),
    pkcs11Modules: raw(
      nativeReg.ValueType.MULTI_SZ,
      nativeReg.formatMultiString(['C:\\Program Files\\Kortläsare\\iidp11.dll', 'D:\\Säkerhet\\Åtkomst\\öppen-p11.dll']),
    ),
    crashReporting: raw(nativeReg.ValueType.DWORD, nativeReg.formatDWORD(1)),
    proxy: raw(nativeReg.ValueType.EXPAND_SZ, nativeReg.formatString('%PROXY_URL%')),
    Kommentar: raw(nativeReg.ValueType.SZ, nativeReg.formatString('Gäller för Region Västra Götaland – ÅÄÖ åäö é ü')),
    Bilaga: raw(nativeReg.ValueType.BINARY, Buffer.from([1, 2, 3])),
  };

  it('decodes text with å, ä and ö as written, lists, numbers and other types', () => {
    expect(decodeRegistryValue(nativeReg, 'Kommentar', values.Kommentar)).toEqual({
      name: 'Kommentar',
      type: 'REG_SZ',
      value: 'Gäller för Region Västra Götaland – ÅÄÖ åäö é ü',
    });
    expect(decodeRegistryValue(nativeReg, 'pkcs11Modules', values.pkcs11Modules).value).toEqual([
      'C:\\Program Files\\Kortläsare\\iidp11.dll',
      'D:\\Säkerhet\\Åtkomst\\öppen-p11.dll',
    ]);
    expect(decodeRegistryValue(nativeReg, 'crashReporting', values.crashReporting)).toEqual({
      name: 'crashReporting',
      type: 'REG_DWORD',
      value: 1,
    });
    expect(decodeRegistryValue(nativeReg, 'proxy', values.proxy)).toMatchObject({ type: 'REG_EXPAND_SZ', value: '%PROXY_URL%' });
    expect(decodeRegistryValue(nativeReg, 'Bilaga', values.Bilaga)).toEqual({
      name: 'Bilaga',
      type: 'REG_BINARY',
      value: Uint8Array.from([1, 2, 3]),
    });
  });

  it('reads the policy key, closes it, and gives the settings their values with å/ä/ö intact', () => {
    const fake = fakeNativeReg({ [POLICY_REGISTRY_KEY]: values });
    const registry = new NativeRegPolicyRegistry(fake.module);
    const config = resolve({
      platform: 'win32',
      env: { PROXY_URL: 'http://proxy.kommun.example:3128' },
      policy: { kind: 'registry', key: POLICY_REGISTRY_KEY, registry },
    });
    expect(fake.opened).toEqual([POLICY_REGISTRY_KEY]);
    expect(fake.closed).toEqual([POLICY_REGISTRY_KEY]);
    expect(config.values).toMatchObject({
      backendUrl: 'https://behorighet.example/api',
      pkcs11Modules: ['C:\\Program Files\\Kortläsare\\iidp11.dll', 'D:\\Säkerhet\\Åtkomst\\öppen-p11.dll'],
      crashReporting: true,
      proxy: 'http://proxy.kommun.example:3128',
    });
    // Values that are no setting are reported by name, not used.
    expect(config.issues.map((problem) => [problem.key, problem.problem])).toEqual([
      ['Kommentar', 'unknown-key'],
      ['Bilaga', 'unknown-key'],
    ]);
  });

  it('a missing key is no policy', () => {
    expect(new NativeRegPolicyRegistry(fakeNativeReg({}).module).readValues(POLICY_REGISTRY_KEY)).toBeNull();
  });

  it('caches what it read, but not a failure', () => {
    let reads = 0;
    const cached = new CachedPolicyRegistry({
      readValues: () => {
        reads += 1;
        if (reads === 1) throw new Error('ERROR: Access is denied.');
        return [];
      },
    });
    expect(() => cached.readValues('HKLM\\K')).toThrow('Access is denied');
    expect(cached.readValues('HKLM\\K')).toEqual([]);
    expect(cached.readValues('HKLM\\K')).toEqual([]);
    expect(reads).toBe(2);
  });
});

describe('every invalid-configuration message names the file, the key and what is wrong', () => {
  // The words come from the catalogue (renderer/src/i18n), as the settings view shows them in Swedish.
  const t = catalogueTranslator('sv');
  const words = (problem: ConfigIssue) => configIssueText(t, problem);
  const only = (issues: ConfigIssue[]) => {
    expect(issues).toHaveLength(1);
    return issues[0]!;
  };

  it('a file that cannot be read', () => {
    mkdirSync(policyFile);
    const problem = only(resolve().issues);
    expect(problem).toMatchObject({ source: 'policy', file: policyFile, key: null, problem: 'file-unreadable' });
    expect(words(problem)).toBe(`Filen ${policyFile} kunde inte läsas (EISDIR). Inga inställningar från den används.`);
  });

  it('a file that is not JSON', () => {
    writeJson(userFile, '{"cardRemoval": "lock",}');
    const problem = only(resolve().issues);
    expect(problem).toMatchObject({ source: 'user', file: userFile, key: null, problem: 'json-invalid' });
    expect(words(problem)).toMatch(
      new RegExp(
        `^Filen ${userFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} är inte giltig JSON \\(.+\\)\\. Inga inställningar från den används\\.$`,
      ),
    );
    expect(resolve().values.cardRemoval).toBe('logout');
  });

  it('a file that holds something other than an object', () => {
    writeJson(policyFile, ['cardRemoval', 'lock']);
    const problem = only(resolve().issues);
    expect(problem).toMatchObject({ source: 'policy', file: policyFile, key: null, problem: 'not-an-object' });
    expect(words(problem)).toBe(
      `Filen ${policyFile} ska innehålla ett JSON-objekt med inställningar, t.ex. {"cardRemoval": "lock"}. Inga inställningar från den används.`,
    );
  });

  it('an unknown key (keys starting with $ are comments)', () => {
    writeJson(policyFile, { $comment: 'Kommunens policy', backendURL: 'https://x.example' });
    const problem = only(resolve().issues);
    expect(problem).toMatchObject({ source: 'policy', file: policyFile, key: 'backendURL', problem: 'unknown-key' });
    expect(words(problem)).toBe(
      `Fel i ${policyFile}: "backendURL" är ingen känd inställning (kända: ${SETTING_KEYS.join(', ')}). Den används inte.`,
    );
  });

  it('the expiry warning: 30 days by default; policy sets it (JSON number, registry REG_DWORD or REG_SZ, flag), the user cannot', () => {
    expect(resolve().values.expiryWarningDays).toBe(30);
    writeJson(policyFile, { expiryWarningDays: 60 });
    writeJson(userFile, { expiryWarningDays: 5 });
    const fromFile = resolve();
    expect(fromFile.values.expiryWarningDays).toBe(60);
    expect(fromFile.entries.find((entry) => entry.key === 'expiryWarningDays')).toMatchObject({ source: 'policy', locked: true });
    expect(only(fromFile.issues)).toMatchObject({ source: 'user', key: 'expiryWarningDays', problem: 'policy-only' });
    for (const value of [
      { name: 'expiryWarningDays', type: 'REG_DWORD', value: 45 },
      { name: 'expiryWarningDays', type: 'REG_SZ', value: '45' },
    ]) {
      const registry = new FakePolicyRegistry({ 'HKLM\\P': [value] });
      const config = resolve({ platform: 'win32', policy: { kind: 'registry', key: 'HKLM\\P', registry } });
      expect(config.values.expiryWarningDays).toBe(45);
    }
    rmSync(policyFile, { force: true });
    expect(resolve({ env: { BEHORIGHETSADMIN_EXPIRY_WARNING_DAYS: '14' } }).values.expiryWarningDays).toBe(14);
    const bad = resolve({ env: { BEHORIGHETSADMIN_EXPIRY_WARNING_DAYS: 'en månad' } });
    expect(bad.values.expiryWarningDays).toBe(30);
    expect(bad.issues.map((issue) => issue.problem)).toContain('invalid-value');
  });

  it('readers to ignore: the built-in list by default, the policy list when set, never the user list', () => {
    expect(resolve().values.ignoredReaders).toEqual([
      'Windows Hello*',
      'Microsoft Virtual Smart Card*',
      '*TPM Virtual Smart Card*',
    ]);
    writeJson(policyFile, { ignoredReaders: ['Windows Hello*', 'Kommunens testläsare*'] });
    writeJson(userFile, { ignoredReaders: [] });
    const resolved = resolve();
    expect(resolved.values.ignoredReaders).toEqual(['Windows Hello*', 'Kommunens testläsare*']);
    expect(resolved.entries.find((entry) => entry.key === 'ignoredReaders')).toMatchObject({ source: 'policy', locked: true });
    expect(only(resolved.issues)).toMatchObject({ source: 'user', key: 'ignoredReaders', problem: 'policy-only' });
  });

  it('a key only policy may set, in the user file', () => {
    writeJson(userFile, { crashReporting: true });
    expect(words(only(resolve().issues))).toBe(
      `Fel i ${userFile}: "crashReporting" kan bara sättas av systempolicyn, inte i användarens inställningar. Värdet används inte.`,
    );
  });

  const invalid: Record<SettingKey, { value: unknown; expected: string }> = {
    backendUrl: {
      value: 'ftp://backend.example',
      expected: 'en http- eller https-adress, t.ex. "https://behorighet.myndighet.se/api"',
    },
    origin: {
      value: 'https://behorighet.example/login',
      expected: 'en ursprungsadress utan sökväg, t.ex. "https://behorighet.myndighet.se"',
    },
    pkcs11Modules: {
      value: [],
      expected: 'en lista med minst en sökväg till en PKCS#11-modul, t.ex. ["C:\\\\Windows\\\\System32\\\\iidp11.dll"]',
    },
    trustAnchors: {
      value: '/etc/ssl/root.pem',
      expected: 'en lista med sökvägar till PEM-filer med CA-certifikat (rot-CA och utfärdande CA; en fil får innehålla flera)',
    },
    extraCaCertificates: {
      value: [42],
      expected: 'en lista med sökvägar till PEM-filer med CA-certifikat för TLS (t.ex. kommunens egen CA)',
    },
    cardRemoval: { value: 'sleep', expected: '"logout" (logga ut) eller "lock" (lås)' },
    proxy: {
      value: 'proxy.kommun.se:8080',
      expected:
        '"system" (operativsystemets proxy), "direct" (ingen proxy) eller en proxyadress som "http://proxy.kommun.se:8080"',
    },
    logLevel: { value: 'verbose', expected: 'en av "fatal", "error", "warn", "info", "debug", "trace"' },
    language: { value: 'fi', expected: '"sv" (svenska) eller "en" (engelska)' },
    crashReporting: { value: 'yes', expected: 'true eller false (i registret 1 eller 0)' },
    ignoredReaders: {
      value: 'Microsoft Virtual Smart Card*',
      expected:
        'en lista med mönster för namn på kortläsare som programmet ska bortse från, t.ex. ["Microsoft Virtual Smart Card*"] (* står för valfria tecken)',
    },
    expiryWarningDays: {
      value: 0,
      expected:
        'ett heltal från 1 till 365: så många dagar innan kortets certifikat går ut varnar programmet (t.ex. 30; i registret REG_DWORD)',
    },
  };

  for (const key of SETTING_KEYS) {
    it(`an invalid value for ${key}`, () => {
      const { value, expected } = invalid[key];
      writeJson(policyFile, { [key]: value });
      const problem = only(resolve().issues);
      expect(problem).toMatchObject({ source: 'policy', file: policyFile, key, problem: 'invalid-value' });
      expect(words(problem)).toBe(
        `Fel i ${policyFile}: "${key}" har värdet ${JSON.stringify(value)}, men ska vara ${expected}. Värdet används inte.`,
      );
    });
  }

  it('an invalid development flag names the environment variable', () => {
    const problem = only(resolve({ env: { BEHORIGHETSADMIN_CARD_REMOVAL: 'sleep' } }).issues);
    expect(problem).toMatchObject({
      source: 'flag',
      file: 'BEHORIGHETSADMIN_CARD_REMOVAL',
      key: 'cardRemoval',
      problem: 'invalid-value',
    });
    expect(words(problem)).toBe(
      'Fel i miljövariabeln BEHORIGHETSADMIN_CARD_REMOVAL: "cardRemoval" har värdet "sleep", men ska vara "logout" (logga ut) eller "lock" (lås). Värdet används inte.',
    );
  });

  it('a registry key that cannot be read', () => {
    const registry = new FakePolicyRegistry({ 'HKLM\\K': new Error('ERROR: Access is denied.\nmore') });
    const problem = only(resolve({ platform: 'win32', policy: { kind: 'registry', key: 'HKLM\\K', registry } }).issues);
    expect(problem).toMatchObject({ source: 'policy', file: 'HKLM\\K', key: null, problem: 'registry-unreadable' });
    expect(words(problem)).toBe(
      'Registernyckeln HKLM\\K kunde inte läsas (ERROR: Access is denied.). Ingen policy från den används.',
    );
  });

  it('a CA certificate file that cannot be read, and one that holds no certificate', async () => {
    const good = path.join(dir, 'kommun-ca.pem');
    writeFileSync(good, await makeCaPem());
    const missing = path.join(dir, 'missing.pem');
    const garbage = path.join(dir, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    writeJson(policyFile, { extraCaCertificates: [good, missing, garbage] });
    const config = resolve();
    expect(config.extraCaPems).toHaveLength(1);
    expect(config.issues).toEqual([
      {
        source: 'policy',
        file: missing,
        key: 'extraCaCertificates',
        problem: 'certificate-unreadable',
        params: { detail: 'ENOENT' },
      },
      {
        source: 'policy',
        file: garbage,
        key: 'extraCaCertificates',
        problem: 'certificate-invalid',
        params: {},
      },
    ]);
    expect(config.issues.map(words)).toEqual([
      `Certifikatfilen ${missing} i "extraCaCertificates" kunde inte läsas (ENOENT). Den används inte.`,
      `Filen ${garbage} i "extraCaCertificates" innehåller inget giltigt certifikat i PEM-format (-----BEGIN CERTIFICATE-----). Den används inte.`,
    ]);
  });

  it('a trust anchor file that cannot be read', () => {
    const missing = path.join(dir, 'root.pem');
    const problem = only(resolve({ env: { BEHORIGHETSADMIN_TRUST_ANCHORS: missing } }).issues);
    expect(problem).toMatchObject({ source: 'flag', file: missing, key: 'trustAnchors', problem: 'certificate-unreadable' });
  });
});

describe('resolveAppSettings (the callers in main and the test bridge)', () => {
  const base = { platform: 'linux' as const, resourcesDir: '/res', exists: () => false };

  it('keeps the environment flags of the e2e fixtures working', () => {
    const settings = resolveAppSettings({
      ...base,
      env: {
        BEHORIGHETSADMIN_BACKEND_URL: 'http://127.0.0.1:4780',
        BEHORIGHETSADMIN_PKCS11_MODULE: '/lab/opensc-pkcs11.so',
        BEHORIGHETSADMIN_USER_DATA: path.join(dir, 'user'),
        BEHORIGHETSADMIN_POLICY_FILE: policyFile,
      },
    });
    expect(settings.backend).toEqual({ url: 'http://127.0.0.1:4780', origin: 'https://behorighetsadmin.test' });
    expect(settings.card).toEqual({
      modulePath: '/lab/opensc-pkcs11.so',
      trustAnchorPaths: [],
      atrTablePath: path.join('/res', 'known-atrs.json'),
      ignoredReaders: ['Windows Hello*', 'Microsoft Virtual Smart Card*', '*TPM Virtual Smart Card*'],
      expiryWarningDays: 30,
    });
    expect(settings.cardRemovalPolicy).toBe('logout');
    expect(settings.config.userFile).toBe(path.join(dir, 'user', 'settings.json'));
    expect(settings.config.policyLocation).toBe(policyFile);
  });

  it('has no backend when none is configured, and picks the first PKCS#11 module that exists', () => {
    const settings = resolveAppSettings({
      ...base,
      env: { BEHORIGHETSADMIN_USER_DATA: dir, BEHORIGHETSADMIN_POLICY_FILE: policyFile },
      exists: (file) => file.endsWith('opensc-pkcs11.so'),
    });
    expect(settings.backend).toBeNull();
    expect(settings.card.modulePath).toBe('/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so');
  });

  it('a packaged build reads the real policy location and the user data folder, never the test overrides', () => {
    const settings = resolveAppSettings({
      ...base,
      packaged: true,
      userDataDir: path.join(dir, 'userData'),
      env: { BEHORIGHETSADMIN_POLICY_FILE: policyFile, BEHORIGHETSADMIN_USER_DATA: '/tmp/elsewhere' },
    });
    expect(settings.config.policyLocation).toBe('/etc/behorighetsadmin/policy.json');
    expect(settings.config.userFile).toBe(path.join(dir, 'userData', 'settings.json'));
    const windows = resolveAppSettings({
      ...base,
      platform: 'win32',
      packaged: true,
      userDataDir: dir,
      env: {},
      registry: new FakePolicyRegistry({}),
    });
    expect(windows.config.policyLocation).toBe('HKLM\\Software\\Policies\\Behorighetsadmin');
  });

  it('carries proxy and the extra CA certificates to the network settings', async () => {
    const ca = path.join(dir, 'ca.pem');
    const pem = await makeCaPem();
    writeFileSync(ca, pem);
    writeJson(policyFile, { proxy: 'http://127.0.0.1:3128', extraCaCertificates: [ca] });
    const settings = resolveAppSettings({
      ...base,
      env: { BEHORIGHETSADMIN_USER_DATA: dir, BEHORIGHETSADMIN_POLICY_FILE: policyFile },
    });
    expect(settings.network.proxy).toBe('http://127.0.0.1:3128');
    expect(settings.network.extraCaPems).toEqual([pem.trim()]);
  });
});

describe('the user settings store', () => {
  it('writes one key at a time, validated, and removes it with null', () => {
    const store = new UserSettingsStore(userFile);
    store.set('cardRemoval', 'lock', new Set());
    store.set('proxy', 'direct', new Set());
    expect(JSON.parse(readFileSync(userFile, 'utf8'))).toEqual({ cardRemoval: 'lock', proxy: 'direct' });
    store.set('proxy', null, new Set());
    expect(JSON.parse(readFileSync(userFile, 'utf8'))).toEqual({ cardRemoval: 'lock' });
    expect(resolve().values.cardRemoval).toBe('lock');
  });

  it('refuses locked keys, policy-only keys and invalid values', () => {
    const store = new UserSettingsStore(userFile);
    const refused = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(AppFailure);
        return (error as AppFailure).details;
      }
      throw new Error('not refused');
    };
    expect(refused(() => store.set('cardRemoval', 'lock', new Set(['cardRemoval'])))).toEqual({
      key: 'cardRemoval',
      reason: 'locked-by-policy',
    });
    expect(refused(() => store.set('crashReporting', true, new Set()))).toEqual({ key: 'crashReporting', reason: 'policy-only' });
    expect(refused(() => store.set('cardRemoval', 'sleep', new Set()))).toEqual({ key: 'cardRemoval', reason: 'invalid-value' });
  });

  it('keeps a broken file aside instead of overwriting it', () => {
    writeJson(userFile, '{ broken');
    new UserSettingsStore(userFile).set('language', 'en', new Set());
    expect(JSON.parse(readFileSync(userFile, 'utf8'))).toEqual({ language: 'en' });
    expect(readdirSync(path.dirname(userFile)).some((name) => name.startsWith('settings.json.invalid-'))).toBe(true);
  });
});
