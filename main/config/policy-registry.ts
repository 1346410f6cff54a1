import { execFileSync } from 'node:child_process';

/** Where Windows group policy puts the program's policy (HKLM: only administrators can write it). */
export const POLICY_REGISTRY_KEY = 'HKLM\\Software\\Policies\\Behorighetsadmin';

export interface RegistryValue {
  name: string;
  /** REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, ... */
  type: string;
  /** The data as `reg query` prints it (REG_MULTI_SZ entries separated by "\0", REG_DWORD as 0x...). */
  data: string;
}

/** Reads one registry key's values; behind an interface so the policy layer is tested without Windows. */
export interface PolicyRegistry {
  /** The values directly under `key`, or null when the key does not exist. Throws when it cannot be read. */
  readValues(key: string): RegistryValue[] | null;
}

const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

/** Parses the output of `reg query KEY` (values of that key only; subkeys are ignored). */
export function parseRegQueryOutput(output: string): RegistryValue[] {
  const values: RegistryValue[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = VALUE_LINE.exec(line);
    if (match) values.push({ name: match[1]!, type: match[2]!, data: (match[3] ?? '').trimEnd() });
  }
  return values;
}

/** The real registry, through Windows' own `reg.exe` (no native addon needed). */
export class RegQueryPolicyRegistry implements PolicyRegistry {
  constructor(
    private readonly run: (args: string[]) => string = (args) =>
      execFileSync('reg', args, { encoding: 'utf8', windowsHide: true, timeout: 10_000 }),
  ) {}

  /** Runs `reg query KEY`; exit status 1 means the key does not exist. */
  readValues(key: string): RegistryValue[] | null {
    try {
      return parseRegQueryOutput(this.run(['query', key]));
    } catch (error) {
      if ((error as { status?: number }).status === 1) return null;
      throw error;
    }
  }
}
