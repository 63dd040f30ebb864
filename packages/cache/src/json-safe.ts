/**
 * Converts a value to plain JSON data that survives any cache (in-process or persistent): dates and binary data
 * become tagged objects, `undefined` members are dropped. `fromJsonSafe` reverses it and returns fresh objects.
 */
export function toJsonSafe(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item) ?? null);
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const converted = toJsonSafe((value as Record<string, unknown>)[key]);
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}

/** The inverse of `toJsonSafe`. */
export function fromJsonSafe(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromJsonSafe);
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && typeof object.$date === 'string') return new Date(object.$date);
  if (keys.length === 1 && typeof object.$bytes === 'string') return new Uint8Array(Buffer.from(object.$bytes, 'base64'));
  const result: Record<string, unknown> = {};
  for (const key of keys) result[key] = fromJsonSafe(object[key]);
  return result;
}
