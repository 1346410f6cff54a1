import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../tests/server-support/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(async () => {
  await ctx?.close();
});

describe('GET /api/v1/openapi.json', () => {
  it('documents every route with request and response schemas generated from zod', async () => {
    const res = await ctx.app.fastify.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/administrators',
      '/api/v1/administrators/{hsaId}',
      '/api/v1/audit',
      '/api/v1/auth/challenge',
      '/api/v1/auth/login',
      '/api/v1/auth/logout',
      '/api/v1/auth/organisation',
      '/api/v1/organisation',
      '/api/v1/status',
      '/api/v1/users',
      '/api/v1/users/export.csv',
      '/api/v1/users/{id}',
      '/api/v1/users/{id}/permissions/{eserviceId}',
    ]);
    const post = doc.paths['/api/v1/users']?.post as {
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
    };
    expect(post.requestBody.content['application/json']?.schema.required.sort()).toEqual([
      'email',
      'givenName',
      'hsaId',
      'surname',
    ]);
    const patch = doc.paths['/api/v1/users/{id}']?.patch as {
      parameters: Array<{ name: string; in: string; required: boolean }>;
      responses: Record<string, unknown>;
    };
    expect(patch.parameters).toContainEqual(expect.objectContaining({ name: 'If-Match', in: 'header', required: true }));
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '428']));
    const list = doc.paths['/api/v1/users']?.get as {
      parameters: Array<{ name: string; in: string; schema: { enum?: string[] } }>;
      responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }>;
    };
    expect(list.parameters.map((p) => p.name).sort()).toEqual([
      'cursor',
      'direction',
      'ending',
      'eservice',
      'limit',
      'organisation',
      'permission',
      'scope',
      'search',
      'sort',
    ]);
    expect(list.parameters.find((p) => p.name === 'sort')?.schema.enum).toContain('email');
    expect(Object.keys(list.responses['200']!.content['application/json']!.schema.properties).sort()).toEqual([
      'matched',
      'matchedAtLeast',
      'nextCursor',
      'total',
      'users',
    ]);
    const csv = doc.paths['/api/v1/users/export.csv']?.get as { responses: Record<string, { content: Record<string, unknown> }> };
    expect(Object.keys(csv.responses['200']!.content)).toEqual(['text/csv']);
    const login = doc.paths['/api/v1/auth/login']?.post as { responses: Record<string, { description: string }> };
    expect(login.responses['401']?.description).toContain('certificate-untrusted');
  });
});
