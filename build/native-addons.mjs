// Which native addons the card process loads, and whether each loads under the Electron version in
// package.json as built by npm (nothing rebuilds them for Electron: npmRebuild is off, and Electron's
// headers cannot be downloaded on our machines). An addon loads there when it is Node-API (one build
// for every Node and Electron) or was built for Electron's NODE_MODULE_VERSION.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * What a compiled addon was built against, from the symbols it exports: Node-API modules export
 * napi_register_module_v1 (or register through napi_module_register); others export
 * node_register_module_v<NODE_MODULE_VERSION> and load only in a runtime with that version.
 * @param {Buffer} binary the .node file
 * @returns {{ kind: 'node-api' } | { kind: 'abi'; abi: number } | { kind: 'unknown' }}
 */
export function addonBuild(binary) {
  const text = binary.toString('latin1');
  if (text.includes('napi_register_module_v1') || text.includes('napi_module_register')) return { kind: 'node-api' };
  const match = /node_register_module_v(\d+)/.exec(text);
  return match ? { kind: 'abi', abi: Number(match[1]) } : { kind: 'unknown' };
}

/**
 * Whether an addon so built loads in Electron whose NODE_MODULE_VERSION is `electronAbi`.
 * @param {ReturnType<typeof addonBuild>} build
 * @param {number} electronAbi
 */
export function loadsInElectron(build, electronAbi) {
  return build.kind === 'node-api' || (build.kind === 'abi' && build.abi === electronAbi);
}

/** @param {string} dir @returns {string[]} */
function nodeFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Intermediate build products are not loaded.
      if (entry.name === 'obj.target' || entry.name === '.deps') continue;
      found.push(...nodeFiles(full));
    } else if (entry.name.endsWith('.node') && statSync(full).isFile()) found.push(full);
  }
  return found;
}

/**
 * The .node files that ship with the given packages and everything they depend on at run time.
 * @param {string} root the project
 * @param {string[]} packages bare package names the bundle leaves external
 * @returns {string[]} paths relative to node_modules
 */
export function addonsOf(root, packages) {
  const seen = new Set();
  const files = [];
  const visit = (name, fromDir) => {
    // Node's lookup (node_modules folders upwards), by hand: a package's "exports" may hide package.json.
    let dir = null;
    for (let at = fromDir; ; at = path.dirname(at)) {
      const candidate = path.join(at, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) {
        dir = candidate;
        break;
      }
      if (path.dirname(at) === at) break;
    }
    if (!dir) throw new Error(`${name} is not installed (needed from ${fromDir})`);
    const manifest = path.join(dir, 'package.json');
    if (seen.has(dir)) return;
    seen.add(dir);
    files.push(...nodeFiles(dir).filter((file) => !path.relative(dir, file).split(path.sep).includes('node_modules')));
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const dependency of Object.keys(pkg.dependencies ?? {})) visit(dependency, dir);
  };
  for (const name of packages) visit(name, root);
  const modules = path.join(root, 'node_modules');
  return files.map((file) => path.relative(modules, file).split(path.sep).join('/')).sort();
}

/** @param {string} root @returns {number} Electron's NODE_MODULE_VERSION (the electron package's abi_version) */
export function electronAbi(root) {
  const file = path.join(root, 'node_modules', 'electron', 'abi_version');
  if (!existsSync(file)) throw new Error('node_modules/electron/abi_version is missing');
  return Number(readFileSync(file, 'utf8').trim());
}
