import { createStore } from 'zustand/vanilla';
import type { AuditEntry } from '../../../common/api/schemas';
import type { AppError } from '../../../common/errors/error-codes';
import type { AdministrationApi } from './administration-api';
import type { LoadStatus } from './administration-store';

export const AUDIT_PAGE_SIZE = 100;

export interface AuditState {
  status: LoadStatus;
  entries: AuditEntry[];
  /** Whether older entries may exist (the last page was full). */
  hasMore: boolean;
  /** Only this user's entries, or the whole organisation's (null). */
  userId: string | null;
  error: AppError | null;
  /** Loads the newest page, for one user or for the organisation. */
  load(userId?: string | null): Promise<void>;
  /** Appends the next older page. */
  loadMore(): Promise<void>;
  reset(): void;
}

/** The organisation's change log ("Ändringslogg"), newest first, paged backwards by id. */
export function createAuditStore(api: Pick<AdministrationApi, 'listAudit'>) {
  let generation = 0;
  return createStore<AuditState>()((set, get) => ({
    status: 'idle',
    entries: [],
    hasMore: false,
    userId: null,
    error: null,

    async load(userId = null) {
      const since = ++generation;
      set({ status: 'loading', userId, error: null });
      const result = await api.listAudit({ limit: AUDIT_PAGE_SIZE, ...(userId ? { userId } : {}) });
      if (since !== generation) return;
      if (!result.ok) return set({ status: 'failed', error: result.error });
      set({ status: 'ready', entries: result.value.entries, hasMore: result.value.entries.length === AUDIT_PAGE_SIZE });
    },

    async loadMore() {
      const { entries, userId, hasMore, status } = get();
      if (!hasMore || status === 'loading' || entries.length === 0) return;
      const since = generation;
      const before = Math.min(...entries.map((e) => e.id));
      set({ status: 'loading' });
      const result = await api.listAudit({ limit: AUDIT_PAGE_SIZE, before, ...(userId ? { userId } : {}) });
      if (since !== generation) return;
      if (!result.ok) return set({ status: 'failed', error: result.error });
      set({
        status: 'ready',
        entries: [...get().entries, ...result.value.entries],
        hasMore: result.value.entries.length === AUDIT_PAGE_SIZE,
      });
    },

    reset() {
      generation += 1;
      set({ status: 'idle', entries: [], hasMore: false, userId: null, error: null });
    },
  }));
}

export type AuditStore = ReturnType<typeof createAuditStore>;
