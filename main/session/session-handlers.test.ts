import { describe, expect, it } from 'vitest';
import type { BackendClient } from '../backend/backend-client';
import { AppFailure } from '../errors/app-failure';
import type { SessionService } from './session-service';
import { sessionHandlers } from './session-handlers';

// The admin handlers over a plain FAKE session: withBackend hands a recording backend the
// session's token, or refuses as a session without a login does.

function setup(loggedIn: boolean) {
  const calls: unknown[][] = [];
  const backend = new Proxy({} as BackendClient, {
    get:
      (_target, method: string) =>
      async (...args: unknown[]) => (calls.push([method, ...args]), undefined),
  });
  const session = {
    withBackend: async <T>(call: (api: BackendClient, token: string) => Promise<T>): Promise<T> => {
      if (!loggedIn) throw new AppFailure('not-logged-in');
      return call(backend, 'session-token');
    },
  } as Pick<SessionService, 'withBackend'> as SessionService;
  return { handlers: sessionHandlers(session), calls };
}

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
