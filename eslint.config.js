// ESLint flat config. The layering rules of STYLE.md are errors here:
// only main/app/ and preload/ import electron; only two files touch raw IPC;
// the renderer and common/ never reach into main, preload, electron or Node.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'https',
  'net', 'os', 'path', 'process', 'stream', 'tls', 'url', 'util', 'vm', 'worker_threads', 'zlib',
];

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only main/app/ (the Electron shell) and preload/ may import electron; keep services plain Node.',
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.tsbuild/**', 'test-results/**', 'playwright-report/**', '.cardlab/**', '.data/**', 'bench/results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['main/app/**/*.ts', 'preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Raw IPC lives only in main/app/ipc-registration.ts and preload/preload.ts, built from the contract.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/app/ipc-registration.ts', 'preload/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main only through the preload API.' }],
          patterns: [
            { group: ['node:*', ...NODE_BUILTINS], message: 'The renderer runs in a sandboxed page: no Node modules.' },
            { group: ['**/main/**', '../main/*'], message: 'The renderer must not import main-process code.' },
            { group: ['**/preload/**'], allowTypeImports: true, message: 'Only types may come from preload/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'common/ is shared with the renderer: no electron.' }],
          patterns: [
            { group: ['node:*', ...NODE_BUILTINS], message: 'common/ is shared with the renderer: no Node modules.' },
            { group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/server/**'], message: 'common/ depends on nothing else in the repo.' },
          ],
        },
      ],
    },
  },
);
