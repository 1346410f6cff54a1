// `npm run bench`: every benchmark, then one table of all figures (metric, value, unit, target).
// Each script writes bench/results/NAME.json; a figure that misses its target is printed as missed
// and makes the run exit non-zero, unless `--warn-only` (a loaded machine) turns that into a warning.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { meets, RESULTS_DIR, reportFigures, type BenchFigure } from './bench-report';

const WARN_ONLY = process.argv.includes('--warn-only');

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
/**
 * Where the list benchmark keeps its seeded databases between runs (BENCH_DB_CACHE, else a folder
 * in the system's temp folder): seeding a million users takes about 20 minutes on a loaded 2-core
 * machine, copying the cached file seconds. Delete the folder to seed afresh.
 */
const DB_CACHE = process.env.BENCH_DB_CACHE ?? path.join(os.tmpdir(), 'behorighetsadmin-bench-db');

/** The list benchmark's million users (seeded, or taken from the cache, by the list suite). */
const MILLION = path.join(DB_CACHE, 'list-1000000-30.sqlite');

/**
 * The suites in order. The list suite runs before the server's, which then reads a copy of the
 * list's million users (the same organisation, with the lab's person as administrator) instead
 * of seeding its own (5-20 minutes); without that file it seeds.
 */
const SUITES: { name: string; script: string; args?: () => string[] }[] = [
  { name: 'card', script: 'tests/bench/card-bench.ts' },
  { name: 'login', script: 'tests/bench/login-bench.ts' },
  { name: 'list', script: 'tests/bench/list-bench.ts', args: () => ['--db-cache', DB_CACHE] },
  { name: 'server', script: 'tests/bench/server-bench.ts', args: () => (existsSync(MILLION) ? ['--db', MILLION] : []) },
  { name: 'server-scaling', script: 'tests/bench/scaling-bench.ts' },
];

const figures: BenchFigure[] = [];
const failures: string[] = [];
for (const suite of SUITES) {
  if (!existsSync(path.join(REPO_ROOT, suite.script))) continue;
  const args = suite.args?.() ?? [];
  console.log(`\n== ${suite.name} (${[suite.script, ...args].join(' ')})`);
  const run = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), [suite.script, ...args], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  const file = path.join(RESULTS_DIR, `${suite.name}.json`);
  if (run.status !== 0 || !existsSync(file)) {
    failures.push(suite.name);
    continue;
  }
  figures.push(...(JSON.parse(readFileSync(file, 'utf8')) as { figures: BenchFigure[] }).figures);
}
console.log('\n== all benchmarks');
reportFigures('all', figures);
writeFileSync(path.join(RESULTS_DIR, 'failed-suites.json'), `${JSON.stringify(failures)}\n`);
if (failures.length > 0) {
  console.error(`benchmark suites that failed to run: ${failures.join(', ')}`);
  process.exit(1);
}
const missed = figures.filter((f) => meets(f) === false);
if (missed.length > 0) {
  const list = missed.map((f) => `${f.metric}: ${f.value.toFixed(1)} ${f.unit} (target ${f.target})`).join('\n  ');
  if (WARN_ONLY) console.warn(`warning: ${missed.length} target(s) missed (--warn-only):\n  ${list}`);
  else {
    console.error(`${missed.length} target(s) missed:\n  ${list}`);
    process.exit(1);
  }
}
