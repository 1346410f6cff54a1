import type { Logger } from 'pino';
import type { CardService } from './card/card-service';
import { unwrap } from './errors/app-failure';
import { createEventBus, type EventBus } from './events/event-bus';
import { createIpcRouter, type IpcRouter } from './ipc/ipc-router';
import { openExternalSafely } from './security/external-links';
import { AppInfoService, type AppInfoSource } from './services/app-info-service';

export interface MainServicesOptions {
  appInfo: AppInfoSource;
  logger: Logger;
  /** Origins the renderer is served from; IPC from anywhere else is refused. */
  trustedOrigins: readonly string[];
  /** The platform's "open in browser" (Electron's shell.openExternal); only reached through the allow-list. */
  openExternal: (url: string) => Promise<void>;
  /** The card layer (its own process, supervised). */
  card: CardService;
}

export interface MainServices {
  router: IpcRouter;
  events: EventBus;
  logger: Logger;
  card: CardService;
}

/**
 * The one composition root: builds every main-process service and the IPC handlers over them.
 * The Electron shell and the test bridge both call this, so they serve the same code.
 */
export function composeMainServices(options: MainServicesOptions): MainServices {
  const { logger } = options;
  const events = createEventBus();
  const appInfo = new AppInfoService(options.appInfo);
  const { card } = options;
  card.onSnapshot((snapshot) => events.publish('card:snapshot', snapshot));

  const router = createIpcRouter({
    logger,
    trustedOrigins: options.trustedOrigins,
    handlers: {
      'app:get-info': () => appInfo.getInfo(),
      'app:open-external': async ({ url }) => ({ opened: await openExternalSafely(url, options.openExternal) }),
      'card:get-snapshot': () => card.snapshot(),
      'card:reread': async () => unwrap(await card.reread()),
      'card:restart-process': async () => unwrap(await card.restartProcess()),
    },
  });

  return { router, events, logger, card };
}
