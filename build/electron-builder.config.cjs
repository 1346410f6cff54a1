// electron-builder configuration: `npm run dist` (build/dist.mjs) builds the installers for the
// current platform from the release build in dist/ (no test bridge). See build/README.md for IT.
// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads this file as CommonJS */
const { readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/**
 * Native addons: the only packages the packaged app loads at run time (esbuild keeps them external; the
 * rest of main, the card process, the preload and the renderer is bundled into dist/). They are the
 * `dependencies` of package.json; everything else is a devDependency and is not shipped.
 */
const NATIVE_MODULES = Object.keys(pkg.dependencies);

/** electron-builder 26's default `deb` dependencies (FpmTarget.getDefaultDepends), which `depends` replaces. */
const ELECTRON_BUILDER_DEB_DEFAULTS = [
  'libgtk-3-0',
  'libnotify4',
  'libnss3',
  'libxss1',
  'libxtst6',
  'xdg-utils',
  'libatspi2.0-0',
  'libuuid1',
  'libsecret-1-0',
];

/**
 * A test build keeps the inspect arguments (Playwright's _electron.launch needs them); a release
 * build does not. Set BEHORIGHETSADMIN_TEST_BUILD=1 for the build QA drives.
 */
const testBuild = process.env.BEHORIGHETSADMIN_TEST_BUILD === '1';

/** Fixed for the product's lifetime: Windows Installer upgrades an installed version by this code. */
const MSI_UPGRADE_CODE = '6f1f3a52-2c4e-4b8e-9d0a-5b3c7e1d2a94';

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'se.behorighetsadmin.desktop',
  productName: 'Behörighetsadmin',
  executableName: 'behorighetsadmin',
  copyright: 'Behörighetsadmin',
  directories: { output: 'release', buildResources: 'build/resources' },
  // build/resources/icon.png (512×512): the window, the .deb's and AppImage's icon, converted for Windows.
  icon: 'build/resources/icon.png',
  files: ['package.json', 'dist/main/**/*', 'dist/preload/**/*', 'dist/renderer/**/*', '!dist/bridge{,/**/*}', '!**/*.map'],
  // known-atrs.json and the other data files, read from process.resourcesPath.
  extraResources: [{ from: 'resources', to: '.', filter: ['**/*'] }],
  asar: true,
  asarUnpack: [...NATIVE_MODULES.map((name) => `**/node_modules/${name}/**`), '**/*.node'],
  // Never rebuild node_modules (that would rebuild the development node_modules in place, for Electron,
  // and break the tests, the bridge and the server): the addons the app loads must be Node-API, one
  // build for Node and Electron (tests/build/native-addons.test.ts checks it).
  npmRebuild: false,
  buildDependenciesFromSource: false,
  nodeGypRebuild: false,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: testBuild,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  // No auto-updater and no update feed: IT deploys new versions (MSI upgrade by the fixed upgrade code).
  publish: null,
  detectUpdateChannel: false,
  generateUpdatesFilesForAllChannels: false,
  win: {
    target: [
      { target: 'msi', arch: ['x64'] },
      { target: 'nsis', arch: ['x64'] },
    ],
    artifactName: '${productName}-${version}-${arch}.${ext}',
  },
  msi: {
    perMachine: true,
    oneClick: true,
    upgradeCode: MSI_UPGRADE_CODE,
    runAfterFinish: false,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'Behörighetsadmin',
    warningsAsErrors: true,
  },
  nsis: {
    perMachine: true,
    oneClick: false,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    runAfterFinish: false,
    deleteAppDataOnUninstall: false,
    shortcutName: 'Behörighetsadmin',
    artifactName: '${productName}-Setup-${version}-${arch}.${ext}',
  },
  linux: {
    target: [
      { target: 'deb', arch: ['x64'] },
      { target: 'AppImage', arch: ['x64'] },
    ],
    category: 'Office',
    maintainer: 'Behörighetsadmin <behorighetsadmin@example.invalid>',
    synopsis: 'Administrera behörigheter till e-tjänster med SITHS-kort',
    description: pkg.description,
  },
  deb: {
    // The card service and OpenSC's PKCS#11 module; Net iD is installed separately where used.
    // electron-builder's defaults (Electron's own needs) are kept: `depends` replaces them.
    depends: [...ELECTRON_BUILDER_DEB_DEFAULTS, 'libgbm1', 'libasound2', 'pcscd', 'libpcsclite1', 'opensc-pkcs11'],
    packageCategory: 'utils',
  },
  appImage: { artifactName: '${productName}-${version}-${arch}.${ext}' },
};

module.exports = config;
module.exports.MSI_UPGRADE_CODE = MSI_UPGRADE_CODE;
module.exports.NATIVE_MODULES = NATIVE_MODULES;
module.exports.ELECTRON_BUILDER_DEB_DEFAULTS = ELECTRON_BUILDER_DEB_DEFAULTS;
