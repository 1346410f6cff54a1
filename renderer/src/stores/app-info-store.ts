import { createStore } from 'zustand/vanilla';
import type { AppApi } from '../../../common/ipc/api';
import type { AppError } from '../../../common/errors/error-codes';
import type { AppInfo } from '../../../common/ipc/contract';

export interface AppInfoState {
  info: AppInfo | null;
  error: AppError | null;
  load(): Promise<void>;
}

/** The program's identity as main reports it; built from the slice of the API it uses. */
export function createAppInfoStore(api: Pick<AppApi, 'getAppInfo'>) {
  return createStore<AppInfoState>()((set) => ({
    info: null,
    error: null,
    async load() {
      const result = await api.getAppInfo();
      if (result.ok) set({ info: result.value, error: null });
      else set({ error: result.error });
    },
  }));
}
