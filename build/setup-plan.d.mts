export interface LockEntry {
  version?: string;
  optional?: boolean;
}
export interface Lockfile {
  packages?: Record<string, LockEntry>;
}
export type PackagePlan = { kind: 'nothing' } | { kind: 'install'; commands: string[][] } | { kind: 'ask'; sentence: string };

/** The package names in build/debian-packages.txt. */
export function parsePackageList(text: string): string[];
/** The wanted packages that dpkg does not report as installed. */
export function missingPackages(wanted: string[], dpkgOutput: string): string[];
/** How to install the missing Debian packages (root, password-less sudo, or a sentence). */
export function packagePlan(missing: string[], who: { isRoot: boolean; passwordlessSudo: boolean }): PackagePlan;
/** Whether node_modules matches package-lock.json. */
export function nodeModulesState(state: {
  lockfile: Lockfile;
  lockMtimeMs: number;
  installed: Lockfile | null;
  installedMtimeMs: number;
}): 'missing' | 'stale' | 'fresh';
