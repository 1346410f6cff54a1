import { describe, expect, it } from 'vitest';
import * as NativeReg from 'native-reg';
import { registrySubkeyNames } from './policy-registry';

// native-reg loads its binary on Windows only: its key calls are replaced here, its constants kept.
function fakeReg(keys: Record<string, string[]>) {
  const closed: string[] = [];
  const reg = {
    ...NativeReg,
    HKLM: 'HKLM',
    HKCU: 'HKCU',
    openKey: (root: string, path: string) => (`${root}\\${path}` in keys ? `${root}\\${path}` : null),
    enumKeyNames: (handle: string) => keys[handle]!,
    closeKey: (handle: string) => closed.push(handle),
  } as unknown as typeof NativeReg;
  return { reg, closed };
}

describe('registrySubkeyNames', () => {
  it('lists the subkeys of an HKLM or HKCU key and closes it', () => {
    const { reg, closed } = fakeReg({ 'HKLM\\SOFTWARE\\Citrix\\Ica\\Session': ['2', '5'], 'HKCU\\Volatile Environment': ['5'] });
    expect(registrySubkeyNames('HKLM\\SOFTWARE\\Citrix\\Ica\\Session', reg)).toEqual(['2', '5']);
    expect(registrySubkeyNames('HKCU\\Volatile Environment', reg)).toEqual(['5']);
    expect(closed).toEqual(['HKLM\\SOFTWARE\\Citrix\\Ica\\Session', 'HKCU\\Volatile Environment']);
  });

  it('is null for a key that does not exist, and refuses an unknown hive', () => {
    const { reg } = fakeReg({});
    expect(registrySubkeyNames('HKLM\\SOFTWARE\\Citrix\\Ica\\Session', reg)).toBeNull();
    expect(() => registrySubkeyNames('HKXX\\A', reg)).toThrow('Unknown registry hive: HKXX');
  });
});
