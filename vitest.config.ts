import { defineConfig } from 'vitest/config';

// Unit tests live next to the code (*.test.ts); integration tests that need the card lab,
// pcscd or a server live under tests/ and share the same runner.
export default defineConfig({
  test: {
    include: ['{main,preload,common,server,renderer,tests,build}/**/*.test.{ts,tsx}'],
    exclude: ['node_modules', 'dist', 'tests/e2e/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Card-lab tests share one pcscd per machine: files must not run in parallel.
    fileParallelism: false,
  },
});
