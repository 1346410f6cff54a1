import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import type { ReferenceBackend } from '../fixtures/reference-backend';

/** The demo kommun's second administrator (the first, Alva, is on the card lab's valid card). */
export const BO_HSA_ID = 'SE2321000016-B2C3';

interface ApiUser {
  id: string;
  givenName: string;
  surname: string;
  hsaId: string;
  email: string;
  permissions: Record<string, string[]>;
  version: number;
}

/**
 * Another administrator working on the same organisation at the same time, straight over the
 * backend's HTTP API with a session of their own. The session is written into the backend's
 * database as the server's own test helper (tests/server-support sessionFor) does: Bo has no card
 * in the lab, and the login itself is what login.spec.ts covers.
 */
export async function secondAdministrator(backend: ReferenceBackend, hsaId = BO_HSA_ID) {
  const token = randomBytes(32).toString('base64url');
  const db = new Database(backend.dbFile, { fileMustExist: true, timeout: 5_000 });
  try {
    const admin = db.prepare('SELECT organisation_id FROM administrators WHERE hsa_id = ?').get(hsaId) as
      { organisation_id: string } | undefined;
    if (!admin) throw new Error(`no administrator ${hsaId} in the backend`);
    const now = new Date();
    db.prepare(
      `INSERT INTO sessions (token_hash, administrator_hsa_id, organisation_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      createHash('sha256').update(token).digest('hex'),
      hsaId,
      admin.organisation_id,
      now.toISOString(),
      now.toISOString(),
      new Date(now.getTime() + 15 * 60_000).toISOString(),
      new Date(now.getTime() + 8 * 3600_000).toISOString(),
    );
  } finally {
    db.close();
  }

  const call = async <T>(method: string, path: string, body?: unknown, version?: number): Promise<T> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (version !== undefined) headers['if-match'] = `"${version}"`;
    const response = await fetch(`${backend.url}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  return {
    async users(): Promise<ApiUser[]> {
      // Every page in turn (keyset cursor), as the API serves the list.
      const users: ApiUser[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const page: { users: ApiUser[]; nextCursor: string | null } = await call('GET', `/users?limit=1000${query}`);
        users.push(...page.users);
        cursor = page.nextCursor;
      } while (cursor);
      return users;
    },
    async user(id: string): Promise<ApiUser> {
      return call<ApiUser>('GET', `/users/${id}`);
    },
    async change(id: string, patch: Partial<Pick<ApiUser, 'givenName' | 'surname' | 'email'>>): Promise<ApiUser> {
      const current = await call<ApiUser>('GET', `/users/${id}`);
      return call<ApiUser>('PATCH', `/users/${id}`, patch, current.version);
    },
    async setPermissions(id: string, eserviceId: string, permissions: string[]): Promise<ApiUser> {
      const current = await call<ApiUser>('GET', `/users/${id}`);
      return call<ApiUser>('PUT', `/users/${id}/permissions/${eserviceId}`, { permissions }, current.version);
    },
  };
}
