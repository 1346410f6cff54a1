import { ipcMain, type WebContents } from 'electron';
import { EVENT_CHANNEL } from '../../common/ipc/contract';
import type { MainServices } from '../composition-root';
import { isOurTopFrame } from '../security/shell-decisions';

/**
 * The only file that touches ipcMain: every channel goes through the router, which checks the
 * sender frame and parses the payload. Messages from any other WebContents are refused too.
 */
export function registerIpc(services: MainServices, window: () => WebContents | null): () => void {
  for (const channel of services.router.channels) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      const frame = event.senderFrame;
      return services.router.dispatch(channel, payload, {
        frameUrl: frame?.url ?? null,
        isMainFrame: isOurTopFrame(event, window()),
      });
    });
  }
  const unsubscribe = services.events.subscribe((message) => {
    const target = window();
    if (target && !target.isDestroyed()) target.send(EVENT_CHANNEL, message);
  });
  return () => {
    unsubscribe();
    for (const channel of services.router.channels) ipcMain.removeHandler(channel);
  };
}
