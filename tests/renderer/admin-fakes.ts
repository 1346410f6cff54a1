import type { AdministratorEntry, AuditEntry, Organisation, User } from '../../common/api/schemas';
import type { AppError, Result } from '../../common/errors/error-codes';
import type { AdministrationApi } from '../../renderer/src/admin/administration-api';

/** Test data and plain-function fakes of the administration API slice (no mocking library). */

export const ORGANISATION: Organisation = {
  id: 'testkommunen',
  name: 'Testkommunen',
  kind: 'kommun',
  ended: false,
  eservices: [
    {
      id: 'statlig-ersattning',
      name: 'Ansök om statlig ersättning',
      permissions: [
        { id: 'las-arenden', name: 'Läsa ärenden' },
        { id: 'registrera-ansokan', name: 'Registrera ansökan' },
        { id: 'attestera', name: 'Attestera ansökan' },
      ],
    },
    {
      id: 'ensamkommande',
      name: 'Se och ändra ansvar för ensamkommande',
      permissions: [
        { id: 'se-ansvar', name: 'Se ansvar' },
        { id: 'andra-ansvar', name: 'Ändra ansvar' },
      ],
    },
  ],
};

export function makeUser(overrides: Partial<User> & { id: string }): User {
  return {
    givenName: 'Anna',
    surname: 'Andersson',
    hsaId: `SE2321000016-${overrides.id.toUpperCase()}`,
    email: `${overrides.id}@testkommunen.se`,
    permissions: {},
    endDates: {},
    lastLoginAt: '2025-01-15T09:30:00.000Z',
    inactive: false,
    version: 1,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const refuse = <T>(error: AppError): Result<T> => ({ ok: false, error });

type Listener = (payload: unknown) => void;

/**
 * A fake backend in memory behind the API slice: versions are checked as the server checks them,
 * so conflicts can be staged by changing `users` behind the store's back.
 */
export function createFakeAdministrationApi(initial: User[] = [], organisation: Organisation = ORGANISATION) {
  const users = new Map(initial.map((u) => [u.id, u]));
  const audit: AuditEntry[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const calls: { method: string; request?: unknown }[] = [];
  let nextId = 1000;
  // The rules as the server keeps them (role-rules.ts): the last administrator stays, one role per person.
  const administrators: AdministratorEntry[] = [
    {
      hsaId: 'SE2321000016-C3D4',
      givenName: 'Cecilia',
      surname: 'Beställare',
      email: 'c@t.se',
      role: 'authorised-orderer',
      lastLoginAt: null,
    },
    {
      hsaId: 'SE2321000016-A1B2',
      givenName: 'Alva',
      surname: 'Testsson',
      email: 'a@t.se',
      role: 'administrator',
      lastLoginAt: null,
    },
  ];

  const bump = (user: User, change: Partial<User>): User => ({ ...user, ...change, version: user.version + 1 });

  const api: AdministrationApi = {
    async getOrganisation() {
      calls.push({ method: 'getOrganisation' });
      return ok(organisation);
    },
    async listUserPage(request) {
      calls.push({ method: 'listUserPage', request });
      // A plain in-memory stand-in for the server's keyset pages: the cursor is the next index.
      const key = (u: User) =>
        String(u[request.sort === 'lastLogin' ? 'lastLoginAt' : request.sort === 'permissions' ? 'id' : request.sort] ?? '');
      const terms = request.search.toLowerCase().split(/\s+/).filter(Boolean);
      const all = [...users.values()]
        .filter((u) => terms.every((t) => [u.givenName, u.surname, u.hsaId, u.email].join('\n').toLowerCase().includes(t)))
        .filter(
          (u) =>
            !request.eservice ||
            (u.permissions[request.eservice] ?? []).some((p) => !request.permission || p === request.permission),
        )
        .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1));
      if (request.direction === 'desc') all.reverse();
      const start = request.cursor ? Number(request.cursor) : 0;
      const page = all.slice(start, start + request.limit);
      const next = start + page.length;
      return ok({
        users: page,
        nextCursor: next < all.length ? String(next) : null,
        matched: request.cursor ? null : all.length,
        total: request.cursor ? null : users.size,
      });
    },
    async getUser(request) {
      calls.push({ method: 'getUser', request });
      const user = users.get(request.id);
      return user ? ok(user) : refuse({ code: 'not-found' });
    },
    async createUser(request) {
      calls.push({ method: 'createUser', request });
      if ([...users.values()].some((u) => u.hsaId === request.user.hsaId)) return refuse({ code: 'hsa-id-in-use' });
      const user = makeUser({ id: `u${nextId++}`, ...request.user, lastLoginAt: null, version: 1 });
      users.set(user.id, user);
      return ok(user);
    },
    async updateUser(request) {
      calls.push({ method: 'updateUser', request });
      const user = users.get(request.id);
      if (!user) return refuse({ code: 'not-found' });
      if (user.version !== request.version) return refuse({ code: 'version-conflict' });
      const updated = bump(user, request.patch);
      users.set(user.id, updated);
      return ok(updated);
    },
    async deleteUser(request) {
      calls.push({ method: 'deleteUser', request });
      const user = users.get(request.id);
      if (!user) return refuse({ code: 'not-found' });
      if (user.version !== request.version) return refuse({ code: 'version-conflict' });
      users.delete(user.id);
      return ok({ deleted: true as const });
    },
    async setPermissions(request) {
      calls.push({ method: 'setPermissions', request });
      const user = users.get(request.id);
      if (!user) return refuse({ code: 'not-found' });
      if (user.version !== request.version) return refuse({ code: 'version-conflict' });
      const updated = bump(user, {
        permissions: { ...user.permissions, [request.eserviceId]: request.permissions },
        endDates: { ...user.endDates, [request.eserviceId]: request.endDates ?? {} },
      });
      users.set(user.id, updated);
      return ok(updated);
    },
    async listAdministrators() {
      calls.push({ method: 'listAdministrators' });
      return ok({ administrators: [...administrators] });
    },
    async appointAdministrator(request) {
      calls.push({ method: 'appointAdministrator', request });
      if (administrators.some((a) => a.hsaId === request.person.hsaId)) return refuse({ code: 'hsa-id-has-role' });
      const entry: AdministratorEntry = { ...request.person, role: 'administrator', lastLoginAt: null };
      administrators.push(entry);
      return ok(entry);
    },
    async removeAdministrator(request) {
      calls.push({ method: 'removeAdministrator', request });
      const at = administrators.findIndex((a) => a.hsaId === request.hsaId && a.role === 'administrator');
      if (at < 0) return refuse({ code: 'not-found' });
      if (administrators.filter((a) => a.role === 'administrator').length <= 1) return refuse({ code: 'last-administrator' });
      administrators.splice(at, 1);
      return ok({ removed: true as const });
    },
    async listAudit(request) {
      calls.push({ method: 'listAudit', request });
      let entries = [...audit].sort((a, b) => b.id - a.id);
      if (request.userId) entries = entries.filter((e) => e.targetId === request.userId);
      if (request.before !== undefined) entries = entries.filter((e) => e.id < request.before!);
      return ok({ entries: entries.slice(0, request.limit ?? 100) });
    },
    on(name, listener) {
      const set = listeners.get(name) ?? new Set();
      set.add(listener as Listener);
      listeners.set(name, set);
      return () => set.delete(listener as Listener);
    },
  };

  return {
    api,
    users,
    administrators,
    audit,
    calls,
    /** Another administrator's change, straight into the backend. */
    changeBehindTheStore(id: string, change: Partial<User>) {
      const user = users.get(id)!;
      users.set(id, bump(user, change));
    },
    emit(name: string, payload: unknown) {
      for (const listener of listeners.get(name) ?? []) listener(payload);
    },
    listenerCount: (name: string) => listeners.get(name)?.size ?? 0,
  };
}
