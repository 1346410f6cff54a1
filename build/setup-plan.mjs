// The decisions of build/setup.mjs (what `npm start` and `npm test` set up first) as pure functions,
// so they are unit-tested without touching dpkg, apt or npm. Dependency-free: runs before `npm ci`.

/**
 * The package names in build/debian-packages.txt: one a line, `#` starts a comment, words after the
 * name are ignored.
 * @param {string} text
 * @returns {string[]}
 */
export function parsePackageList(text) {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

/**
 * The wanted packages that dpkg does not report as installed.
 * @param {string[]} wanted
 * @param {string} dpkgOutput `dpkg-query -W -f='${Package} ${Status}\n' NAMES...` (missing names print nothing)
 * @returns {string[]}
 */
export function missingPackages(wanted, dpkgOutput) {
  const installed = new Set();
  for (const line of dpkgOutput.split('\n')) {
    const [name, ...status] = line.trim().split(/\s+/);
    // Multi-arch packages print as name:arch.
    if (name && status.join(' ') === 'install ok installed') installed.add(name.replace(/:.*/, ''));
  }
  return wanted.filter((name) => !installed.has(name));
}

/**
 * How to install the missing Debian packages: as root directly, with password-less sudo through sudo,
 * otherwise not at all but with one sentence naming the command to run.
 * @param {string[]} missing
 * @param {{ isRoot: boolean; passwordlessSudo: boolean }} who
 * @returns {{ kind: 'nothing' } | { kind: 'install'; commands: string[][] } | { kind: 'ask'; sentence: string }}
 */
export function packagePlan(missing, who) {
  if (missing.length === 0) return { kind: 'nothing' };
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...missing];
  if (who.isRoot) return { kind: 'install', commands: [['apt-get', 'update'], install] };
  if (who.passwordlessSudo) {
    return {
      kind: 'install',
      commands: [
        ['sudo', 'apt-get', 'update'],
        ['sudo', ...install],
      ],
    };
  }
  return {
    kind: 'ask',
    sentence: `Debianpaket saknas (${missing.join(' ')}): kör \`sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\` och sedan samma npm-kommando igen.`,
  };
}

/**
 * @typedef {{ version?: string; optional?: boolean }} LockEntry
 * @typedef {{ packages?: Record<string, LockEntry> }} Lockfile
 */

/**
 * Whether node_modules matches package-lock.json: 'missing' (no node_modules or no npm-written
 * node_modules/.package-lock.json), 'stale' (the lockfile is newer and names packages, or versions,
 * that are not installed, or no longer names installed ones), else 'fresh'. Optional packages for
 * other platforms (absent by design) do not count.
 * @param {{ lockfile: Lockfile; lockMtimeMs: number; installed: Lockfile | null; installedMtimeMs: number }} state
 * @returns {'missing' | 'stale' | 'fresh'}
 */
export function nodeModulesState({ lockfile, lockMtimeMs, installed, installedMtimeMs }) {
  if (!installed) return 'missing';
  if (installedMtimeMs >= lockMtimeMs) return 'fresh';
  const wanted = lockfile.packages ?? {};
  const have = installed.packages ?? {};
  for (const [key, entry] of Object.entries(wanted)) {
    if (key === '' || !key.includes('node_modules/')) continue; // the project itself, workspace links
    const got = have[key];
    if (!got) {
      if (entry.optional) continue;
      return 'stale';
    }
    if (got.version !== entry.version) return 'stale';
  }
  for (const key of Object.keys(have)) {
    if (key.includes('node_modules/') && !(key in wanted)) return 'stale';
  }
  return 'fresh';
}
