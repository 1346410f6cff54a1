export type AddonBuild = { kind: 'node-api' } | { kind: 'abi'; abi: number } | { kind: 'unknown' };
/** What a compiled addon was built against, from the symbols it exports. */
export function addonBuild(binary: Buffer): AddonBuild;
/** Whether an addon so built loads in Electron whose NODE_MODULE_VERSION is `electronAbi`. */
export function loadsInElectron(build: AddonBuild, electronAbi: number): boolean;
/** The .node files (relative to node_modules) of the given packages and their run-time dependencies. */
export function addonsOf(root: string, packages: string[]): string[];
/** Electron's NODE_MODULE_VERSION, from the electron package. */
export function electronAbi(root: string): number;
