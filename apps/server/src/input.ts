import { RequestContext } from '@mastra-ts/core';
import { z } from 'zod';
import { HttpError } from './http-error.ts';

/**
 * Rebuilds query params the way `@mastra/client-js` sends them: repeated keys become arrays,
 * `orderBy[field]=x` becomes `{ orderBy: { field: 'x' } }`.
 */
export function parseQuery(url: URL): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) {
    const bracket = /^([^[\]]+)\[([^[\]]+)\]$/.exec(key);
    if (bracket) {
      const [, outer, inner] = bracket as unknown as [string, string, string];
      const existing = result[outer];
      const target = existing !== null && typeof existing === 'object' && !Array.isArray(existing) ? (existing as Record<string, unknown>) : {};
      target[inner] = value;
      result[outer] = target;
      continue;
    }
    if (key in result) {
      const existing = result[key];
      result[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    } else result[key] = value;
  }
  return result;
}

/** Decodes the `requestContext` query param (base64 of UTF-8 JSON) and merges the body field over it. */
export function buildRequestContext(queryValue: unknown, bodyValue: unknown): RequestContext {
  const context = new RequestContext();
  if (typeof queryValue === 'string' && queryValue.length > 0) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(queryValue, 'base64').toString('utf8'));
    } catch {
      try {
        decoded = JSON.parse(queryValue);
      } catch {
        throw new HttpError('BAD_REQUEST', 'Invalid query param requestContext: expected base64-encoded JSON object', {
          issues: [{ path: 'requestContext', message: 'expected base64-encoded JSON object' }],
        });
      }
    }
    assign(context, decoded, 'requestContext');
  }
  if (bodyValue !== undefined && bodyValue !== null) assign(context, bodyValue, 'requestContext');
  return context;
}

function assign(context: RequestContext, value: unknown, field: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError('BAD_REQUEST', `Invalid ${field}: expected an object of key/value pairs`, { issues: [{ path: field, message: 'expected an object' }] });
  }
  for (const [key, entry] of Object.entries(value)) context.set(key, entry);
}

/** Turns zod issues into a 400 whose message names each field. */
export function validationError(error: z.ZodError, where: string): HttpError {
  const issues = error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
  const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new HttpError('BAD_REQUEST', `Invalid ${where}: ${summary}`, { issues });
}

/** A query value that may arrive as a JSON string (`metadata`, `orderBy`, `filter`). */
export function jsonQuery<Schema extends z.ZodType>(schema: Schema): z.ZodType<z.output<Schema>> {
  return z
    .unknown()
    .transform((value, context) => {
      if (typeof value !== 'string') return value;
      if (value === '' || value === 'undefined') return undefined;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'expected JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema)
    .optional() as unknown as z.ZodType<z.output<Schema>>;
}

/** An integer that may arrive as a query string. */
export function intQuery(min: number = 0, max: number = Number.MAX_SAFE_INTEGER): z.ZodType<number | undefined> {
  return z
    .unknown()
    .transform((value) => (value === '' || value === 'undefined' || value === null ? undefined : typeof value === 'string' ? Number(value) : value))
    .pipe(z.number().int().min(min).max(max).optional())
    .optional();
}

/** A boolean that may arrive as `'true'`/`'false'`. */
export function boolQuery(): z.ZodType<boolean | undefined> {
  return z
    .unknown()
    .transform((value) => (value === 'true' ? true : value === 'false' ? false : value === '' || value === 'undefined' ? undefined : value))
    .pipe(z.boolean().optional())
    .optional();
}

/** A string query param where the client may send the literal `undefined`. */
export function optionalString(): z.ZodType<string | undefined> {
  return z
    .unknown()
    .transform((value) => (value === 'undefined' || value === 'null' || value === '' ? undefined : value))
    .pipe(z.string().optional())
    .optional();
}
