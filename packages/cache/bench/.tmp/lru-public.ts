import { TypeValidationError, throwIfAborted, type Cache, type StoreCallOptions } from '@mastra-ts/core';
import { SingleFlight } from '../../src/single-flight.ts';

/** Why an entry left the cache. */
export type EvictionReason = 'evicted' | 'expired' | 'deleted' | 'replaced' | 'cleared';

/** Settings of `createLRUCache`. */
export interface LRUCacheSettings<T> {
  /** Maximum number of entries; the least recently used entry is evicted beyond it. */
  maxEntries: number;
  /** Maximum total size (as measured by `sizeOf`); least recently used entries are evicted beyond it. */
  maxBytes?: number;
  /** Size of one entry, for `maxBytes`. Defaults to the UTF-8 length of strings, the byte length of binary data, or of the JSON text otherwise. */
  sizeOf?: (value: T, key: string) => number;
  /** Default time to live in milliseconds; `set(..., { ttlMs })` overrides it. Unset: entries never expire. */
  ttlMs?: number;
  /** How often expired entries are swept, in milliseconds (default 60 000; `false` disables). The timer never keeps the process alive. */
  sweepIntervalMs?: number | false;
  /** Called whenever an entry leaves the cache, with the reason. */
  onEvict?: (key: string, value: T, reason: EvictionReason) => void;
  /** The clock, in epoch milliseconds. Defaults to `Date.now()`, read at most once per `ttlResolutionMs`. */
  now?: () => number;
  /** With the default clock, how long a clock reading is reused, in milliseconds (default 1; 0 reads the clock on every access). Entries may outlive their TTL by this much. */
  ttlResolutionMs?: number;
}

/** Counters of a cache since it was created (or since `resetStats()`). */
export interface LRUCacheStats {
  hits: number;
  misses: number;
  /** Entries removed to respect `maxEntries` or `maxBytes`. */
  evictions: number;
  /** Entries removed because their time to live passed. */
  expirations: number;
  /** Loader runs started by `getOrLoad` (joined concurrent calls count once). */
  loads: number;
  /** Current number of entries (expired entries not yet swept included). */
  size: number;
  /** Current total size as measured by `sizeOf` (0 when neither `maxBytes` nor `sizeOf` is set). */
  bytes: number;
  /** `hits / (hits + misses)`, or 0 before any lookup. */
  hitRate: number;
}

/** Options of `getOrLoad`. */
export interface GetOrLoadOptions extends StoreCallOptions {
  /** Time to live of the loaded value; defaults to the cache's `ttlMs`. */
  ttlMs?: number;
}

/** An in-process LRU cache with TTL, size limits, stats and single-flight loading. Implements core's `Cache`. */
export interface LRUCache<T = unknown> extends Cache<T> {
  /** Synchronous `get`: the value or `undefined`, and marks the entry most recently used. */
  getSync(key: string): T | undefined;
  /** Synchronous `set`. */
  setSync(key: string, value: T, options?: { ttlMs?: number }): void;
  /** Synchronous `delete`. */
  deleteSync(key: string): boolean;
  /** True when a live entry exists; does not change recency or stats. */
  has(key: string): boolean;
  /** The value without changing recency or stats. */
  peek(key: string): T | undefined;
  /**
   * The cached value, or the loader's result, cached. Concurrent calls for a missing key run the loader once;
   * a failing loader rejects every waiter and caches nothing. The loader's signal aborts when every waiter has aborted.
   * A loader result of `undefined` is returned but not cached.
   */
  getOrLoad(key: string, loader: (context: { key: string; abortSignal: AbortSignal }) => T | PromiseLike<T>, options?: GetOrLoadOptions): Promise<T>;
  /** Keys from most to least recently used (expired entries skipped). */
  keys(): string[];
  /** Removes expired entries now; returns how many. */
  sweep(): number;
  stats(): LRUCacheStats;
  resetStats(): void;
  /** Number of entries. */
  readonly size: number;
  /** Stops the sweep timer and drops every entry (without `onEvict`). */
  dispose(): void;
}

/**
 * Creates an LRU cache: O(1) get/set/delete on a hash map from key to slot plus a doubly linked recency list kept in
 * typed arrays (no allocation per operation once the slots exist), per-entry TTL
 * (expired lazily on read and by a periodic, unref'd sweep), `maxEntries` and `maxBytes` limits, stats and
 * single-flight `getOrLoad`.
 *
 * @example
 * const cache = createLRUCache<string>({ maxEntries: 1000, ttlMs: 60_000 });
 * const user = await cache.getOrLoad(`user:${id}`, () => loadUser(id));
 */
export function createLRUCache<T = unknown>(settings: LRUCacheSettings<T>): LRUCache<T> {
  return new LRUCacheImpl(settings);
}

function invalid(field: string, value: unknown, message: string): TypeValidationError {
  return new TypeValidationError({ value, issues: [{ path: [field], message }], context: 'createLRUCache settings' });
}

function positiveNumber(field: string, value: unknown, integer: boolean): void {
  if (typeof value !== 'number' || !(value > 0) || (integer && !Number.isInteger(value))) {
    throw invalid(field, value, `${field} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}: pass e.g. { ${field}: 1000 }`);
  }
}

function defaultSizeOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (value === undefined) return 0;
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

// reading the clock costs as much as a cache hit; reuse a reading until a timer (unref'd) says it is stale
function coarseClock(resolutionMs: number): () => number {
  let cached: number | undefined;
  const expire = (): void => {
    cached = undefined;
  };
  return () => {
    if (cached === undefined) {
      cached = Date.now();
      setTimeout(expire, resolutionMs).unref?.();
    }
    return cached;
  };
}


const NEVER = Number.POSITIVE_INFINITY;
const INITIAL_SLOTS = 64;

// Entries live in numbered slots: `#keys`/`#values` hold the data, `#newer`/`#older` the recency links (typed arrays,
// so relinking writes integers and allocates nothing), `#expires` the expiry times (allocated on the first TTL) and
// `#sizes` the sizes (only with sizeOf/maxBytes). `#map` maps a key to its slot; freed slots go on `#free`.
class LRUCacheImpl<T> implements LRUCache<T> {
  readonly _map = new Map<string, number>();
  readonly _keys: Array<string | undefined> = [];
  readonly _values: Array<T | undefined> = [];
  _newer: Uint32Array;
  _older: Uint32Array;
  _expires: Float64Array | undefined;
  _sizes: Float64Array | undefined;
  readonly _free: number[] = [];
  _slots = 0;
  _newest = 0;
  _oldest = 0;
  _bytes = 0;
  readonly _maxEntries: number;
  readonly _maxBytes: number;
  readonly _sizeOf: ((value: T, key: string) => number) | undefined;
  readonly _ttlMs: number | undefined;
  readonly _sweepIntervalMs: number | false;
  readonly _onEvict: ((key: string, value: T, reason: EvictionReason) => void) | undefined;
  readonly _now: () => number;
  readonly _flights = new SingleFlight<T>();
  _timer: ReturnType<typeof setInterval> | undefined;
  _hits = 0;
  _misses = 0;
  _evictions = 0;
  _expirations = 0;
  _loads = 0;

  constructor(settings: LRUCacheSettings<T>) {
    if (settings == null || typeof settings !== 'object') throw invalid('maxEntries', settings, 'settings are required: createLRUCache({ maxEntries: 1000 })');
    positiveNumber('maxEntries', settings.maxEntries, true);
    if (settings.maxBytes !== undefined) positiveNumber('maxBytes', settings.maxBytes, false);
    if (settings.ttlMs !== undefined) positiveNumber('ttlMs', settings.ttlMs, false);
    if (settings.sweepIntervalMs !== undefined && settings.sweepIntervalMs !== false) positiveNumber('sweepIntervalMs', settings.sweepIntervalMs, false);
    if (settings.sizeOf !== undefined && typeof settings.sizeOf !== 'function') throw invalid('sizeOf', settings.sizeOf, 'sizeOf must be a function (value, key) => number');
    this._maxEntries = settings.maxEntries;
    this._maxBytes = settings.maxBytes ?? Number.POSITIVE_INFINITY;
    this._sizeOf = settings.sizeOf ?? (settings.maxBytes === undefined ? undefined : defaultSizeOf);
    this._ttlMs = settings.ttlMs;
    this._sweepIntervalMs = settings.sweepIntervalMs ?? 60_000;
    this._onEvict = settings.onEvict;
    const resolution = settings.ttlResolutionMs ?? 1;
    if (!(resolution >= 0)) throw invalid('ttlResolutionMs', resolution, `ttlResolutionMs must be a number >= 0, got ${String(resolution)}`);
    this._now = settings.now ?? (resolution === 0 ? () => Date.now() : coarseClock(resolution));
    const slots = Math.min(this._maxEntries, INITIAL_SLOTS);
    this._newer = new Uint32Array(slots);
    this._older = new Uint32Array(slots);
    this._sizes = this._sizeOf === undefined ? undefined : new Float64Array(slots);
  }

  get size(): number {
    return this._map.size;
  }

  async get(key: string, options?: StoreCallOptions): Promise<T | undefined> {
    throwIfAborted(options?.abortSignal);
    return this.getSync(key);
  }

  async set(key: string, value: T, options?: { ttlMs?: number } & StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    this.setSync(key, value, options);
  }

  async delete(key: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.abortSignal);
    return this.deleteSync(key);
  }

  async clear(options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    this._flights.forgetAll();
    const onEvict = this._onEvict;
    const entries: Array<[string, T]> = [];
    if (onEvict !== undefined) for (const [key, index] of this._map) entries.push([key, this._values[index] as T]);
    this._reset();
    for (const [key, value] of entries) onEvict!(key, value, 'cleared');
  }

  getSync(key: string): T | undefined {
    const index = this._map.get(key);
    if (index === undefined) {
      this._misses++;
      return undefined;
    }
    const expires = this._expires;
    if (expires !== undefined) {
      const expiresAt = expires[index]!;
      if (expiresAt !== NEVER && expiresAt <= this._now()) {
        this._release(index, 'expired');
        this._misses++;
        return undefined;
      }
    }
    this._hits++;
    if (index !== this._newest) this._toNewest(index);
    return this._values[index];
  }

  setSync(key: string, value: T, options?: { ttlMs?: number }): void {
    let ttlMs = this._ttlMs;
    if (options !== undefined && options.ttlMs !== undefined) ttlMs = options.ttlMs;
    let expiresAt = NEVER;
    if (ttlMs !== undefined) {
      if (!(ttlMs > 0)) throw invalid('ttlMs', ttlMs, `ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`);
      expiresAt = this._now() + ttlMs;
      if (this._expires === undefined) this._enableExpiry();
    }
    let size = 0;
    if (this._sizeOf !== undefined) {
      size = this._sizeOf(value, key);
      if (!(size >= 0)) throw invalid('sizeOf', size, `sizeOf returned ${String(size)} for key "${key}": it must return a non-negative number`);
      if (size > this._maxBytes) {
        // an entry larger than the whole budget is not stored, and the stale value must not survive it
        const existing = this._map.get(key);
        if (existing !== undefined) this._release(existing, 'replaced');
        return;
      }
    }
    const existing = this._map.get(key);
    if (existing !== undefined) {
      const old = this._values[existing] as T;
      this._values[existing] = value;
      if (this._expires !== undefined) this._expires[existing] = expiresAt;
      if (this._sizes !== undefined) {
        this._bytes += size - this._sizes[existing]!;
        this._sizes[existing] = size;
      }
      if (existing !== this._newest) this._toNewest(existing);
      if (this._bytes > this._maxBytes) this._trim();
      if (this._onEvict !== undefined && old !== value) this._onEvict(key, old, 'replaced');
      return;
    }
    if (this._map.size >= this._maxEntries) {
      // at capacity: the oldest entry leaves and the new one takes its slot, with no free-list round trip
      const index = this._oldest;
      const oldKey = this._keys[index]!;
      const oldValue = this._values[index] as T;
      const reason: EvictionReason = this._isExpired(index) ? 'expired' : 'evicted';
      if (reason === 'evicted') this._evictions++;
      else this._expirations++;
      this._map.delete(oldKey);
      if (this._map.size !== 0) this._oldest = this._newer[index]!;
      if (this._sizes !== undefined) this._bytes -= this._sizes[index]!;
      this._insert(index, key, value, expiresAt, size);
      this._onEvict?.(oldKey, oldValue, reason);
      return;
    }
    this._insert(this._allocate(), key, value, expiresAt, size);
  }

  deleteSync(key: string): boolean {
    this._flights.forget(key);
    const index = this._map.get(key);
    if (index === undefined) return false;
    const live = !this._isExpired(index);
    this._release(index, live ? 'deleted' : 'expired');
    return live;
  }

  has(key: string): boolean {
    const index = this._map.get(key);
    return index !== undefined && !this._isExpired(index);
  }

  peek(key: string): T | undefined {
    const index = this._map.get(key);
    return index !== undefined && !this._isExpired(index) ? this._values[index] : undefined;
  }

  getOrLoad(key: string, loader: (context: { key: string; abortSignal: AbortSignal }) => T | PromiseLike<T>, options?: GetOrLoadOptions): Promise<T> {
    try {
      throwIfAborted(options?.abortSignal);
    } catch (error) {
      return Promise.reject(error);
    }
    const cached = this.getSync(key);
    if (cached !== undefined) return Promise.resolve(cached);
    return this._flights.run(
      key,
      async (abortSignal, isCurrent) => {
        this._loads++;
        const value = await loader({ key, abortSignal });
        if (value !== undefined && isCurrent()) this.setSync(key, value, options?.ttlMs === undefined ? undefined : { ttlMs: options.ttlMs });
        return value;
      },
      options?.abortSignal,
    );
  }

  keys(): string[] {
    const keys: string[] = [];
    for (let index = this._newest, left = this._map.size; left > 0; index = this._older[index]!, left--) {
      if (!this._isExpired(index)) keys.push(this._keys[index]!);
    }
    return keys;
  }

  sweep(): number {
    const expires = this._expires;
    if (expires === undefined) return 0;
    const now = this._now();
    let count = 0;
    for (const index of this._map.values()) {
      if (expires[index]! <= now) {
        this._release(index, 'expired');
        count++;
      }
    }
    return count;
  }

  stats(): LRUCacheStats {
    const lookups = this._hits + this._misses;
    return {
      hits: this._hits,
      misses: this._misses,
      evictions: this._evictions,
      expirations: this._expirations,
      loads: this._loads,
      size: this._map.size,
      bytes: this._bytes,
      hitRate: lookups === 0 ? 0 : this._hits / lookups,
    };
  }

  resetStats(): void {
    this._hits = this._misses = this._evictions = this._expirations = this._loads = 0;
  }

  dispose(): void {
    if (this._timer !== undefined) clearInterval(this._timer);
    this._timer = undefined;
    this._flights.forgetAll();
    this._reset();
    this._expires = undefined;
  }

  _reset(): void {
    this._map.clear();
    this._keys.length = 0;
    this._values.length = 0;
    this._free.length = 0;
    this._slots = 0;
    this._bytes = 0;
  }

  _isExpired(index: number): boolean {
    const expires = this._expires;
    if (expires === undefined) return false;
    const expiresAt = expires[index]!;
    return expiresAt !== NEVER && expiresAt <= this._now();
  }

  _enableExpiry(): void {
    this._expires = new Float64Array(this._newer.length).fill(NEVER);
    if (this._timer !== undefined || this._sweepIntervalMs === false) return;
    this._timer = setInterval(() => this.sweep(), this._sweepIntervalMs);
    this._timer.unref?.();
  }

  _allocate(): number {
    if (this._free.length !== 0) return this._free.pop()!;
    const index = this._slots++;
    if (index >= this._newer.length) this._grow(index + 1);
    return index;
  }

  _grow(needed: number): void {
    const length = Math.max(needed, Math.min(this._newer.length * 2, this._maxEntries));
    const newer = new Uint32Array(length);
    newer.set(this._newer);
    this._newer = newer;
    const older = new Uint32Array(length);
    older.set(this._older);
    this._older = older;
    if (this._expires !== undefined) {
      const expires = new Float64Array(length).fill(NEVER);
      expires.set(this._expires);
      this._expires = expires;
    }
    if (this._sizes !== undefined) {
      const sizes = new Float64Array(length);
      sizes.set(this._sizes);
      this._sizes = sizes;
    }
  }

  _insert(index: number, key: string, value: T, expiresAt: number, size: number): void {
    this._keys[index] = key;
    this._values[index] = value;
    if (this._expires !== undefined) this._expires[index] = expiresAt;
    if (this._sizes !== undefined) {
      this._sizes[index] = size;
      this._bytes += size;
    }
    this._map.set(key, index);
    if (this._map.size === 1) {
      this._oldest = index;
    } else {
      this._newer[this._newest] = index;
      this._older[index] = this._newest;
    }
    this._newest = index;
    if (this._bytes > this._maxBytes) this._trim();
  }

  _toNewest(index: number): void {
    const newer = this._newer[index]!;
    const older = this._older[index]!;
    this._older[newer] = older;
    if (index === this._oldest) this._oldest = newer;
    else this._newer[older] = newer;
    this._newer[this._newest] = index;
    this._older[index] = this._newest;
    this._newest = index;
  }

  _trim(): void {
    while (this._map.size > 0 && (this._map.size > this._maxEntries || this._bytes > this._maxBytes)) {
      const oldest = this._oldest;
      this._release(oldest, this._isExpired(oldest) ? 'expired' : 'evicted');
    }
  }

  _release(index: number, reason: EvictionReason): void {
    const key = this._keys[index]!;
    const value = this._values[index] as T;
    this._map.delete(key);
    if (this._map.size !== 0) {
      const newer = this._newer[index]!;
      const older = this._older[index]!;
      if (index === this._newest) this._newest = older;
      else this._older[newer] = older;
      if (index === this._oldest) this._oldest = newer;
      else this._newer[older] = newer;
    }
    if (this._sizes !== undefined) this._bytes -= this._sizes[index]!;
    this._keys[index] = undefined;
    this._values[index] = undefined;
    this._free.push(index);
    if (reason === 'evicted') this._evictions++;
    else if (reason === 'expired') this._expirations++;
    this._onEvict?.(key, value, reason);
  }
}
