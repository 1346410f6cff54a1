import { describe, expect, it } from 'vitest';
import { BackendClient } from '../backend/backend-client';
import type { BackendTransport } from '../backend/backend-transport';
import { AppFailure } from '../errors/app-failure';
import type { UserPage } from '../../common/api/schemas';
import { FIRST_USER_PAGE } from '../../common/api/user-list';
import type { SessionState } from '../../common/session/session-state';
import { sessionHandlers } from './session-handlers';
import { createFakeSession } from '../../tests/fixtures/fake-session';

// The real BackendClient (axios, its fetch adapter) over a FAKE transport: a fetch that records
// each request and its signal and answers only when the test says so (or fails when aborted, as a
// real fetch does). The session is a plain FAKE that hands the client its token.

interface Asked {
  url: URL;
  signal: AbortSignal;
  answer(page: UserPage): void;
}

function setup() {
  const asked: Asked[] = [];
  const fakeTransport: BackendTransport = {
    env: {
      fetch: (input, init) => {
        const request = input instanceof Request ? input : new Request(input, init);
        const signal = request.signal;
        return new Promise<Response>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          asked.push({
            url: new URL(request.url),
            signal,
            answer: (page) =>
              resolve(new Response(JSON.stringify(page), { status: 200, headers: { 'content-type': 'application/json' } })),
          });
        });
      },
    },
  };
  const backend = new BackendClient({ baseUrl: 'http://backend.invalid', transport: fakeTransport });
  const { session, emit } = createFakeSession(backend);
  return { handlers: sessionHandlers(session), asked, emit };
}

const page: UserPage = { users: [], nextCursor: null, matched: 0, total: 0 };
const settle = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
// Until the fake transport has seen `n` requests (axios reaches fetch a few turns after the call).
async function asks(asked: Asked[], n: number) {
  for (let turn = 0; turn < 100 && asked.length < n; turn += 1) await new Promise((resolve) => setTimeout(resolve, 0));
  expect(asked).toHaveLength(n);
}

describe('sessionHandlers: a superseded list page', () => {
  it("aborts the older search's HTTP request, answers it 'superseded', and keeps the blocks of the newest search", async () => {
    const { handlers, asked } = setup();
    const list = handlers['admin:list-user-page'];
    const old = settle(Promise.resolve(list({ ...FIRST_USER_PAGE, search: 'ka' })));
    await asks(asked, 1);
    const first = settle(Promise.resolve(list({ ...FIRST_USER_PAGE, search: 'kar' })));
    await asks(asked, 2);
    // Another block of the same search: fetched alongside, never aborted by its sibling.
    const second = settle(Promise.resolve(list({ ...FIRST_USER_PAGE, search: 'kar', cursor: 'c100' })));
    await asks(asked, 3);

    expect(asked.map((a) => a.url.searchParams.get('search'))).toEqual(['ka', 'kar', 'kar']);
    expect(asked.map((a) => a.signal.aborted)).toEqual([true, false, false]);
    const oldAnswer = await old;
    expect(oldAnswer).toEqual({ error: expect.any(AppFailure) });
    expect((oldAnswer as { error: AppFailure }).error).toMatchObject({ code: 'internal', details: { reason: 'superseded' } });

    asked[1]!.answer(page);
    asked[2]!.answer({ ...page, matched: null, total: null });
    expect(await first).toEqual({ value: page });
    expect(await second).toEqual({ value: { ...page, matched: null, total: null } });
  });

  it('aborts the first page asked at login once the administrator searches before it answered', async () => {
    const { handlers, asked, emit } = setup();
    emit({
      status: 'logged-in',
      administrator: {} as Extract<SessionState, { status: 'logged-in' }>['administrator'],
      expiresAt: '2030-01-01T00:00:00.000Z',
      organisations: [],
      organisationChosen: true,
    });
    // The organisation and the first page, asked by main at login.
    await asks(asked, 2);
    const firstPage = asked.find((a) => a.url.pathname.endsWith('/users'))!;
    const search = settle(Promise.resolve(handlers['admin:list-user-page']({ ...FIRST_USER_PAGE, search: 'karin' })));
    await asks(asked, 3);
    expect(firstPage.signal.aborted).toBe(true);
    expect(asked[2]!.signal.aborted).toBe(false);
    asked[2]!.answer(page);
    expect(await search).toEqual({ value: page });
  });

  it('never aborts the pages of a CSV export, and sends the backend no purpose', async () => {
    const { handlers, asked } = setup();
    const list = handlers['admin:list-user-page'];
    const exporting = settle(Promise.resolve(list({ ...FIRST_USER_PAGE, search: 'ka', cursor: 'c1000', purpose: 'export' })));
    await asks(asked, 1);
    const search = settle(Promise.resolve(list({ ...FIRST_USER_PAGE, search: 'kar' })));
    await asks(asked, 2);

    expect(asked.map((a) => a.signal.aborted)).toEqual([false, false]);
    expect(asked.map((a) => a.url.searchParams.has('purpose'))).toEqual([false, false]);
    asked[0]!.answer(page);
    asked[1]!.answer(page);
    expect(await exporting).toEqual({ value: page });
    expect(await search).toEqual({ value: page });
  });
});
