import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../common/api/schemas';
import { createFakeAdministrationApi, makeUser, ORGANISATION } from '../../../tests/renderer/admin-fakes';
import { describeAuditEntry } from './audit-format';
import { AUDIT_PAGE_SIZE, createAuditStore } from './audit-store';

function entry(id: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    at: '2025-02-03T10:15:00.000Z',
    actor: 'SE2321000016-A1B2',
    action: 'user.created',
    targetType: 'user',
    targetId: 'anna',
    before: null,
    after: null,
    ...overrides,
  };
}

describe('audit store', () => {
  it('loads the newest page and pages backwards by id', async () => {
    const fake = createFakeAdministrationApi();
    for (let id = 1; id <= AUDIT_PAGE_SIZE + 5; id++) fake.audit.push(entry(id));
    const store = createAuditStore(fake.api);
    await store.getState().load();
    expect(store.getState().entries).toHaveLength(AUDIT_PAGE_SIZE);
    expect(store.getState().entries[0]!.id).toBe(AUDIT_PAGE_SIZE + 5);
    expect(store.getState().hasMore).toBe(true);
    await store.getState().loadMore();
    expect(store.getState().entries).toHaveLength(AUDIT_PAGE_SIZE + 5);
    expect(fake.calls.at(-1)).toEqual({ method: 'listAudit', request: { limit: AUDIT_PAGE_SIZE, before: 6 } });
    expect(store.getState().hasMore).toBe(false);
  });

  it("asks for one user's entries", async () => {
    const fake = createFakeAdministrationApi();
    fake.audit.push(entry(1, { targetId: 'anna' }), entry(2, { targetId: 'bo' }));
    const store = createAuditStore(fake.api);
    await store.getState().load('bo');
    expect(store.getState().entries.map((e) => e.id)).toEqual([2]);
    expect(store.getState().userId).toBe('bo');
  });
});

describe('audit lines', () => {
  const t = (key: string) => key.split('.').at(-1)!;
  const anna = makeUser({ id: 'anna', givenName: 'Anna', surname: 'Andersson', hsaId: 'SE2321000016-ANNA' });
  const context = { t, organisation: ORGANISATION, userById: (id: string) => (id === 'anna' ? anna : undefined) };

  it('describes a permission change with added and removed permissions by name', () => {
    const line = describeAuditEntry(
      entry(7, {
        action: 'user.permissions-changed',
        before: { eserviceId: 'statlig-ersattning', permissions: ['las-arenden'] },
        after: { eserviceId: 'statlig-ersattning', permissions: ['attestera'] },
      }),
      context,
    );
    expect(line.action).toBe('permissions-changed');
    expect(line.target).toBe('Anna Andersson (SE2321000016-ANNA)');
    expect(line.changes).toEqual([
      'Ansök om statlig ersättning: added Attestera ansökan',
      'Ansök om statlig ersättning: removed Läsa ärenden',
    ]);
  });

  it('describes changed fields of an update, and names a deleted user from the snapshot', () => {
    const snap = { id: 'x', hsaId: 'SE2321000016-X', givenName: 'Xena', surname: 'X', email: 'x@k.se' };
    const updated = describeAuditEntry(
      entry(8, { action: 'user.updated', targetId: 'x', before: snap, after: { ...snap, email: 'y@k.se' } }),
      context,
    );
    expect(updated.changes).toEqual(['email: x@k.se → y@k.se']);
    const deleted = describeAuditEntry(entry(9, { action: 'user.deleted', targetId: 'x', before: snap }), context);
    expect(deleted.target).toBe('Xena X (SE2321000016-X)');
  });

  it('names the agency and the logged-in administrator', () => {
    expect(describeAuditEntry(entry(1, { actor: 'agency' }), context).actor).toBe('agency');
    const self = { hsaId: 'SE2321000016-A1B2', name: 'Alva Testsson' };
    expect(describeAuditEntry(entry(1), { ...context, self }).actor).toBe('Alva Testsson (SE2321000016-A1B2)');
    expect(describeAuditEntry(entry(1, { targetId: 'gone' }), context).target).toBe('gone');
  });
});
