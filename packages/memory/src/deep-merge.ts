type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Deep-merges `update` into `base` without mutating either: objects merge key by key, arrays and
 * scalars replace, `null` deletes the key, `undefined` leaves it untouched.
 */
export function deepMerge(base: unknown, update: unknown): unknown {
  if (update === undefined) return base;
  if (!isPlainObject(update)) return update;
  const result: PlainObject = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue;
    if (value === null) delete result[key];
    else result[key] = isPlainObject(value) ? deepMerge(result[key], value) : value;
  }
  return result;
}
