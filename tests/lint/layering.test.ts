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
      await ruleIdsFor(
        'renderer/src/x.ts',
        "import { createLogger } from '../../main/logging/logger';\nexport const a = createLogger;\n",
      ),
    ).toContain(rule);
  });

  it('refuses Node modules in common/', async () => {
    expect(await ruleIdsFor('common/x.ts', "import crypto from 'node:crypto';\nexport const a = crypto;\n")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });
});

// The walls between folders (README "What may import what"): each zone of import-x/no-restricted-paths
// refuses a probe that crosses it, and the probes that stay inside are let through.
describe('walls between folders', () => {
  const wall = 'import-x/no-restricted-paths';
  const probe = (from: string) => `import * as probe from '${from}';\nexport const a = probe;\n`;

  it('lets only the card process import pkcs11js and smartcard', async () => {
    expect(await ruleIdsFor('main/session/x.ts', probe('pkcs11js'))).toContain(wall);
    expect(await ruleIdsFor('main/card/x.ts', probe('smartcard'))).toContain(wall);
    expect(await ruleIdsFor('common/x.ts', probe('pkcs11js'))).toContain(wall);
    expect(await ruleIdsFor('renderer/src/x.ts', probe('smartcard'))).toContain(wall);
    expect(await ruleIdsFor('main/card-process/x.ts', probe('pkcs11js'))).not.toContain(wall);
    expect(await ruleIdsFor('main/card-process/x.ts', probe('smartcard'))).not.toContain(wall);
  });

  it('lets only the card process (and the revocation check) import @peculiar/x509', async () => {
    expect(await ruleIdsFor('main/backend/x.ts', probe('@peculiar/x509'))).toContain(wall);
    expect(await ruleIdsFor('main/card/x.ts', probe('@peculiar/x509'))).toContain(wall);
    expect(await ruleIdsFor('common/card/x.ts', probe('@peculiar/x509'))).toContain(wall);
    expect(await ruleIdsFor('main/card-process/x.ts', probe('@peculiar/x509'))).not.toContain(wall);
    expect(await ruleIdsFor('main/card/card-revocation.ts', probe('@peculiar/x509'))).not.toContain(wall);
    expect(await ruleIdsFor('common/revocation/x.ts', probe('@peculiar/x509'))).not.toContain(wall);
  });

  it('keeps the login flow and the card process apart', async () => {
    expect(await ruleIdsFor('main/session/x.ts', probe('../card-process/pkcs11-token-access'))).toContain(wall);
    expect(await ruleIdsFor('main/card-process/x.ts', probe('../session/session-service'))).toContain(wall);
    expect(await ruleIdsFor('main/card-process/x.ts', probe('../card/card-process-supervisor'))).toContain(wall);
    expect(await ruleIdsFor('main/card-process/x.ts', probe('../errors/app-failure'))).not.toContain(wall);
  });

  it('lets main reach the card process only through its protocol', async () => {
    expect(await ruleIdsFor('main/card/x.ts', probe('../card-process/pkcs11-token-access'))).toContain(wall);
    expect(await ruleIdsFor('main/x.ts', probe('./card-process/card-worker'))).toContain(wall);
    expect(await ruleIdsFor('main/card/x.ts', probe('../card-process/card-worker-protocol'))).not.toContain(wall);
  });

  it('keeps tests/ out of product code (test files next to the code may use it)', async () => {
    expect(await ruleIdsFor('main/x.ts', probe('../tests/cardlab/index'))).toContain(wall);
    expect(await ruleIdsFor('main/demo/x.ts', probe('../../tests/cardlab/index'))).toContain(wall);
    expect(await ruleIdsFor('server/x.ts', probe('../tests/fixtures/postgres-server'))).toContain(wall);
    expect(await ruleIdsFor('renderer/src/admin/x.ts', probe('../../../tests/renderer/admin-fakes'))).toContain(wall);
    expect(await ruleIdsFor('common/x.ts', probe('../tests/cardlab/index'))).toContain(wall);
    expect(await ruleIdsFor('server/x.test.ts', probe('../tests/server-support/test-context'))).not.toContain(wall);
  });

  it('keeps the test bridge and demo mode out of product code but their entries', async () => {
    expect(await ruleIdsFor('main/ipc/x.ts', probe('../bridge/bridge-server'))).toContain(wall);
    expect(await ruleIdsFor('main/app/x.ts', probe('../bridge/bridge-server'))).toContain(wall);
    expect(await ruleIdsFor('renderer/src/x.ts', probe('../../main/bridge/bridge-protocol'))).toContain(wall);
    expect(await ruleIdsFor('main/bridge/web-cli.ts', probe('./bridge-server'))).not.toContain(wall);
    expect(await ruleIdsFor('main/x.ts', probe('./demo/demo-environment'))).toContain(wall);
    expect(await ruleIdsFor('main/app/window.ts', probe('../demo/demo-environment'))).toContain(wall);
    expect(await ruleIdsFor('main/bridge/bridge-server.ts', probe('../demo/demo-environment'))).toContain(wall);
    expect(await ruleIdsFor('main/app/main.ts', probe('../demo/demo-environment'))).not.toContain(wall);
    expect(await ruleIdsFor('main/bridge/web-cli.ts', probe('../demo/demo-environment'))).not.toContain(wall);
  });

  it('keeps the reference server and the client apart, and the renderer out of both', async () => {
    expect(await ruleIdsFor('server/x.ts', probe('../main/logging/logger'))).toContain(wall);
    expect(await ruleIdsFor('main/backend/x.ts', probe('../../server/app'))).toContain(wall);
    expect(await ruleIdsFor('renderer/src/x.ts', probe('../../server/app'))).toContain(wall);
    expect(await ruleIdsFor('server/x.ts', probe('../common/api/schemas'))).not.toContain(wall);
    expect(await ruleIdsFor('preload/x.ts', probe('../main/ipc/ipc-router'))).toContain(wall);
    expect(await ruleIdsFor('preload/x.ts', probe('../common/ipc/contract'))).not.toContain(wall);
  });

  it('lets main take only the word catalogue from the renderer', async () => {
    expect(await ruleIdsFor('main/diagnostics/x.ts', probe('../../renderer/src/i18n/i18n'))).toContain(wall);
    expect(await ruleIdsFor('main/diagnostics/x.ts', probe('../../renderer/src/stores/session-store'))).toContain(wall);
    expect(await ruleIdsFor('main/diagnostics/x.ts', probe('../../renderer/src/i18n/catalogue'))).not.toContain(wall);
    expect(await ruleIdsFor('main/diagnostics/x.ts', probe('../../renderer/src/i18n/sv.json'))).not.toContain(wall);
  });
});

// Words for people are the catalogue's (renderer/src/i18n); main sends codes and values.
describe('no Swedish words in main', () => {
  const rule = 'no-restricted-syntax';

  it('refuses a string or template with a Swedish letter in main, not in comments, tests or the renderer', async () => {
    expect(await ruleIdsFor('main/diagnostics/x.ts', "export const a = 'Kortet är låst';\n")).toContain(rule);
    expect(await ruleIdsFor('main/config/x.ts', 'export const a = (n: number) => `Försök kvar: ${n}`;\n')).toContain(rule);
    expect(await ruleIdsFor('main/diagnostics/x.ts', "// Kortet är låst\nexport const a = 'card-locked';\n")).not.toContain(rule);
    expect(await ruleIdsFor('main/diagnostics/x.test.ts', "export const a = 'Kortet är låst';\n")).not.toContain(rule);
    expect(await ruleIdsFor('renderer/src/x.ts', "export const a = 'Kortet är låst';\n")).not.toContain(rule);
  });
});

describe('import cycles', () => {
  it('refuses a module that imports a module that imports it back', async () => {
    // app-settings.ts imports card-settings.ts; card-settings.ts importing app-settings back was the
    // dead circle of issue 15. (Type-only imports are erased at run time and not counted.)
    const code = "import { resolveAppSettings } from './app-settings';\nexport const a = resolveAppSettings;\n";
    expect(await ruleIdsFor('main/config/card-settings.ts', code)).toContain('import-x/no-cycle');
    expect(await ruleIdsFor('main/config/other.ts', code)).not.toContain('import-x/no-cycle');
  });
});
