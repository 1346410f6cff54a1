// The card process's watchdog test hooks (block, crash) and the build flag that leaves them out.
//
// `node build/build.mjs --release` defines __CARD_TEST_HOOKS__ as false: esbuild puts the literal in
// place of the name and drops every hook from the release bundles. Elsewhere (development bundles,
// tests under Node) the name is this global, true. Even where built in, the card process honours
// the hooks only with BEHORIGHETSADMIN_TEST_HOOKS=1 in its environment.

declare global {
  var __CARD_TEST_HOOKS__: boolean | undefined;
}

globalThis.__CARD_TEST_HOOKS__ ??= true;

export {};
