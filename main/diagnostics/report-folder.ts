import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the test bridge and tests save reports: BEHORIGHETSADMIN_REPORT_DIR, else a folder in the temp dir. */
export function resolveReportDir(env: NodeJS.ProcessEnv): string {
  return path.resolve(env.BEHORIGHETSADMIN_REPORT_DIR?.trim() || path.join(os.tmpdir(), 'behorighetsadmin-rapporter'));
}

/** A save function that writes reports into one folder (no dialog): the test bridge's "Spara rapport". */
export function saveIntoFolder(dir: string): (name: string, content: string) => Promise<string> {
  return async (name, content) => {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, path.basename(name));
    writeFileSync(file, content, { encoding: 'utf8', mode: 0o600 });
    return file;
  };
}
