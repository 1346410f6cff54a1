import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../../common/session/session-state';
import { createSessionStore } from './session-store';

const administrator = {
  hsaId: 'SE2321000016-A1B2',
  givenName: 'Alva',
  surname: 'Testsson',
  organisation: { id: 'kommun-testkommunen', name: 'Testkommunen', kind: 'kommun' as const },
  role: 'administrator' as const,
};

describe('session store', () => {
  it('passes the PIN to main and keeps only the session', async () => {
    const pins: string[] = [];
    const loggedIn: SessionState = {
      status: 'logged-in',
      administrator,
      expiresAt: '2026-11-22T12:00:00.000Z',
      organisations: [],
      organisationChosen: true,
    };
    const store = createSessionStore({
      getSessionState: async () => ({ ok: true, value: { status: 'logged-out', reason: null } }),
      login: async ({ pin }) => (pins.push(pin), { ok: true, value: loggedIn }),
      logout: async () => ({ ok: true, value: { status: 'logged-out', reason: 'logout' } }),
      on: () => () => undefined,
    });
    expect(await store.getState().login('123456')).toBe(true);
    expect(pins).toEqual(['123456']);
    expect(store.getState().session).toEqual(loggedIn);
    expect(JSON.stringify(store.getState())).not.toContain('123456');
  });

  it('sends the reader of the card chosen with the PIN, and none when main is to take the default', async () => {
    const requests: unknown[] = [];
    const store = createSessionStore({
      getSessionState: async () => ({ ok: true, value: { status: 'logged-out', reason: null } }),
      login: async (request) => (requests.push(request), { ok: false, error: { code: 'card-choice-required' } }),
      logout: async () => ({ ok: true, value: { status: 'logged-out', reason: 'logout' } }),
      on: () => () => undefined,
    });
    await store.getState().login('123456', 'Virtual PCD 00 01');
    await store.getState().login('123456', null);
    expect(requests).toEqual([{ pin: '123456', readerName: 'Virtual PCD 00 01' }, { pin: '123456' }]);
    expect(store.getState().loginError).toEqual({ code: 'card-choice-required' });
  });

  it('keeps the typed error with tries left when the PIN is wrong', async () => {
    const store = createSessionStore({
      getSessionState: async () => ({ ok: true, value: { status: 'logged-out', reason: null } }),
      login: async () => ({ ok: false, error: { code: 'pin-incorrect', details: { triesLeft: '1' } } }),
      logout: async () => ({ ok: true, value: { status: 'logged-out', reason: 'logout' } }),
      on: () => () => undefined,
    });
    expect(await store.getState().login('000000')).toBe(false);
    expect(store.getState().loginError).toEqual({ code: 'pin-incorrect', details: { triesLeft: '1' } });
    expect(JSON.stringify(store.getState())).not.toContain('000000');
  });
});
