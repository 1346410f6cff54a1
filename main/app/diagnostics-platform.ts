import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import type { MainServicesOptions } from '../composition-root';
import type { AppSettings } from '../config/app-settings';
import { describeConfiguration } from '../diagnostics/configuration-report';
import { saveIntoFolder } from '../diagnostics/report-folder';

/** The log folder in the user's data folder (an unpackaged build for tests may point elsewhere: BEHORIGHETSADMIN_LOG_DIR). */
export function electronLogDir(): string {
  const override = app.isPackaged ? undefined : process.env.BEHORIGHETSADMIN_LOG_DIR?.trim();
  return override ? path.resolve(override) : path.join(app.getPath('userData'), 'logs');
}

function reportDirForTests(): string | null {
  return app.isPackaged ? null : process.env.BEHORIGHETSADMIN_REPORT_DIR?.trim() || null;
}

/** What diagnostics needs from Electron: the save dialog, the file manager, the log folder, the settings. */
export function electronDiagnostics(
  settings: AppSettings,
  window: () => BrowserWindow | null,
): NonNullable<MainServicesOptions['diagnostics']> {
  return {
    logDir: electronLogDir(),
    configuration: () => describeConfiguration({ entries: settings.config.entries, modulePath: settings.card.modulePath }),
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
