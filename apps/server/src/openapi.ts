import { z } from 'zod';
import type { ResolvedRoute } from './create-server.ts';

type JsonObject = Record<string, unknown>;

function toSchema(schema: z.ZodType): JsonObject {
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonObject;
    return rest;
  } catch {
    return {};
  }
}

function parameters(schema: z.ZodObject | undefined, location: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const json = toSchema(schema) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** The OpenAPI 3.1 document of the routes, generated from their zod schemas. */
export function buildOpenApi(routes: readonly ResolvedRoute[], info: { title: string; version: string }): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const { definition } = route;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: JsonObject = {
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase())}`,
      summary: definition.summary,
      tags: [definition.family],
      parameters: [...parameters(definition.params, 'path'), ...parameters(definition.query, 'query')],
      responses: {
        200: {
          description: 'OK',
          content:
            definition.responds === 'sse'
              ? { 'text/event-stream': { schema: { type: 'string', description: 'data: {chunk}\\n\\n … data: [DONE]' } } }
              : definition.responds === 'records'
                ? { 'text/plain': { schema: { type: 'string', description: 'JSON records separated by \\u001e' } } }
                : { 'application/json': { schema: {} } },
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      ...(definition.public ? { security: [] } : {}),
    };
    if (definition.body) operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(definition.body) } } };
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'code'],
          properties: {
            error: { type: 'string' },
            code: {
              type: 'string',
              enum: ['BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'METHOD_NOT_ALLOWED', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'UNPROCESSABLE_CONTENT', 'CLIENT_CLOSED_REQUEST', 'INTERNAL_SERVER_ERROR', 'NOT_IMPLEMENTED', 'BAD_GATEWAY', 'SERVICE_UNAVAILABLE'],
            },
            issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
    security: [{ bearer: [] }],
  };
}
