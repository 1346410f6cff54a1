import { describe, expect, it } from 'vitest';
import type { UserPageRequest } from './administration-store';
import { createFakeAdministrationApi, makeUser } from '../../../tests/renderer/admin-fakes';
import { NO_FILTER } from './user-filter';
import { createUserPageSource, DEFAULT_SORT, isSuperseded, type UserCounts, type UserListQuery } from './user-page-source';

const users = Array.from({ length: 2500 }, (_, i) =>
  makeUser({ id: `u${String(i).padStart(5, '0')}`, hsaId: `SE2321000016-U${String(i).padStart(5, '0')}` }),
);
const query: UserListQuery = { search: '', filter: NO_FILTER, sort: 'hsaId', direction: 'asc' };

function source(q = query) {
  const fake = createFakeAdministrationApi(users);
  const requests: UserPageRequest[] = [];
  const counts: UserCounts[] = [];
  const pages = createUserPageSource(
    (request) => {
      requests.push(request);
      return fake.api.listUserPage(request);
    },
    q,
    (c) => counts.push(c),
  );
  return { pages, requests, counts, fake };
}

describe('the user list page source', () => {
  it('continues each block from the cursor the previous block ended at, and reports the counts once', async () => {
    const { pages, requests, counts } = source();
    const first = await pages.rows(0, 100);
    const second = await pages.rows(100, 200);
    expect(first.ok && first.value.rows[0]!.id).toBe('u00000');
    expect(second.ok && second.value.rows.map((u) => u.id)).toEqual(users.slice(100, 200).map((u) => u.id));
    expect(requests.map((r) => r.cursor)).toEqual([undefined, '100']);
    expect(counts).toEqual([{ matched: 2500, atLeast: false, total: 2500 }]);
  });

  it('passes on that the server counted the matches only up to its cap', async () => {
    const counts: UserCounts[] = [];
    const pages = createUserPageSource(
      async () => ({ ok: true, value: { users: [], nextCursor: null, matched: 10_000, matchedAtLeast: true, total: 1_000_000 } }),
      query,
      (c) => counts.push(c),
    );
    await pages.rows(0, 100);
    expect(counts).toEqual([{ matched: 10_000, atLeast: true, total: 1_000_000 }]);
  });

  it('walks to a far block in the largest pages, and knows the last row at the end', async () => {
    const { pages, requests } = source();
    const far = await pages.rows(2400, 2500);
    expect(far.ok && far.value.rows.map((u) => u.id)).toEqual(users.slice(2400).map((u) => u.id));
    expect(far.ok && far.value.lastRow).toBe(2500);
    expect(requests.map((r) => r.limit)).toEqual([1000, 1000, 400, 100]);
  });

  it('sends the search, the filters and the order with every page', async () => {
    const { pages, requests } = source({
      search: '  anna ',
      filter: { eserviceId: 'ensamkommande', permissionId: 'se-ansvar' },
      ...DEFAULT_SORT,
    });
    await pages.rows(0, 100);
    expect(requests[0]).toEqual({
      limit: 100,
      sort: 'surname',
      direction: 'asc',
      search: 'anna',
      eservice: 'ensamkommande',
      permission: 'se-ansvar',
    });
  });

  it('asks for the permissions ending soon only when the list asks (ending=soon)', async () => {
    const ending = source({ ...query, endingSoon: true });
    await ending.pages.rows(0, 100);
    expect(ending.requests[0]).toMatchObject({ ending: 'soon' });
    const plain = source({ ...query, endingSoon: false });
    await plain.pages.rows(0, 100);
    expect(plain.requests[0]).not.toHaveProperty('ending');
  });

  it("asks for all the person's organisations, or one of them, with scope=all", async () => {
    const all = source({ ...query, organisations: 'all' });
    await all.pages.rows(0, 100);
    expect(all.requests[0]).toMatchObject({ scope: 'all' });
    expect(all.requests[0]).not.toHaveProperty('organisation');
    const one = source({ ...query, organisations: { only: 'region-testland' } });
    await one.pages.rows(0, 100);
    expect(one.requests[0]).toMatchObject({ scope: 'all', organisation: 'region-testland' });
    const plain = source(query);
    await plain.pages.rows(0, 100);
    expect(plain.requests[0]).not.toHaveProperty('scope');
  });

  it('drops the answer of a superseded query', async () => {
    const { pages } = source();
    const pending = pages.rows(0, 100);
    pages.cancel();
    const result = await pending;
    expect(result.ok).toBe(false);
    expect(!result.ok && isSuperseded(result.error)).toBe(true);
  });
});
