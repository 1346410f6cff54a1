import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { app, dialog, shell, type BrowserWindow } from 'electron';
import type { MainServicesOptions } from '../composition-root';
import type { AppSettings } from '../config/app-settings';
import { describeConfiguration } from '../diagnostics/configuration-report';

/** The log folder in the user's data folder. */
export function electronLogDir(): string {
  return path.join(app.getPath('userData'), 'logs');
}

/** What diagnostics needs from Electron: the save dialog, the file manager, the log folder, the settings. */
export function electronDiagnostics(
  settings: AppSettings,
  window: () => BrowserWindow | null,
): NonNullable<MainServicesOptions['diagnostics']> {
  return {
    logDir: electronLogDir(),
    configuration: () => describeConfiguration({ entries: settings.config.entries, modulePath: settings.card.modulePath }),
    saveFile: async (suggestedName, content) => {
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
