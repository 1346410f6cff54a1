import { createStore } from 'zustand/vanilla';
import type { AppApi } from '../../../common/ipc/api';
import type { AppError } from '../../../common/errors/error-codes';
import type { SessionState } from '../../../common/session/session-state';

export interface SessionStoreState {
  session: SessionState;
  loggingIn: boolean;
  /** Why the last login failed (with tries left in details where the card says so). */
  loginError: AppError | null;
  connect(): () => void;
  /**
   * Sends the PIN to main once, with the reader of the card chosen (null: main takes the one card that
   * can log in); the PIN is not kept in this store or anywhere in the renderer.
   */
  login(pin: string, readerName?: string | null): Promise<boolean>;
  logout(): Promise<void>;
  clearError(): void;
}

/** The session as main reports it; never holds the token or the PIN. */
export function createSessionStore(api: Pick<AppApi, 'getSessionState' | 'login' | 'logout' | 'on'>) {
  return createStore<SessionStoreState>()((set) => ({
    session: { status: 'logged-out', reason: null },
    loggingIn: false,
    loginError: null,
    connect() {
      const off = api.on('session:state', (session) => set({ session }));
      void api.getSessionState().then((result) => {
        if (result.ok) set({ session: result.value });
      });
      return off;
    },
    async login(pin, readerName = null) {
      set({ loggingIn: true, loginError: null });
      const result = await api.login(readerName ? { pin, readerName } : { pin });
      if (result.ok) {
        set({ loggingIn: false, session: result.value });
        return true;
      }
      set({ loggingIn: false, loginError: result.error });
      return false;
    },
    async logout() {
      const result = await api.logout();
      if (result.ok) set({ session: result.value, loginError: null });
    },
    clearError: () => set({ loginError: null }),
  }));
}
