import { describe, expect, it } from 'vitest';
import type { BackendClient } from '../backend/backend-client';
import { FIRST_USER_PAGE } from '../../common/api/user-list';
import type { SessionState } from '../../common/session/session-state';
import { sessionHandlers } from './session-handlers';
import { createFakeSession } from '../../tests/fixtures/fake-session';

// The admin handlers over a plain FAKE session: withBackend hands a recording backend the
// session's token, or refuses as a session without a login does.

function setup(loggedIn: boolean) {
  const calls: unknown[][] = [];
  const backend = new Proxy({} as BackendClient, {
    get:
      (_target, method: string) =>
      async (...args: unknown[]) => (calls.push([method, ...args]), { answer: calls.length }),
  });
  const { session, emit } = createFakeSession(backend, () => loggedIn);
  return { handlers: sessionHandlers(session), calls, emit };
}

const administrator = {
  hsaId: 'SE2321000016-A1',
  givenName: 'Anna',
  surname: 'Admin',
  role: 'administrator',
  organisation: { id: 'org-1', name: 'Storkommun', kind: 'kommun' },
} as unknown as Extract<SessionState, { status: 'logged-in' }>['administrator'];
const loggedIn = (organisationChosen = true): SessionState => ({
  status: 'logged-in',
  administrator,
  expiresAt: '2030-01-01T00:00:00.000Z',
  organisations: [],
  organisationChosen,
});

describe('sessionHandlers: the administration calls', () => {
  it("pass the session's token and the request to the backend, and answer deletes and removals plainly", async () => {
    const { handlers, calls } = setup(true);
    expect(await handlers['admin:delete-user']({ id: 'u1', version: 3 })).toEqual({ deleted: true });
    expect(await handlers['admin:remove-administrator']({ hsaId: 'SE2321000016-A1' })).toEqual({ removed: true });
    await handlers['admin:set-permissions']({ id: 'u1', version: 4, eserviceId: 'landsting', permissions: ['attestera'] });
    expect(calls).toEqual([
      ['deleteUser', 'session-token', 'u1', 3],
      ['removeAdministrator', 'session-token', 'SE2321000016-A1'],
      ['setPermissions', 'session-token', 'u1', 4, 'landsting', ['attestera'], {}],
    ]);
  });

  it('reach no backend without a login', async () => {
    const { handlers, calls } = setup(false);
    const error = await Promise.resolve(handlers['admin:delete-user']({ id: 'u1', version: 3 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'not-logged-in' });
    expect(calls).toEqual([]);
  });
});

describe('sessionHandlers: the first answers asked at login', () => {
  const firstPage = { ...FIRST_USER_PAGE };

  it('asks for the organisation and the first page when the session is ready, and the first calls take those answers', async () => {
    const { handlers, calls, emit } = setup(true);
    emit(loggedIn());
    expect(calls).toEqual([
      ['organisation', 'session-token'],
      ['listUserPage', 'session-token', firstPage, expect.any(AbortSignal)],
    ]);
    expect(await handlers['admin:get-organisation'](undefined)).toEqual({ answer: 1 });
    expect(await handlers['admin:list-user-page']({ limit: 100, search: '', direction: 'asc', sort: 'surname' })).toEqual({
      answer: 2,
    });
    expect(calls).toHaveLength(2);
    // Taken once: the next call asks the backend.
    await handlers['admin:list-user-page'](firstPage);
    expect(calls).toHaveLength(3);
  });

  it('asks nothing before the organisation is chosen, nor on logout', () => {
    const { calls, emit } = setup(true);
    emit(loggedIn(false));
    emit({ status: 'logged-out', reason: 'logout' });
    expect(calls).toEqual([]);
  });

  it('gives another query its own answer from the backend', async () => {
    const { handlers, calls, emit } = setup(true);
    emit(loggedIn());
    await handlers['admin:list-user-page']({ ...firstPage, sort: 'email' });
    expect(calls.at(-1)).toEqual(['listUserPage', 'session-token', { ...firstPage, sort: 'email' }, expect.any(AbortSignal)]);
  });

  it('forgets them on logout or when a change is made here', async () => {
    const { handlers, calls, emit } = setup(true);
    emit(loggedIn());
    emit({ status: 'logged-out', reason: 'logout' });
    emit(loggedIn());
    await handlers['admin:delete-user']({ id: 'u1', version: 3 });
    const before = calls.length;
    await handlers['admin:list-user-page'](firstPage);
    await handlers['admin:get-organisation'](undefined);
    expect(calls.slice(before)).toEqual([
      ['listUserPage', 'session-token', firstPage, expect.any(AbortSignal)],
      ['organisation', 'session-token'],
    ]);
  });
});
