import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, dates as ISO strings, binary data as base64,
 * so that equal values always give the same text whatever their key order.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
    case 'bigint':
      return JSON.stringify(`${value}n`);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value instanceof URL) return JSON.stringify(value.href);
  if (value instanceof Uint8Array) return JSON.stringify(`base64:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`);
  if (value instanceof ArrayBuffer) return JSON.stringify(`base64:${Buffer.from(value).toString('base64')}`);
  const object = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(object).sort()) {
    const text = write(object[key]);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

/** SHA-256 (hex) of the canonical JSON of `value`: a stable cache key. */
export function hashKey(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
