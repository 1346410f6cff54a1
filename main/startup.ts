import type { Logger } from 'pino';
import type { Settings } from '../common/settings/settings';
import type { BackendTransport } from './backend/backend-transport';
import { CardProcessSupervisor, type WorkerLauncher } from './card/card-process-supervisor';
import { composeMainServices, type MainServices, type MainServicesOptions } from './composition-root';
import { resolveAppSettings, type AppSettings } from './config/app-settings';
import { describeConfiguration } from './diagnostics/configuration-report';
import { UserSettingsStore } from './config/user-settings-store';
import type { SettingsAndLogger } from './logging/settings-logger';
import type { AppInfoSource } from './services/app-info-service';
import { SettingsService } from './services/settings-service';

// The one startup of main's services, for the Electron shell (main/app/main.ts) and the test bridge
// (main/bridge/web-cli.ts): settings → logger → configuration issues → demo → settings service →
// card process → composition. What differs between the two comes in as options; the settings derived
// from the configuration (backend, card, removal policy, CA certificates) are read here only.

/** What a started demo environment gives startup (main/demo/ is passed in by the entries, never imported here). */
export interface StartupDemo {
  settings: Partial<Settings>;
  stop(): Promise<void>;
}

export interface StartupPlatform {
  /** Starts the demo environment; given only where demo mode was asked for (and allowed). Used when no backend is configured. */
  startDemo?: (logger: Logger) => Promise<StartupDemo>;
  /** Runs once the settings are final, before the card process starts (Electron: the session's proxy and CAs). */
  applySettings?: (settings: AppSettings) => Promise<void>;
  /** How the card process is started (utilityProcess in Electron, fork under Node). */
  launchCardProcess: WorkerLauncher;
  /** The HTTP fetch for backend calls and revocation checks, from the final network settings. */
  backendTransport: (network: AppSettings['network']) => BackendTransport;
  /** The platform's "open in browser". */
  openExternal: (url: string) => Promise<void>;
  /** What diagnostics needs from the platform: the log folder, saving a report, opening a folder. */
  diagnostics: Omit<NonNullable<MainServicesOptions['diagnostics']>, 'configuration'>;
  /** About the program; whether demo mode runs is filled in here. */
  appInfo: Omit<AppInfoSource, 'demoMode'>;
}

export interface StartedMain {
  settings: AppSettings;
  logger: Logger;
  /** Whether the demo environment runs. */
  demoMode: boolean;
  card: CardProcessSupervisor;
  /** Builds main's services and IPC handlers for renderers served from these origins. */
  compose(trustedOrigins: readonly string[]): MainServices;
  /** Stops the card process and the demo environment. */
  stop(): Promise<void>;
}

/**
 * Starts main: the demo environment where asked for and no backend is configured (the settings are then
 * resolved again with its layer), the card process, and a composer of the services over both.
 */
export async function startMain(base: SettingsAndLogger, platform: StartupPlatform): Promise<StartedMain> {
  const { logger } = base;
  let { settings } = base;
  let sources = base.sources;
  let demo: StartupDemo | null = null;
  if (platform.startDemo && settings.backend === null) {
    demo = await platform.startDemo(logger);
    sources = { ...sources, demo: demo.settings };
    settings = resolveAppSettings(sources);
  }
  const final = settings;
  const finalSources = sources;
  await platform.applySettings?.(final);
  const settingsService = new SettingsService({
    resolve: () => resolveAppSettings(finalSources).config,
    store: new UserSettingsStore(final.config.userFile),
    demoMode: demo !== null,
  });
  const card = new CardProcessSupervisor({ launch: platform.launchCardProcess, config: final.card, logger });
  card.start();
  const backendTransport = platform.backendTransport(final.network);
  return {
    settings: final,
    logger,
    demoMode: demo !== null,
    card,
    compose: (trustedOrigins) =>
      composeMainServices({
        logger,
        trustedOrigins,
        appInfo: { ...platform.appInfo, demoMode: demo !== null },
        openExternal: platform.openExternal,
        card,
        backend: final.backend,
        cardRemovalPolicy: final.cardRemovalPolicy,
        policyLocation: final.config.policyLocation,
        caCertificateFiles: final.card.trustAnchorPaths,
        diagnostics: {
          ...platform.diagnostics,
          configuration: () => describeConfiguration({ entries: final.config.entries, modulePath: final.card.modulePath }),
        },
        backendTransport,
        network: final.network,
        settings: settingsService,
      }),
    stop: async () => {
      card.stop();
      await demo?.stop();
    },
  };
}
