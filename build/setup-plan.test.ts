import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Lockfile, missingPackages, nodeModulesState, packagePlan, parsePackageList } from './setup-plan.mjs';

const LIST = path.join(import.meta.dirname, 'debian-packages.txt');

describe('the Debian package list', () => {
  it('is read from one file: names only, comments and notes ignored', () => {
    expect(parsePackageList('# comment\npcscd   # the service\n\n  chromium browser\r\nxvfb')).toEqual([
      'pcscd',
      'chromium',
      'xvfb',
    ]);
    const names = parsePackageList(readFileSync(LIST, 'utf8'));
    expect(names).toEqual(expect.arrayContaining(['pcscd', 'libpcsclite-dev', 'vsmartcard-vpcd', 'chromium', 'postgresql']));
    expect(names.every((name) => /^[a-z0-9][a-z0-9.+-]+$/.test(name))).toBe(true);
  });

  it('finds what dpkg does not report as installed (not listed, removed with config left, multi-arch names)', () => {
    const dpkg = [
      'pcscd install ok installed',
      'opensc deinstall ok config-files',
      'libpcsclite-dev:amd64 install ok installed',
      '',
    ].join('\n');
    expect(missingPackages(['pcscd', 'opensc', 'libpcsclite-dev', 'chromium'], dpkg)).toEqual(['opensc', 'chromium']);
    expect(missingPackages(['pcscd'], 'pcscd install ok installed\n')).toEqual([]);
  });
});

describe('installing missing Debian packages', () => {
  it('does nothing when nothing is missing', () => {
    expect(packagePlan([], { isRoot: false, passwordlessSudo: false })).toEqual({ kind: 'nothing' });
  });

  it('installs directly as root', () => {
    expect(packagePlan(['pcscd', 'xvfb'], { isRoot: true, passwordlessSudo: false })).toEqual({
      kind: 'install',
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', '--no-install-recommends', 'pcscd', 'xvfb'],
      ],
    });
  });

  it('installs through sudo when sudo needs no password', () => {
    expect(packagePlan(['pcscd'], { isRoot: false, passwordlessSudo: true })).toEqual({
      kind: 'install',
      commands: [
        ['sudo', 'apt-get', 'update'],
        ['sudo', 'apt-get', 'install', '-y', '--no-install-recommends', 'pcscd'],
      ],
    });
  });

  it('otherwise names the one command to run, with every missing package, and installs nothing', () => {
    const plan = packagePlan(['pcscd', 'postgresql'], { isRoot: false, passwordlessSudo: false });
    expect(plan.kind).toBe('ask');
    if (plan.kind !== 'ask') return;
    expect(plan.sentence).toContain('`sudo apt-get update && sudo apt-get install -y pcscd postgresql`');
    expect(plan.sentence.split(/(?<=\.)\s/)).toHaveLength(1);
  });
});

describe('node_modules against package-lock.json', () => {
  const lockfile: Lockfile = {
    packages: {
      '': { version: '0.1.0' },
      'node_modules/zod': { version: '4.6.7' },
      'node_modules/@esbuild/win32-x64': { version: '0.28.2', optional: true },
    },
  };
  const installed: Lockfile = { packages: { 'node_modules/zod': { version: '4.6.7' } } };

  it('is missing without npm’s record of what it installed', () => {
    expect(nodeModulesState({ lockfile, lockMtimeMs: 1, installed: null, installedMtimeMs: 0 })).toBe('missing');
  });

  it('is fresh when installed after the lockfile was written', () => {
    const other = { packages: { 'node_modules/zod': { version: '3.0.0' } } };
    expect(nodeModulesState({ lockfile, lockMtimeMs: 1, installed: other, installedMtimeMs: 2 })).toBe('fresh');
  });

  it('is fresh when the lockfile is newer but names what is installed (optional packages of other platforms aside)', () => {
    expect(nodeModulesState({ lockfile, lockMtimeMs: 2, installed, installedMtimeMs: 1 })).toBe('fresh');
  });

  it('is stale when the newer lockfile names another version, a new package, or drops an installed one', () => {
    const newer = (packages: Record<string, { version: string }>) => ({ packages: { ...lockfile.packages, ...packages } });
    const state = (lock: Lockfile, have = installed) =>
      nodeModulesState({ lockfile: lock, lockMtimeMs: 2, installed: have, installedMtimeMs: 1 });
    expect(state(newer({ 'node_modules/zod': { version: '4.7.0' } }))).toBe('stale');
    expect(state(newer({ 'node_modules/pino': { version: '10.4.0' } }))).toBe('stale');
    expect(state(lockfile, { packages: { ...installed.packages, 'node_modules/left-pad': { version: '1.3.0' } } })).toBe('stale');
  });
});
