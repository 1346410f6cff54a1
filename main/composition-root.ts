import type { Logger } from 'pino';
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
}

export interface MainServices {
  router: IpcRouter;
  events: EventBus;
  logger: Logger;
}

/**
 * The one composition root: builds every main-process service and the IPC handlers over them.
 * The Electron shell and the test bridge both call this, so they serve the same code.
 */
export function composeMainServices(options: MainServicesOptions): MainServices {
  const { logger } = options;
  const events = createEventBus();
  const appInfo = new AppInfoService(options.appInfo);

  const router = createIpcRouter({
    logger,
    trustedOrigins: options.trustedOrigins,
    handlers: {
      'app:get-info': () => appInfo.getInfo(),
      'app:open-external': async ({ url }) => ({ opened: await openExternalSafely(url, options.openExternal) }),
    },
  });

  return { router, events, logger };
}
