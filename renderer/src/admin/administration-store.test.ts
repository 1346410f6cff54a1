import { describe, expect, it } from 'vitest';
import type { User } from '../../../common/api/schemas';
import { createFakeAdministrationApi, makeUser, ok, ORGANISATION, refuse } from '../../../tests/renderer/admin-fakes';
import { createAdministrationStore, KNOWN_USERS_MAX } from './administration-store';
import { createAuditStore } from './audit-store';
import { forgetOnLogout } from './session-binding';

const anna = makeUser({ id: 'anna', givenName: 'Anna', permissions: { ensamkommande: ['se-ansvar'] } });
const bo = makeUser({ id: 'bo', givenName: 'Bo' });

async function loaded(users: User[] = [anna, bo]) {
  const fake = createFakeAdministrationApi(users);
  const store = createAdministrationStore(fake.api);
  await store.getState().load();
  // The grid's first page.
  await store.getState().fetchPage({ limit: 100, sort: 'givenName', direction: 'asc', search: '' });
  return { fake, store };
}

describe('administration store', () => {
  it('loads the organisation and its users', async () => {
    const { store } = await loaded();
    const state = store.getState();
    expect(state.status).toBe('ready');
    expect(state.organisation).toEqual(ORGANISATION);
    expect(state.users.map((u) => u.id)).toEqual(['anna', 'bo']);
    expect(state.total).toBe(2);
  });

  it('asks for the first page along with the organisation, and gives it to the grid once', async () => {
    const fake = createFakeAdministrationApi([anna, bo]);
    let organisationAnswered!: () => void;
    const store = createAdministrationStore({
      ...fake.api,
      // The organisation is still on its way when the first page is asked.
      getOrganisation: () => new Promise((resolve) => (organisationAnswered = () => resolve(ok(ORGANISATION)))),
    });
    const first = { limit: 100, sort: 'surname', direction: 'asc', search: '' } as const;
    const loading = store.getState().load(first);
    expect(fake.calls).toEqual([{ method: 'listUserPage', request: first }]);
    organisationAnswered();
    await loading;
    // The grid's first request, keys in another order, is answered by the page already asked.
    const page = await store.getState().fetchPage({ search: '', direction: 'asc', sort: 'surname', limit: 100 });
    expect(page.ok && page.value.users.map((u) => u.id)).toEqual(['anna', 'bo']);
    expect(fake.calls.filter((c) => c.method === 'listUserPage')).toHaveLength(1);
    // A later request (after a change, say) asks the server again.
    await store.getState().fetchPage(first);
    expect(fake.calls.filter((c) => c.method === 'listUserPage')).toHaveLength(2);
  });

  it('does not hand a page asked before logout to the next request', async () => {
    const fake = createFakeAdministrationApi([anna, bo]);
    const store = createAdministrationStore(fake.api);
    const first = { limit: 100, sort: 'surname', direction: 'asc', search: '' } as const;
    await store.getState().load(first);
    store.getState().reset();
    await store.getState().fetchPage(first);
    expect(fake.calls.filter((c) => c.method === 'listUserPage')).toHaveLength(2);
  });

  it('reports a failed load with its code', async () => {
    const fake = createFakeAdministrationApi([]);
    const store = createAdministrationStore({
      ...fake.api,
      getOrganisation: async () => refuse({ code: 'backend-unreachable' }),
    });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'failed', error: { code: 'backend-unreachable' }, users: [] });
  });

  it('adds a created user to the list from the server answer, without reloading', async () => {
    const { fake, store } = await loaded();
    const outcome = await store
      .getState()
      .createUser({ givenName: 'Cia', surname: 'C', hsaId: 'SE2321000016-CIA', email: 'c@k.se' });
    expect(outcome.ok).toBe(true);
    expect(store.getState().users.map((u) => u.givenName)).toEqual(['Anna', 'Bo', 'Cia']);
    expect(store.getState().total).toBe(3);
    expect(fake.calls.filter((c) => c.method === 'listUserPage')).toHaveLength(1);
    expect(store.getState().lastChange).toMatchObject({ kind: 'put', added: true, user: { givenName: 'Cia' } });
  });

  it('passes a refused creation back untouched and leaves the list alone', async () => {
    const { store } = await loaded();
    const outcome = await store.getState().createUser({ givenName: 'X', surname: 'Y', hsaId: anna.hsaId, email: 'x@k.se' });
    expect(outcome).toEqual({ ok: false, error: { code: 'hsa-id-in-use' } });
    expect(store.getState().users).toHaveLength(2);
  });

  it('updates with the version it holds and replaces only that user object', async () => {
    const { fake, store } = await loaded();
    const before = store.getState().users;
    const outcome = await store.getState().updateUser('anna', { email: 'ny@k.se' });
    expect(outcome.ok).toBe(true);
    expect(fake.calls.at(-1)).toEqual({ method: 'updateUser', request: { id: 'anna', version: 1, patch: { email: 'ny@k.se' } } });
    const after = store.getState().users;
    expect(after[0]).toMatchObject({ email: 'ny@k.se', version: 2 });
    expect(after[1]).toBe(before[1]);
  });

  it("never overwrites another administrator's change: conflict, then the fresh user is shown", async () => {
    const { fake, store } = await loaded();
    fake.changeBehindTheStore('anna', { surname: 'Ändrad' });
    const outcome = await store.getState().updateUser('anna', { email: 'mitt@k.se' });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.code).toBe('version-conflict');
      expect(outcome.fresh).toMatchObject({ surname: 'Ändrad', email: anna.email, version: 2 });
    }
    expect(store.getState().users[0]).toMatchObject({ surname: 'Ändrad', email: anna.email, version: 2 });
    expect(fake.users.get('anna')!.email).toBe(anna.email);
    // With the fresh version the retry goes through.
    expect((await store.getState().updateUser('anna', { email: 'mitt@k.se' })).ok).toBe(true);
  });

  it('sets permissions for one e-service and shows them at once', async () => {
    const { store } = await loaded();
    const outcome = await store.getState().setPermissions('bo', 'statlig-ersattning', ['las-arenden', 'attestera']);
    expect(outcome.ok).toBe(true);
    expect(store.getState().users[1]!.permissions).toEqual({ 'statlig-ersattning': ['las-arenden', 'attestera'] });
  });

  it('a permission change on a stale version refreshes the user instead', async () => {
    const { fake, store } = await loaded();
    fake.changeBehindTheStore('anna', { permissions: { ensamkommande: ['andra-ansvar'] } });
    const outcome = await store.getState().setPermissions('anna', 'ensamkommande', []);
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'version-conflict' },
      fresh: { permissions: { ensamkommande: ['andra-ansvar'] } },
    });
    expect(fake.users.get('anna')!.permissions).toEqual({ ensamkommande: ['andra-ansvar'] });
  });

  it('deletes with the version it holds and drops the row', async () => {
    const { fake, store } = await loaded();
    expect((await store.getState().deleteUser('bo')).ok).toBe(true);
    expect(fake.calls.at(-1)).toEqual({ method: 'deleteUser', request: { id: 'bo', version: 1 } });
    expect(store.getState().users.map((u) => u.id)).toEqual(['anna']);
    expect(store.getState().total).toBe(1);
  });

  it('does not delete a user someone else changed in between', async () => {
    const { fake, store } = await loaded();
    fake.changeBehindTheStore('bo', { givenName: 'Bosse' });
    const outcome = await store.getState().deleteUser('bo');
    expect(outcome).toMatchObject({ ok: false, error: { code: 'version-conflict' } });
    expect(fake.users.has('bo')).toBe(true);
    expect(store.getState().users[1]!.givenName).toBe('Bosse');
  });

  it('drops a user someone else deleted, whatever the change was', async () => {
    const { fake, store } = await loaded();
    fake.users.delete('bo');
    const outcome = await store.getState().updateUser('bo', { givenName: 'B' });
    expect(outcome).toEqual({ ok: false, error: { code: 'not-found' }, fresh: null });
    expect(store.getState().users.map((u) => u.id)).toEqual(['anna']);
  });

  it('refreshUser picks up a change made elsewhere, or drops the user if gone', async () => {
    const { fake, store } = await loaded();
    fake.changeBehindTheStore('anna', { givenName: 'Annika' });
    await store.getState().refreshUser('anna');
    expect(store.getState().users[0]!.givenName).toBe('Annika');
    fake.users.delete('anna');
    await store.getState().refreshUser('anna');
    expect(store.getState().users.map((u) => u.id)).toEqual(['bo']);
  });

  it('reset forgets everything, and answers arriving after it are ignored', async () => {
    const fake = createFakeAdministrationApi([anna]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const store = createAdministrationStore({
      ...fake.api,
      getOrganisation: async () => {
        await gate;
        return ok(ORGANISATION);
      },
    });
    const loading = store.getState().load();
    store.getState().reset();
    release();
    await loading;
    expect(store.getState()).toMatchObject({ status: 'idle', organisation: null, users: [], total: 0 });
  });
});

describe('the pages the store remembers', () => {
  it("keeps at most KNOWN_USERS_MAX users however many pages the grid fetched, and the first page's total", async () => {
    const many = Array.from({ length: KNOWN_USERS_MAX + 500 }, (_, i) =>
      makeUser({ id: `u${String(i).padStart(5, '0')}`, hsaId: `SE2321000016-U${i}` }),
    );
    const fake = createFakeAdministrationApi(many);
    const store = createAdministrationStore(fake.api);
    let cursor: string | undefined;
    for (;;) {
      const page = await store
        .getState()
        .fetchPage({ limit: 1000, sort: 'hsaId', direction: 'asc', search: '', ...(cursor ? { cursor } : {}) });
      if (!page.ok || page.value.nextCursor === null) break;
      cursor = page.value.nextCursor;
    }
    expect(store.getState().users).toHaveLength(KNOWN_USERS_MAX);
    expect(store.getState().total).toBe(many.length);
  });
});

describe('session binding', () => {
  it('empties every store when the session says logged-out, not before', async () => {
    const { fake, store } = await loaded();
    const audit = createAuditStore(fake.api);
    fake.audit.push({
      id: 1,
      at: '2025-01-01T00:00:00.000Z',
      actor: 'x',
      action: 'user.created',
      targetType: 'user',
      targetId: 'anna',
      before: null,
      after: null,
    });
    await audit.getState().load();
    const unsubscribe = forgetOnLogout(fake.api, [store, audit]);

    fake.emit('session:state', { status: 'locked', administrator: {} });
    expect(store.getState().users).toHaveLength(2);

    fake.emit('session:state', { status: 'logged-out', reason: 'card-removed' });
    expect(store.getState().users).toEqual([]);
    expect(store.getState().organisation).toBeNull();
    expect(audit.getState().entries).toEqual([]);

    unsubscribe();
    expect(fake.listenerCount('session:state')).toBe(0);
  });
});
