// ESLint flat config. The layering rules of STYLE.md are errors here:
// only main/app/ and preload/ import electron; only two files touch raw IPC;
// the renderer and common/ never reach into main, preload, electron or Node.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'tls',
  'url',
  'util',
  'vm',
  'worker_threads',
  'zlib',
];

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only main/app/ (the Electron shell) and preload/ may import electron; keep services plain Node.',
};

// The walls between folders, on resolved paths (README "What may import what"). A zone forbids files
// under `target` to import anything under `from` (but `except`). Test files next to the code (*.test.ts)
// are test code: they may use the card lab, fixtures and the card process's parts as their tests need.
const ROOT = import.meta.dirname;
const PRODUCT = ['main', 'preload', 'renderer', 'common', 'server'];
const CLIENT_OUTSIDE_CARD_PROCESS = ['main/!(card-process)/**', 'main/*', 'preload/**', 'renderer/**', 'common/**'];
const productZones = [
  {
    target: CLIENT_OUTSIDE_CARD_PROCESS,
    from: ['node_modules/pkcs11js/**', 'node_modules/smartcard/**'],
    message: 'Only main/card-process/ (the card process) talks to PKCS#11 and PC/SC.',
  },
  {
    // Certificates are parsed in the card process; the one exception is the revocation check, which runs
    // in main (it asks OCSP/CRL responders over the network) and whose checker in common/revocation/ is
    // shared with the server: both take the CA certificates as @peculiar/x509 objects.
    target: [
      'main/!(card-process|card)/**',
      'main/*',
      'main/card/!(card-revocation.ts)',
      'preload/**',
      'renderer/**',
      'common/!(revocation)/**',
      'common/*',
    ],
    from: ['node_modules/@peculiar/x509/**'],
    message: 'Only main/card-process/ parses certificates with @peculiar/x509 (revocation aside).',
  },
  {
    target: ['main/!(card-process)/**', 'main/*'],
    from: ['main/card-process/**'],
    except: ['**/main/card-process/card-worker-protocol.ts', '**/main/card-process/test-hooks.ts'],
    message: 'Main reaches the card process only through its protocol (main/card-process/card-worker-protocol.ts).',
  },
  {
    target: ['main/card-process/**'],
    from: ['main/**'],
    except: ['**/main/card-process/**', '**/main/errors/**', '**/main/logging/**'],
    message: 'The card process is its own process: from main it imports only main/errors/ and main/logging/.',
  },
  {
    target: ['main/session/**'],
    from: ['main/card-process/**'],
    message: 'The login flow uses the card through the card service, never the card process.',
  },
  {
    target: PRODUCT.map((folder) => `${folder}/**`),
    from: ['tests/**'],
    except: [],
    message: 'Product code never imports tests/.',
  },
  {
    target: PRODUCT.filter((folder) => folder !== 'main')
      .map((folder) => `${folder}/**`)
      .concat(['main/!(bridge)/**', 'main/*']),
    from: ['main/bridge/**'],
    message: 'The test bridge is development plumbing: only its own entry (main/bridge/web-cli.ts) uses it.',
  },
  {
    target: PRODUCT.filter((folder) => folder !== 'main')
      .map((folder) => `${folder}/**`)
      .concat(['main/!(demo|app|bridge)/**', 'main/*', 'main/app/!(main.ts)', 'main/bridge/!(web-cli.ts)']),
    from: ['main/demo/**'],
    message: 'Demo mode is decided at startup only (main/app/main.ts, main/bridge/web-cli.ts).',
  },
  {
    target: ['server/**'],
    from: ['main/**', 'preload/**', 'renderer/**'],
    message: 'The reference server and the client never import each other.',
  },
  {
    target: ['main/**', 'preload/**'],
    from: ['server/**'],
    message: 'The client and the reference server never import each other.',
  },
  {
    target: ['preload/**'],
    from: ['main/**', 'renderer/**'],
    message: 'The preload is built from the contract in common/ alone.',
  },
  { target: ['renderer/**'], from: ['main/**', 'server/**'], message: 'The renderer imports neither main nor the server.' },
  {
    // Words for people live in one catalogue (renderer/src/i18n); main reads it for the doctor's output and
    // the support report through catalogue.ts (plain i18next and JSON), and nothing else of the renderer.
    target: ['main/**'],
    from: ['renderer/**'],
    except: ['**/renderer/src/i18n/catalogue.ts', '**/renderer/src/i18n/*.json'],
    message: 'Main takes nothing from the renderer but its word catalogue (renderer/src/i18n/catalogue.ts).',
  },
];
const SWEDISH_IN_MAIN =
  'Words for people belong in the catalogue (renderer/src/i18n, read in main through main/diagnostics/check-words.ts): send a code and values.';

// Test files next to the code may reach into the card process, fixtures and the card lab.
const testFileZones = productZones.filter((zone) => !['main/card-process/**', 'tests/**'].includes(zone.from[0]));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tsbuild/**',
      'test-results/**',
      'playwright-report/**',
      '.cardlab/**',
      '.data/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs', '.cjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.node'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: productZones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: testFileZones }] },
  },
  {
    files: ['tests/**'],
    rules: { 'import-x/no-restricted-paths': 'off' },
  },
  {
    // Words for people live in one catalogue (renderer/src/i18n), Swedish and English: a string in main
    // with a Swedish letter is a text that belongs there (main sends codes and values). Comments are no
    // strings; tests may say what they expect. The product's name is common/product.ts.
    files: ['main/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Literal[value=/[åäöÅÄÖ]/]', message: SWEDISH_IN_MAIN },
        { selector: 'TemplateElement[value.raw=/[åäöÅÄÖ]/]', message: SWEDISH_IN_MAIN },
      ],
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
            {
              group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/server/**'],
              message: 'common/ depends on nothing else in the repo.',
            },
          ],
        },
      ],
    },
  },
);
