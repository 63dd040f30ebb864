import { TypeValidationError } from '../errors/type-validation-error.ts';

const tablePattern = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const fieldSegmentPattern = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;

/** Throws unless `table` is an identifier (letters, digits, `_`, at most 63 characters). */
export function assertValidTableName(table: string): void {
  if (typeof table !== 'string' || !tablePattern.test(table)) {
    throw new TypeValidationError({
      value: table,
      context: 'record table name',
      issues: [{ path: ['table'], message: `"${String(table)}" is not allowed: use letters, digits and _ (at most 63, not starting with a digit)` }],
    });
  }
}

/**
 * Throws unless `path` is a dotted path of identifier segments (`a.b_c.d`), so that a caller-supplied
 * key can be bound as a parameter and never changes the shape of a query.
 */
export function assertValidFieldPath(path: string): string[] {
  const segments = typeof path === 'string' ? path.split('.') : [];
  if (segments.length === 0 || segments.length > 16 || !segments.every((segment) => fieldSegmentPattern.test(segment))) {
    throw new TypeValidationError({
      value: path,
      context: 'record field path',
      issues: [{ path: ['where'], message: `"${String(path)}" is not a field path: use dotted identifiers such as "user.age"` }],
    });
  }
  return segments;
}

/** Encodes a keyset cursor `(sort value, id)` as an opaque string. */
export function encodeRecordCursor(value: unknown, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** Decodes a cursor made by `encodeRecordCursor`; a malformed one throws `TypeValidationError`. */
export function decodeRecordCursor(cursor: string): { value: unknown; id: string } {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[1] === 'string') return { value: decoded[0], id: decoded[1] };
  } catch {
    // reported below
  }
  throw new TypeValidationError({
    value: cursor,
    context: 'record list cursor',
    issues: [{ path: ['cursor'], message: 'malformed cursor: pass the nextCursor of the previous page unchanged' }],
  });
}
