import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { saveIntoFolder } from '../diagnostics/report-folder';
import type { StartupPlatform } from '../startup';

/** The log folder in the user's data folder (an unpackaged build for tests may point elsewhere: BEHORIGHETSADMIN_LOG_DIR). */
export function electronLogDir(): string {
  const override = app.isPackaged ? undefined : process.env.BEHORIGHETSADMIN_LOG_DIR?.trim();
  return override ? path.resolve(override) : path.join(app.getPath('userData'), 'logs');
}

function reportDirForTests(): string | null {
  return app.isPackaged ? null : process.env.BEHORIGHETSADMIN_REPORT_DIR?.trim() || null;
}

/** What diagnostics needs from Electron: the save dialog, the file manager, the log folder. */
export function electronDiagnostics(window: () => BrowserWindow | null): StartupPlatform['diagnostics'] {
  return {
    logDir: electronLogDir(),
    // End-to-end specs drive an unpackaged build without a dialog: they name the folder to save into.
    saveFile: reportDirForTests()
      ? saveIntoFolder(reportDirForTests()!)
      : async (suggestedName, content) => {
          const options = {
            title: 'Spara supportrapport',
            defaultPath: path.join(app.getPath('documents'), suggestedName),
            filters: [{ name: 'Textfil', extensions: ['txt'] }],
          };
          const owner = window();
          const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
          if (result.canceled || !result.filePath) return null;
          await writeFile(result.filePath, content, { encoding: 'utf8', mode: 0o600 });
          return result.filePath;
        },
    // shell.openPath resolves to an error message, empty on success.
    openFolder: async (folder) => (await shell.openPath(folder)) === '',
  };
}
