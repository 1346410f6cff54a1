import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The import graph between folders (README "Folder map"): ESLint's import-x/no-cycle refuses circles of
// modules; this refuses circles of folders (A imports from B and B, perhaps through others, from A),
// counting type imports too, and any arrow from product code to tests/. (Test files next to the code
// are left out: they may use tests/.)
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PRODUCT = ['main', 'preload', 'renderer', 'common', 'server'];

function productFiles(): string[] {
  return PRODUCT.flatMap((folder) =>
    readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .map((file) => path.join(folder, file))
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file) && !file.includes('node_modules')),
  );
}

/** Folder → the folders its files import from (relative imports, resolved; type imports included). */
function folderGraph(files: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const from = path.dirname(file);
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = path.dirname(path.normalize(path.join(from, fileName)));
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

/** The folders that import each other, directly or around a circle: each strongly connected set of more than one (Tarjan). */
function tangles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const result: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const tangle: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        tangle.push(member);
      } while (member !== node);
      if (tangle.length > 1) result.push(tangle.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return result;
}

describe('the import graph between folders', () => {
  const graph = folderGraph(productFiles());

  it('has no folder circles', () => {
    expect(tangles(graph)).toEqual([]);
  });

  it('finds a folder circle where there is one', () => {
    const probe = new Map([
      ['main/a', new Set(['main/b'])],
      ['main/b', new Set(['main/c'])],
      ['main/c', new Set(['main/a'])],
    ]);
    expect(tangles(probe)).toEqual([['main/a', 'main/b', 'main/c']]);
  });

  it('has no arrow from product code to tests/', () => {
    const arrows = [...graph].flatMap(([from, targets]) =>
      [...targets].filter((to) => to === 'tests' || to.startsWith('tests/')).map((to) => `${from} -> ${to}`),
    );
    expect(arrows).toEqual([]);
  });
});
