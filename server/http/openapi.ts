import { z } from 'zod';
import { apiErrorBodySchema } from '../../common/api/index';
import type { RouteSpec } from './route-spec';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

/** The OpenAPI 3.1 document for the routes, generated from the same zod schemas that validate. */
export function buildOpenApiDocument(routes: readonly RouteSpec[], info: { version: string; origin: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const errorSchema = jsonSchema(apiErrorBodySchema, 'output');
  for (const route of routes) {
    const path = `/api/v1${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
    if (route.ifMatch) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: true,
        description: 'The ETag (version) last read. Missing: 428 precondition-required; stale: 409 version-conflict.',
        schema: { type: 'string' },
      });
    }
    const responses: Record<string, JsonSchema> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      const isError = Number(status) >= 400;
      const description = r.codes ? `${r.description} Codes: ${r.codes.join(', ')}.` : r.description;
      const schema = r.schema ? jsonSchema(r.schema, 'output') : isError ? errorSchema : undefined;
      responses[status] = r.mediaType
        ? { description, content: { [r.mediaType]: { schema: { type: 'string' } } } }
        : schema
          ? { description, content: { 'application/json': { schema } } }
          : { description };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.auth ? { security: [{ bearerAuth: [] }] } : { security: [] }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Behörighetsadmin reference backend',
      version: info.version,
      description: [
        'The API the Behörighetsadmin client uses. Errors are `{ error: { code, message, fields? } }`;',
        '400 responses name each offending field in `fields`.',
        `Login signatures are bound to the origin ${info.origin}: sign SHA-256(origin) ‖ SHA-256(nonce)`,
        "(both UTF-8) with the card's authentication key; ES256/ES384 signatures are raw r ‖ s (IEEE P1363).",
        'Versioned resources return an ETag; PATCH, PUT and DELETE require If-Match.',
      ].join(' '),
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'Session token from POST /api/v1/auth/login' },
      },
    },
    security: [{ bearerAuth: [] }],
    paths,
  };
}
