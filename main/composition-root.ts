import type { Logger } from 'pino';
import type { CardRemovalPolicy } from '../common/session/session-state';
import { BackendClient } from './backend/backend-client';
import type { BackendTransport } from './backend/backend-transport';
import type { CardService } from './card/card-service';
import { createCardRevocation, withRevocation } from './card/card-revocation';
import { SessionService } from './session/session-service';
import { sessionHandlers } from './session/session-handlers';
import { cardHandlers } from './card/card-handlers';
import { createEventBus, type EventBus } from './events/event-bus';
import { createIpcRouter, type IpcRouter } from './ipc/ipc-router';
import { AppInfoService, appHandlers, type AppInfoSource } from './services/app-info-service';
import { settingsHandlers, type SettingsService } from './services/settings-service';
import type { ConfigurationEntry } from '../common/diagnostics/support-report';
import { DiagnosticsService, systemInfo } from './diagnostics/diagnostics-service';
import { probeBackend } from './diagnostics/backend-probe';
import { diagnosticsHandlers } from './diagnostics/diagnostics-handlers';
import { inspectTls } from './diagnostics/tls-inspection';
import type { NetworkSettings } from './config/app-settings';
import { readRecentLogEntries } from './logging/log-reader';

export interface MainServicesOptions {
  appInfo: AppInfoSource;
  logger: Logger;
  /** Origins the renderer is served from; IPC from anywhere else is refused. */
  trustedOrigins: readonly string[];
  /** The platform's "open in browser" (Electron's shell.openExternal); only reached through the allow-list. */
  openExternal: (url: string) => Promise<void>;
  /** The card layer (its own process, supervised). */
  card: CardService;
  /** The backend and the origin login signatures are bound to; null when none is configured. */
  backend: { url: string; origin: string; timeoutMs?: number } | null;
  cardRemovalPolicy: CardRemovalPolicy;
  /** The system policy file or registry key (named by the "no CA certificates configured" notice). */
  policyLocation: string;
  /** The configured CA certificate files (trustAnchors): with them, the card certificate's revocation is checked. */
  caCertificateFiles?: readonly string[];
  /** The fetch for backend calls: Electron's net.fetch in the app, undici's (proxy, extra CAs) elsewhere. */
  backendTransport?: BackendTransport;
  /** Proxy and extra CAs: diagnostics looks at what the backend's TLS server presents through them. */
  network?: NetworkSettings;
  /** The settings view's service; absent in tests that do not need it (settings:get then refuses). */
  settings?: SettingsService;
  /** What diagnostics needs from the platform; without it there is no log folder and nothing to save to. */
  diagnostics?: {
    logDir: string | null;
    configuration: () => ConfigurationEntry[];
    saveFile?: (suggestedName: string, content: string) => Promise<string | null>;
    openFolder?: (folder: string) => Promise<boolean>;
  };
}

export interface MainServices {
  router: IpcRouter;
  events: EventBus;
  logger: Logger;
  card: CardService;
  session: SessionService;
  backend: BackendClient | null;
}

/**
 * The one composition root: builds every main-process service and the IPC handlers over them.
 * The Electron shell and the test bridge both call this, so they serve the same code.
 */
export function composeMainServices(options: MainServicesOptions): MainServices {
  const { logger } = options;
  const events = createEventBus();
  const appInfo = new AppInfoService(options.appInfo);
  // Every snapshot main hands out carries the revocation status of the card's certificate (OCSP/CRL).
  const card = options.caCertificateFiles
    ? withRevocation(options.card, createCardRevocation(options.caCertificateFiles, logger, options.backendTransport))
    : options.card;
  card.onSnapshot((snapshot) => events.publish('card:snapshot', snapshot));
  const backend = options.backend
    ? new BackendClient({
        baseUrl: options.backend.url,
        timeoutMs: options.backend.timeoutMs,
        transport: options.backendTransport,
      })
    : null;
  const session = new SessionService({
    card,
    backend,
    origin: options.backend?.origin ?? '',
    removalPolicy: options.cardRemovalPolicy,
    logger,
  });
  session.onState((state) => events.publish('session:state', state));
  // The one backend probe, for the login view's troubleshooting and for diagnostics.
  const { network } = options;
  const probe = () =>
    probeBackend(
      options.backend?.url ?? null,
      5000,
      options.backendTransport,
      network ? (target) => inspectTls(target, { network }) : undefined,
    );

  const diagnostics = new DiagnosticsService({
    card,
    backendUrl: options.backend?.url ?? null,
    policyLocation: options.policyLocation,
    probeBackend: probe,
    appInfo: () => appInfo.getInfo(),
    system: systemInfo,
    configuration: options.diagnostics?.configuration ?? (() => []),
    logDir: options.diagnostics?.logDir ?? null,
    readRecentErrors: (dir) => readRecentLogEntries(dir),
    saveFile: options.diagnostics?.saveFile,
    openFolder: options.diagnostics?.openFolder,
    logger,
  });

  const router = createIpcRouter({
    logger,
    trustedOrigins: options.trustedOrigins,
    handlers: {
      ...appHandlers(appInfo, options.openExternal),
      ...cardHandlers(card),
      ...sessionHandlers(session),
      ...settingsHandlers(options.settings),
      ...diagnosticsHandlers(diagnostics, probe),
    },
  });

  return { router, events, logger, card, session, backend };
}
