import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Two projects. Unit tests (next to the code, *.test.ts) run in parallel. Integration tests run one
// file at a time, after the unit tests: everything under tests/ (the card lab shares one pcscd per
// machine; fault suites, PostgreSQL servers, CLIs), and the test files next to the code that use what
// those share — the card lab and its test PKI (written once into .cardlab/), the reference server's
// test support (SoftHSM tokens, PostgreSQL), the server and bridge processes.
const SHARED_FIXTURES =
  /from '(?:\.\.\/)+tests\/(?:cardlab|card|server-support|fixtures\/(?:postgres-server|server-process|reference-backend|bridge-process))\//;
const PRODUCT_FOLDERS = ['main', 'preload', 'common', 'server', 'renderer', 'build'];
const PRODUCT_TESTS = `{${PRODUCT_FOLDERS.join(',')}}/**/*.test.{ts,tsx}`;
const productTestsOnFixtures = PRODUCT_FOLDERS.flatMap((folder) =>
  readdirSync(path.join(import.meta.dirname, folder), { recursive: true, encoding: 'utf8' })
    .map((file) => path.join(folder, file))
    .filter((file) => /\.test\.tsx?$/.test(file) && !file.includes('node_modules'))
    .filter((file) => SHARED_FIXTURES.test(readFileSync(path.join(import.meta.dirname, file), 'utf8'))),
);

const common = { environment: 'node', testTimeout: 30_000, hookTimeout: 60_000 } as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'unit',
          include: [PRODUCT_TESTS],
          exclude: ['**/node_modules/**', ...productTestsOnFixtures],
          // Most of a unit file's time is waiting (servers on loopback, child processes), so two
          // workers help even on a two-core machine.
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...common,
          name: 'integration',
          include: ['tests/**/*.test.{ts,tsx}', ...productTestsOnFixtures],
          exclude: ['**/node_modules/**', 'tests/e2e/**'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
