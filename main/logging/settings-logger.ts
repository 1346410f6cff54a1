import type { Logger } from 'pino';
import { resolveAppSettings, type AppSettings, type AppSettingsSources } from '../config/app-settings';
import { createLogger, type LoggerOptions } from './logger';

// The first step of every start (the Electron shell, the test bridge, `npm run doctor`): the settings,
// a logger at their level, and what was wrong in the configuration, logged. The rest of startup is
// main/startup.ts; this part lives here so that the doctor (main/diagnostics/) can use it too.

export interface SettingsAndLogger {
  sources: AppSettingsSources;
  settings: AppSettings;
  logger: Logger;
}

/**
 * Resolves the settings (defaults < user < policy < development flags), makes the logger at their log
 * level and logs what was wrong in the configuration. `log.level` overrides the settings' level.
 */
export function loadSettingsAndLogger(
  sources: AppSettingsSources,
  log: Pick<LoggerOptions, 'packaged' | 'level' | 'destination'> & { dir?: string | null },
): SettingsAndLogger {
  const settings = resolveAppSettings(sources);
  const logger = createLogger({
    level: log.level ?? settings.logLevel,
    file: log.dir ? { dir: log.dir } : undefined,
    packaged: log.packaged,
    destination: log.destination,
  });
  for (const problem of settings.config.issues) {
    logger.warn(
      {
        component: 'config',
        event: 'config-invalid',
        // user, policy or flag (then file is the environment variable's name)
        source: problem.source,
        file: problem.file,
        key: problem.key,
        problem: problem.problem,
        ...problem.params,
      },
      `Configuration issue: ${problem.problem}`,
    );
  }
  return { sources, settings, logger };
}
