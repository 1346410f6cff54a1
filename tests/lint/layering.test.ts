import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering rules are part of the architecture; this checks they still bite.
const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, '..', '..') });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

describe('layering lint rules', () => {
  it('refuses electron in services outside the shell', async () => {
    expect(await ruleIdsFor('main/services/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toContain(
      'no-restricted-imports',
    );
  });

  it('refuses raw ipcMain in the shell outside the registration file', async () => {
    expect(await ruleIdsFor('main/app/other.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n")).toContain(
      'no-restricted-imports',
    );
    expect(
      await ruleIdsFor('main/app/ipc-registration.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;\n"),
    ).not.toContain('no-restricted-imports');
  });

  it('refuses electron, Node and main-process imports in the renderer', async () => {
    const rule = '@typescript-eslint/no-restricted-imports';
    expect(await ruleIdsFor('renderer/src/x.ts', "import { shell } from 'electron';\nexport const a = shell;\n")).toContain(rule);
    expect(await ruleIdsFor('renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toContain(rule);
    expect(
      await ruleIdsFor('renderer/src/x.ts', "import { createLogger } from '../../main/logging/logger';\nexport const a = createLogger;\n"),
    ).toContain(rule);
  });

  it('refuses Node modules in common/', async () => {
    expect(await ruleIdsFor('common/x.ts', "import crypto from 'node:crypto';\nexport const a = crypto;\n")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });
});
