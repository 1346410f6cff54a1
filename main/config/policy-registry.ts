import * as NativeReg from 'native-reg';

/** Where Windows group policy puts the program's policy (HKLM: only administrators can write it). */
export const POLICY_REGISTRY_KEY = 'HKLM\\Software\\Policies\\Behorighetsadmin';

/** One registry value, decoded: REG_SZ/REG_EXPAND_SZ text (unexpanded), REG_MULTI_SZ entries, REG_DWORD/REG_QWORD numbers. */
export interface RegistryValue {
  name: string;
  /** REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY, ... */
  type: string;
  value: string | string[] | number | bigint | Uint8Array;
}

/** Reads one registry key's values; behind an interface so the policy layer is tested without Windows. */
export interface PolicyRegistry {
  /** The values directly under `key`, or null when the key does not exist. Throws when it cannot be read. */
  readValues(key: string): RegistryValue[] | null;
}

type NativeRegModule = typeof NativeReg;

/** The registry value type names, from native-reg's ValueType numbers. */
function typeName(reg: Pick<NativeRegModule, 'ValueType'>, type: number): string {
  return `REG_${reg.ValueType[type] ?? `TYPE_${type}`}`
    .replace('REG_DWORD_LITTLE_ENDIAN', 'REG_DWORD')
    .replace('REG_QWORD_LITTLE_ENDIAN', 'REG_QWORD');
}

/**
 * Decodes one raw value as native-reg returns it (the bytes, tagged with the registry type) with
 * native-reg's own parser: UTF-16 text, so å, ä and ö arrive as written.
 */
export function decodeRegistryValue(
  reg: Pick<NativeRegModule, 'ValueType' | 'parseValue'>,
  name: string,
  raw: NativeReg.Value,
): RegistryValue {
  const type = typeName(reg, raw.type);
  if (type === 'REG_SZ' || type === 'REG_EXPAND_SZ' || type === 'REG_MULTI_SZ' || type === 'REG_DWORD' || type === 'REG_QWORD')
    return { name, type, value: reg.parseValue(raw) as RegistryValue['value'] };
  return { name, type, value: Uint8Array.from(raw) };
}

const HIVES: Record<string, keyof Pick<NativeRegModule, 'HKLM' | 'HKCU'>> = {
  HKLM: 'HKLM',
  HKEY_LOCAL_MACHINE: 'HKLM',
  HKCU: 'HKCU',
  HKEY_CURRENT_USER: 'HKCU',
};

/** Opens `key` (HKLM\\… or HKCU\\…) for reading; null when it does not exist. */
function openRegistryKey(reg: NativeRegModule, key: string) {
  const [hive = '', ...rest] = key.split('\\');
  const root = HIVES[hive.toUpperCase()];
  if (!root) throw new Error(`Unknown registry hive: ${hive}`);
  return reg.openKey(reg[root], rest.join('\\'), reg.Access.READ);
}

/**
 * The real registry, in process through native-reg (Node-API, prebuilt for Windows; loads in Node
 * and Electron alike). native-reg loads its binary only on Windows; elsewhere its parsers are plain
 * JavaScript and its registry calls refuse.
 */
export class NativeRegPolicyRegistry implements PolicyRegistry {
  constructor(private readonly reg: NativeRegModule = NativeReg) {}

  /** Opens `key` for reading; null when it does not exist. */
  readValues(key: string): RegistryValue[] | null {
    const { reg } = this;
    const handle = openRegistryKey(reg, key);
    if (handle === null) return null;
    try {
      return reg.enumValueNames(handle).flatMap((name) => {
        const raw = reg.queryValueRaw(handle, name);
        return raw === null ? [] : [decodeRegistryValue(reg, name, raw)];
      });
    } finally {
      reg.closeKey(handle);
    }
  }
}

/**
 * Reads each key once and answers from memory after that: policy is read when the program starts
 * (settings are resolved again on every settings read; a policy change takes a restart).
 */
export class CachedPolicyRegistry implements PolicyRegistry {
  private readonly cache = new Map<string, RegistryValue[] | null>();

  constructor(private readonly registry: PolicyRegistry) {}

  /** The values of `key`, from the registry the first time only (a failure is not cached). */
  readValues(key: string): RegistryValue[] | null {
    if (!this.cache.has(key)) this.cache.set(key, this.registry.readValues(key));
    return this.cache.get(key)!;
  }
}

const cached = new WeakMap<PolicyRegistry, CachedPolicyRegistry>();

/** The one cached reader per registry (the default one: native-reg, created when first needed). */
export function cachedPolicyRegistry(registry: PolicyRegistry = defaultRegistry()): PolicyRegistry {
  if (registry instanceof CachedPolicyRegistry) return registry;
  let reader = cached.get(registry);
  if (!reader) {
    reader = new CachedPolicyRegistry(registry);
    cached.set(registry, reader);
  }
  return reader;
}

let nativeRegistry: NativeRegPolicyRegistry | null = null;
function defaultRegistry(): PolicyRegistry {
  nativeRegistry ??= new NativeRegPolicyRegistry();
  return nativeRegistry;
}

/**
 * The names of a registry key's subkeys (HKLM or HKCU), or null when the key does not exist; throws
 * when it cannot be read. Through native-reg, so on Windows only.
 */
export function registrySubkeyNames(key: string, reg: NativeRegModule = NativeReg): string[] | null {
  const handle = openRegistryKey(reg, key);
  if (handle === null) return null;
  try {
    return reg.enumKeyNames(handle);
  } finally {
    reg.closeKey(handle);
  }
}
