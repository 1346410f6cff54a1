import type { IpcHandlers } from '../ipc/ipc-router';
import { unwrap } from '../errors/app-failure';
import type { CardService } from './card-service';

type CardChannel = 'card:get-snapshot' | 'card:reread' | 'card:restart-process' | 'card:change-pin' | 'card:unblock-pin';

/**
 * The card's IPC handlers over the card service. PIN care ("Byt PIN-kod", "Lås upp PIN-kod med
 * PUK") reads the card again after the change, so the answer shows the card's tries as they are
 * now; a refused change is thrown with its code and nothing is re-read.
 */
export function cardHandlers(card: CardService): Pick<IpcHandlers, CardChannel> {
  return {
    'card:get-snapshot': () => card.snapshot(),
    'card:reread': async () => unwrap(await card.reread()),
    'card:restart-process': async () => unwrap(await card.restartProcess()),
    'card:change-pin': async (request) => {
      unwrap(await card.changePin(request));
      return unwrap(await card.refresh());
    },
    'card:unblock-pin': async (request) => {
      unwrap(await card.unblockPin(request));
      return unwrap(await card.refresh());
    },
  };
}
