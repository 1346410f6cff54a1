import { createStore } from 'zustand/vanilla';
import type { AppApi } from '../../../common/ipc/api';
import type { CardSnapshot } from '../../../common/card/card-state';
import type { AppError } from '../../../common/errors/error-codes';

export interface CardStoreState {
  snapshot: CardSnapshot | null;
  busy: boolean;
  error: AppError | null;
  /** Loads the current state and follows main's card events; returns the unsubscribe function. */
  connect(): () => void;
  /** "Läs in kortet på nytt". */
  reread(): Promise<void>;
  /** Restarts the card process (support action). */
  restartProcess(): Promise<void>;
}

/** Card state from main, live; built from the slice of the API it uses. */
export function createCardStore(api: Pick<AppApi, 'getCardSnapshot' | 'rereadCard' | 'restartCardProcess' | 'on'>) {
  return createStore<CardStoreState>()((set) => {
    const run = async (action: () => ReturnType<AppApi['rereadCard']>) => {
      set({ busy: true, error: null });
      const result = await action();
      set(result.ok ? { busy: false, snapshot: result.value } : { busy: false, error: result.error });
    };
    return {
      snapshot: null,
      busy: false,
      error: null,
      connect() {
        const off = api.on('card:snapshot', (snapshot) => set({ snapshot }));
        void api.getCardSnapshot().then((result) => {
          if (result.ok) set({ snapshot: result.value });
        });
        return off;
      },
      reread: () => run(() => api.rereadCard()),
      restartProcess: () => run(() => api.restartCardProcess()),
    };
  });
}
