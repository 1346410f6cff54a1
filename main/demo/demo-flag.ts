// Whether demo mode is built in, and the build flag that leaves it out.
//
// `node build/build.mjs --release` defines __DEMO_MODE__ as false: esbuild puts the literal in place of
// the name, and demo mode (which starts the reference server and the card lab from a checkout) drops
// out of the release bundles. Elsewhere (development bundles, tests under Node) the name is this
// global, true; even then only an unpackaged app started with --demo uses it.

declare global {
  var __DEMO_MODE__: boolean | undefined;
}

globalThis.__DEMO_MODE__ ??= true;

export {};
