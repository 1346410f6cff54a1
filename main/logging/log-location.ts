import path from 'node:path';
import { defaultUserDataDir } from '../config/app-settings';

/**
 * The log folder outside Electron (test bridge, doctor): BEHORIGHETSADMIN_LOG_DIR, else `logs` in
 * the user data folder (BEHORIGHETSADMIN_USER_DATA, else where Electron would put it). The app
 * itself uses app.getPath('userData')/logs.
 */
export function resolveLogDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const explicit = env.BEHORIGHETSADMIN_LOG_DIR?.trim();
  if (explicit) return path.resolve(explicit);
  const userData = env.BEHORIGHETSADMIN_USER_DATA?.trim() || defaultUserDataDir(platform, env);
  return path.join(userData, 'logs');
}
