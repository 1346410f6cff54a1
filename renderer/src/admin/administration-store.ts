import { createStore } from 'zustand/vanilla';
import type { NewUser, Organisation, User, UserPage, UserPatch } from '../../../common/api/schemas';
import type { IpcRequest } from '../../../common/ipc/contract';
import type { AppError, Result } from '../../../common/errors/error-codes';
import type { AdministrationApi } from './administration-api';
import { requestKey } from '../../../common/ipc/request-key';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'failed';

export type StoreApiSlice = Pick<
  AdministrationApi,
  'getOrganisation' | 'listUserPage' | 'getUser' | 'createUser' | 'updateUser' | 'deleteUser' | 'setPermissions'
>;

/**
 * What a change came to. On a version conflict the store has already fetched the user again, so
 * `fresh` is what the other administrator left (null if they deleted the user).
 */
export type ChangeOutcome = { ok: true; user: User } | { ok: false; error: AppError; fresh?: User | null };

export type UserPageRequest = IpcRequest<'admin:list-user-page'>;

/** The last change made here, so the list can update its visible rows without reloading. */
export type ListChange = { kind: 'put'; user: User; added: boolean } | { kind: 'drop'; id: string };

/** Most users the store remembers from the pages the grid fetched (the grid holds what it shows). */
export const KNOWN_USERS_MAX = 2000;

export interface AdministrationState {
  status: LoadStatus;
  organisation: Organisation | null;
  /**
   * Users the store knows: the rows of recently fetched pages and those changed here (at most
   * KNOWN_USERS_MAX, never the whole organisation); each change replaces one object, from the
   * server's answer.
   */
  users: User[];
  /** All users of the organisation, as the last first page counted them. */
  total: number;
  error: AppError | null;
  /** Bumped with each change made here; `lastChange` says what it was. */
  changes: number;
  lastChange: ListChange | null;
  /**
   * Loads the organisation (its e-services); the grid asks for the users page by page. With
   * `firstPage`, that page is asked at the same time, and the grid's first request for it gets it.
   */
  load(firstPage?: UserPageRequest): Promise<void>;
  /** One page of the list, as the grid asks for it; its users become known, a first page's total is kept. */
  fetchPage(request: UserPageRequest): Promise<Result<UserPage>>;
  /** Fetches one user again and puts the answer in the list (or drops it if gone). */
  refreshUser(id: string): Promise<Result<User>>;
  /** "Lägg till användare": the created user joins the list. */
  createUser(user: NewUser): Promise<ChangeOutcome>;
  /** "Ändra användare": sends the version the list holds, so another administrator's change is never overwritten. */
  updateUser(id: string, patch: UserPatch): Promise<ChangeOutcome>;
  /** "Klar": the full set of permissions for one e-service. */
  setPermissions(
    id: string,
    eserviceId: string,
    permissions: string[],
    endDates?: Record<string, string>,
  ): Promise<ChangeOutcome>;
  /** "Ta bort användare" → "OK". */
  deleteUser(id: string): Promise<ChangeOutcome>;
  /** Forgets everything (logout). Answers to calls made before are then ignored. */
  reset(): void;
}

const INITIAL = {
  status: 'idle' as LoadStatus,
  organisation: null,
  users: [] as User[],
  total: 0,
  error: null,
  changes: 0,
  lastChange: null as ListChange | null,
};

/** The administration store, built from the API slice it uses (tests pass plain-function fakes). */
export function createAdministrationStore(api: StoreApiSlice) {
  // Bumped on reset: an answer that arrives after logout must not bring the data back.
  let generation = 0;

  return createStore<AdministrationState>()((set, get) => {
    const current = (since: number) => since === generation;

    /** A known user is replaced where it is, a new one appended; the oldest beyond KNOWN_USERS_MAX go. */
    const remember = (fresh: readonly User[]) => {
      if (fresh.length === 0) return;
      const users = [...get().users];
      const index = new Map(users.map((u, i) => [u.id, i]));
      for (const user of fresh) {
        const at = index.get(user.id);
        if (at === undefined) {
          index.set(user.id, users.length);
          users.push(user);
        } else users[at] = user;
      }
      set({ users: users.length > KNOWN_USERS_MAX ? users.slice(users.length - KNOWN_USERS_MAX) : users });
    };

    const putUser = (user: User, added = false) => {
      remember([user]);
      set({ changes: get().changes + 1, lastChange: { kind: 'put', user, added }, ...(added ? { total: get().total + 1 } : {}) });
    };

    const dropUser = (id: string) => {
      set({
        users: get().users.filter((u) => u.id !== id),
        total: Math.max(0, get().total - 1),
        changes: get().changes + 1,
        lastChange: { kind: 'drop', id },
      });
    };

    /** Common handling of a refused change: fetch fresh data on conflict, drop on not-found. */
    const refused = async (id: string, error: AppError, since: number): Promise<ChangeOutcome> => {
      if (error.code === 'not-found') {
        if (current(since)) dropUser(id);
        return { ok: false, error, fresh: null };
      }
      if (error.code === 'version-conflict') {
        const fresh = await api.getUser({ id });
        if (!current(since)) return { ok: false, error };
        if (fresh.ok) {
          putUser(fresh.value);
          return { ok: false, error, fresh: fresh.value };
        }
        if (fresh.error.code === 'not-found') dropUser(id);
        return { ok: false, error, fresh: fresh.error.code === 'not-found' ? null : undefined };
      }
      return { ok: false, error };
    };

    // The page asked together with the organisation, until the grid's first request takes it.
    let prefetched: { key: string; answer: Promise<Result<UserPage>> } | null = null;

    const versionOf = (id: string): number | null => get().users.find((u) => u.id === id)?.version ?? null;

    return {
      ...INITIAL,

      async load(firstPage) {
        const since = generation;
        set({ status: 'loading', error: null });
        prefetched = firstPage
          ? { key: requestKey('admin:list-user-page', firstPage), answer: api.listUserPage(firstPage) }
          : null;
        const organisation = await api.getOrganisation();
        if (!current(since)) return;
        if (!organisation.ok) return set({ status: 'failed', error: organisation.error });
        set({ status: 'ready', organisation: organisation.value, error: null });
      },

      async fetchPage(request) {
        const since = generation;
        const early = prefetched?.key === requestKey('admin:list-user-page', request) ? prefetched.answer : undefined;
        // Used once, and only by the first request: a later one may follow a change.
        prefetched = null;
        const result = await (early ?? api.listUserPage(request));
        if (!current(since) || !result.ok) return result;
        remember(result.value.users);
        if (result.value.total !== null) set({ total: result.value.total });
        return result;
      },

      async refreshUser(id) {
        const since = generation;
        const result = await api.getUser({ id });
        if (!current(since)) return result;
        if (result.ok) putUser(result.value);
        else if (result.error.code === 'not-found') dropUser(id);
        return result;
      },

      async createUser(user) {
        const since = generation;
        const result = await api.createUser({ user });
        if (!result.ok) return { ok: false, error: result.error };
        if (current(since)) putUser(result.value, true);
        return { ok: true, user: result.value };
      },

      async updateUser(id, patch) {
        const since = generation;
        const version = versionOf(id);
        if (version === null) return { ok: false, error: { code: 'not-found' }, fresh: null };
        const result = await api.updateUser({ id, version, patch });
        if (!result.ok) return refused(id, result.error, since);
        if (current(since)) putUser(result.value);
        return { ok: true, user: result.value };
      },

      async setPermissions(id, eserviceId, permissions, endDates) {
        const since = generation;
        const version = versionOf(id);
        if (version === null) return { ok: false, error: { code: 'not-found' }, fresh: null };
        const result = await api.setPermissions({
          id,
          version,
          eserviceId,
          permissions,
          ...(endDates && Object.keys(endDates).length > 0 ? { endDates } : {}),
        });
        if (!result.ok) return refused(id, result.error, since);
        if (current(since)) putUser(result.value);
        return { ok: true, user: result.value };
      },

      async deleteUser(id) {
        const since = generation;
        const user = get().users.find((u) => u.id === id);
        if (!user) return { ok: false, error: { code: 'not-found' }, fresh: null };
        const result = await api.deleteUser({ id, version: user.version });
        if (!result.ok) return refused(id, result.error, since);
        if (current(since)) dropUser(id);
        return { ok: true, user };
      },

      reset() {
        generation += 1;
        prefetched = null;
        set({ ...INITIAL });
      },
    };
  });
}

export type AdministrationStore = ReturnType<typeof createAdministrationStore>;
