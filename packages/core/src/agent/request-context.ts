/**
 * Per-request values (user id, locale, feature flags) passed to dynamic instructions and tools.
 * A Map with typed keys, compatible in shape with Mastra's `RequestContext`.
 */
export class RequestContext<Values extends Record<string, unknown> = Record<string, unknown>> extends Map<string, unknown> {
  constructor(entries?: Iterable<readonly [string, unknown]> | Values) {
    super(entries == null ? undefined : Symbol.iterator in Object(entries) ? (entries as Iterable<readonly [string, unknown]>) : Object.entries(entries));
  }

  override get<K extends keyof Values & string>(key: K): Values[K] | undefined {
    return super.get(key) as Values[K] | undefined;
  }

  override set<K extends keyof Values & string>(key: K, value: Values[K]): this {
    return super.set(key, value);
  }

  /** The values as a plain object. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries(this);
  }
}
