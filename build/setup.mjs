// First step of `npm start` and `npm test` (and so of `.ci/run`): sets up a fresh clone on a Debian
// machine with Node. Installs the Debian packages in build/debian-packages.txt that are missing (as
// root, or through password-less sudo; otherwise names the one command to run and stops), runs
// `npm ci` when node_modules is missing or does not match package-lock.json, and says what it did.
// Dependency-free on purpose: it runs before node_modules exists. The decisions are in setup-plan.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingPackages, nodeModulesState, packagePlan, parsePackageList } from './setup-plan.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (text) => console.log(`[setup] ${text}`);

/** @param {string[]} argv */
function run(argv, env = process.env) {
  say(`kör: ${argv.join(' ')}`);
  // npm is npm.cmd on Windows, which Node spawns only through a shell.
  const shell = process.platform === 'win32' && argv[0] === 'npm';
  const result = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'inherit', env, shell });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`[setup] ${argv.join(' ')} misslyckades (slutkod ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

function debianPackages() {
  const dpkg = spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' });
  if (dpkg.error || dpkg.status !== 0) {
    say('ingen dpkg här (inte Debian): Debianpaketen i build/debian-packages.txt installeras inte automatiskt.');
    return;
  }
  const wanted = parsePackageList(readFileSync(path.join(root, 'build', 'debian-packages.txt'), 'utf8'));
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...wanted], { encoding: 'utf8' });
  const missing = missingPackages(wanted, query.stdout ?? '');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const passwordlessSudo = !isRoot && missing.length > 0 && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  const plan = packagePlan(missing, { isRoot, passwordlessSudo });
  if (plan.kind === 'nothing') {
    say(`Debianpaketen finns (${wanted.length} st).`);
    return;
  }
  if (plan.kind === 'ask') {
    console.error(`[setup] ${plan.sentence}`);
    process.exit(1);
  }
  say(`installerar Debianpaket som saknas: ${missing.join(' ')}`);
  for (const command of plan.commands) run(command, { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function nodeModules() {
  const lockPath = path.join(root, 'package-lock.json');
  const installedPath = path.join(root, 'node_modules', '.package-lock.json');
  const state = nodeModulesState({
    lockfile: readJson(lockPath) ?? {},
    lockMtimeMs: statSync(lockPath).mtimeMs,
    installed: existsSync(installedPath) ? readJson(installedPath) : null,
    installedMtimeMs: existsSync(installedPath) ? statSync(installedPath).mtimeMs : 0,
  });
  if (state === 'fresh') {
    say('node_modules stämmer med package-lock.json.');
    return;
  }
  say(state === 'missing' ? 'node_modules saknas: npm ci' : 'node_modules är äldre än package-lock.json: npm ci');
  // Inside an npm script, run the same npm that runs us.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  run([...npm, 'ci', '--no-audit', '--no-fund']);
}

debianPackages();
nodeModules();
