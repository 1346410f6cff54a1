import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The window's webPreferences are written literally at `new BrowserWindow(...)` so that a reviewer
// and static checkers (electronegativity) see them there. This reads the source, without Electron.

const SOURCE = path.join(import.meta.dirname, 'main-window.ts');

function literalWebPreferences(file: string): Map<string, string> | null {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  let found: Map<string, string> | null = null;
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && node.expression.getText(source) === 'BrowserWindow') {
      const options = node.arguments?.[0];
      if (options && ts.isObjectLiteralExpression(options)) {
        for (const property of options.properties) {
          if (!ts.isPropertyAssignment(property) || property.name.getText(source) !== 'webPreferences') continue;
          if (!ts.isObjectLiteralExpression(property.initializer)) continue;
          found = new Map();
          for (const preference of property.initializer.properties) {
            if (ts.isPropertyAssignment(preference))
              found.set(preference.name.getText(source), preference.initializer.getText(source));
            else found.set(`(not a plain property: ${preference.getText(source)})`, '');
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the main window', () => {
  it('states isolation, sandbox and no Node literally at the BrowserWindow', () => {
    const preferences = literalWebPreferences(SOURCE);
    expect(preferences, 'webPreferences must be an object literal inside new BrowserWindow({...})').not.toBeNull();
    expect(Object.fromEntries(preferences!)).toMatchObject({
      contextIsolation: 'true',
      sandbox: 'true',
      nodeIntegration: 'false',
      nodeIntegrationInWorker: 'false',
      nodeIntegrationInSubFrames: 'false',
      webSecurity: 'true',
      allowRunningInsecureContent: 'false',
      experimentalFeatures: 'false',
      webviewTag: 'false',
    });
    expect([...preferences!.keys()].filter((key) => key.startsWith('('))).toEqual([]);
  });
});
