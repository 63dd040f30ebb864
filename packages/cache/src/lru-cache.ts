import { TypeValidationError, throwIfAborted, type Cache, type StoreCallOptions } from '@mastra-ts/core';
import { SingleFlight } from './single-flight.ts';

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
  readonly #map = new Map<string, number>();
  readonly #keys: Array<string | undefined> = [];
  readonly #values: Array<T | undefined> = [];
  #newer: Uint32Array;
  #older: Uint32Array;
  #expires: Float64Array | undefined;
  #sizes: Float64Array | undefined;
  readonly #free: number[] = [];
  #slots = 0;
  #newest = 0;
  #oldest = 0;
  #bytes = 0;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #sizeOf: ((value: T, key: string) => number) | undefined;
  readonly #ttlMs: number | undefined;
  readonly #sweepIntervalMs: number | false;
  readonly #onEvict: ((key: string, value: T, reason: EvictionReason) => void) | undefined;
  readonly #now: () => number;
  readonly #flights = new SingleFlight<T>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;
  #loads = 0;

  constructor(settings: LRUCacheSettings<T>) {
    if (settings == null || typeof settings !== 'object') throw invalid('maxEntries', settings, 'settings are required: createLRUCache({ maxEntries: 1000 })');
    positiveNumber('maxEntries', settings.maxEntries, true);
    if (settings.maxBytes !== undefined) positiveNumber('maxBytes', settings.maxBytes, false);
    if (settings.ttlMs !== undefined) positiveNumber('ttlMs', settings.ttlMs, false);
    if (settings.sweepIntervalMs !== undefined && settings.sweepIntervalMs !== false) positiveNumber('sweepIntervalMs', settings.sweepIntervalMs, false);
    if (settings.sizeOf !== undefined && typeof settings.sizeOf !== 'function') throw invalid('sizeOf', settings.sizeOf, 'sizeOf must be a function (value, key) => number');
    this.#maxEntries = settings.maxEntries;
    this.#maxBytes = settings.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#sizeOf = settings.sizeOf ?? (settings.maxBytes === undefined ? undefined : defaultSizeOf);
    this.#ttlMs = settings.ttlMs;
    this.#sweepIntervalMs = settings.sweepIntervalMs ?? 60_000;
    this.#onEvict = settings.onEvict;
    const resolution = settings.ttlResolutionMs ?? 1;
    if (!(resolution >= 0)) throw invalid('ttlResolutionMs', resolution, `ttlResolutionMs must be a number >= 0, got ${String(resolution)}`);
    this.#now = settings.now ?? (resolution === 0 ? () => Date.now() : coarseClock(resolution));
    const slots = Math.min(this.#maxEntries, INITIAL_SLOTS);
    this.#newer = new Uint32Array(slots);
    this.#older = new Uint32Array(slots);
    this.#sizes = this.#sizeOf === undefined ? undefined : new Float64Array(slots);
  }

  get size(): number {
    return this.#map.size;
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
    this.#flights.forgetAll();
    const onEvict = this.#onEvict;
    const entries: Array<[string, T]> = [];
    if (onEvict !== undefined) for (const [key, index] of this.#map) entries.push([key, this.#values[index] as T]);
    this.#reset();
    for (const [key, value] of entries) onEvict!(key, value, 'cleared');
  }

  getSync(key: string): T | undefined {
    const index = this.#map.get(key);
    if (index === undefined) {
      this.#misses++;
      return undefined;
    }
    const expires = this.#expires;
    if (expires !== undefined) {
      const expiresAt = expires[index]!;
      if (expiresAt !== NEVER && expiresAt <= this.#now()) {
        this.#release(index, 'expired');
        this.#misses++;
        return undefined;
      }
    }
    this.#hits++;
    if (index !== this.#newest) this.#toNewest(index);
    return this.#values[index];
  }

  setSync(key: string, value: T, options?: { ttlMs?: number }): void {
    let ttlMs = this.#ttlMs;
    if (options !== undefined && options.ttlMs !== undefined) ttlMs = options.ttlMs;
    let expiresAt = NEVER;
    if (ttlMs !== undefined) {
      if (!(ttlMs > 0)) throw invalid('ttlMs', ttlMs, `ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`);
      expiresAt = this.#now() + ttlMs;
      if (this.#expires === undefined) this.#enableExpiry();
    }
    let size = 0;
    if (this.#sizeOf !== undefined) {
      size = this.#sizeOf(value, key);
      if (!(size >= 0)) throw invalid('sizeOf', size, `sizeOf returned ${String(size)} for key "${key}": it must return a non-negative number`);
      if (size > this.#maxBytes) {
        // an entry larger than the whole budget is not stored, and the stale value must not survive it
        const existing = this.#map.get(key);
        if (existing !== undefined) this.#release(existing, 'replaced');
        return;
      }
    }
    const existing = this.#map.get(key);
    if (existing !== undefined) {
      const old = this.#values[existing] as T;
      this.#values[existing] = value;
      if (this.#expires !== undefined) this.#expires[existing] = expiresAt;
      if (this.#sizes !== undefined) {
        this.#bytes += size - this.#sizes[existing]!;
        this.#sizes[existing] = size;
      }
      if (existing !== this.#newest) this.#toNewest(existing);
      if (this.#onEvict !== undefined && old !== value) this.#onEvict(key, old, 'replaced');
      if (this.#bytes > this.#maxBytes) this.#trim();
      return;
    }
    if (this.#map.size >= this.#maxEntries) {
      // at capacity: the oldest entry leaves and the new one takes its slot, with no free-list round trip
      const index = this.#oldest;
      const oldKey = this.#keys[index]!;
      const oldValue = this.#values[index] as T;
      const reason: EvictionReason = this.#isExpired(index) ? 'expired' : 'evicted';
      if (reason === 'evicted') this.#evictions++;
      else this.#expirations++;
      this.#map.delete(oldKey);
      if (this.#map.size !== 0) this.#oldest = this.#newer[index]!;
      if (this.#sizes !== undefined) this.#bytes -= this.#sizes[index]!;
      this.#insert(index, key, value, expiresAt, size);
      this.#onEvict?.(oldKey, oldValue, reason);
    } else {
      this.#insert(this.#allocate(), key, value, expiresAt, size);
    }
    if (this.#bytes > this.#maxBytes) this.#trim();
  }

  deleteSync(key: string): boolean {
    this.#flights.forget(key);
    const index = this.#map.get(key);
    if (index === undefined) return false;
    const live = !this.#isExpired(index);
    this.#release(index, live ? 'deleted' : 'expired');
    return live;
  }

  has(key: string): boolean {
    const index = this.#map.get(key);
    return index !== undefined && !this.#isExpired(index);
  }

  peek(key: string): T | undefined {
    const index = this.#map.get(key);
    return index !== undefined && !this.#isExpired(index) ? this.#values[index] : undefined;
  }

  getOrLoad(key: string, loader: (context: { key: string; abortSignal: AbortSignal }) => T | PromiseLike<T>, options?: GetOrLoadOptions): Promise<T> {
    try {
      throwIfAborted(options?.abortSignal);
    } catch (error) {
      return Promise.reject(error);
    }
    const cached = this.getSync(key);
    if (cached !== undefined) return Promise.resolve(cached);
    return this.#flights.run(
      key,
      async (abortSignal, isCurrent) => {
        this.#loads++;
        const value = await loader({ key, abortSignal });
        if (value !== undefined && isCurrent()) this.setSync(key, value, options?.ttlMs === undefined ? undefined : { ttlMs: options.ttlMs });
        return value;
      },
      options?.abortSignal,
    );
  }

  keys(): string[] {
    const keys: string[] = [];
    for (let index = this.#newest, left = this.#map.size; left > 0; index = this.#older[index]!, left--) {
      if (!this.#isExpired(index)) keys.push(this.#keys[index]!);
    }
    return keys;
  }

  sweep(): number {
    const expires = this.#expires;
    if (expires === undefined) return 0;
    const now = this.#now();
    let count = 0;
    for (const index of this.#map.values()) {
      if (expires[index]! <= now) {
        this.#release(index, 'expired');
        count++;
      }
    }
    return count;
  }

  stats(): LRUCacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      expirations: this.#expirations,
      loads: this.#loads,
      size: this.#map.size,
      bytes: this.#bytes,
      hitRate: lookups === 0 ? 0 : this.#hits / lookups,
    };
  }

  resetStats(): void {
    this.#hits = this.#misses = this.#evictions = this.#expirations = this.#loads = 0;
  }

  dispose(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#flights.forgetAll();
    this.#reset();
    this.#expires = undefined;
  }

  #reset(): void {
    this.#map.clear();
    this.#keys.length = 0;
    this.#values.length = 0;
    this.#free.length = 0;
    this.#slots = 0;
    this.#bytes = 0;
  }

  #isExpired(index: number): boolean {
    const expires = this.#expires;
    if (expires === undefined) return false;
    const expiresAt = expires[index]!;
    return expiresAt !== NEVER && expiresAt <= this.#now();
  }

  #enableExpiry(): void {
    this.#expires = new Float64Array(this.#newer.length).fill(NEVER);
    if (this.#timer !== undefined || this.#sweepIntervalMs === false) return;
    this.#timer = setInterval(() => this.sweep(), this.#sweepIntervalMs);
    this.#timer.unref?.();
  }

  #allocate(): number {
    if (this.#free.length !== 0) return this.#free.pop()!;
    const index = this.#slots++;
    if (index >= this.#newer.length) this.#grow(index + 1);
    return index;
  }

  #grow(needed: number): void {
    const length = Math.max(needed, Math.min(this.#newer.length * 2, this.#maxEntries));
    const newer = new Uint32Array(length);
    newer.set(this.#newer);
    this.#newer = newer;
    const older = new Uint32Array(length);
    older.set(this.#older);
    this.#older = older;
    if (this.#expires !== undefined) {
      const expires = new Float64Array(length).fill(NEVER);
      expires.set(this.#expires);
      this.#expires = expires;
    }
    if (this.#sizes !== undefined) {
      const sizes = new Float64Array(length);
      sizes.set(this.#sizes);
      this.#sizes = sizes;
    }
  }

  #insert(index: number, key: string, value: T, expiresAt: number, size: number): void {
    this.#keys[index] = key;
    this.#values[index] = value;
    if (this.#expires !== undefined) this.#expires[index] = expiresAt;
    if (this.#sizes !== undefined) {
      this.#sizes[index] = size;
      this.#bytes += size;
    }
    this.#map.set(key, index);
    if (this.#map.size === 1) {
      this.#oldest = index;
    } else {
      this.#newer[this.#newest] = index;
      this.#older[index] = this.#newest;
    }
    this.#newest = index;
  }

  #toNewest(index: number): void {
    const newer = this.#newer[index]!;
    const older = this.#older[index]!;
    this.#older[newer] = older;
    if (index === this.#oldest) this.#oldest = newer;
    else this.#newer[older] = newer;
    this.#newer[this.#newest] = index;
    this.#older[index] = this.#newest;
    this.#newest = index;
  }

  #trim(): void {
    while (this.#map.size > 0 && (this.#map.size > this.#maxEntries || this.#bytes > this.#maxBytes)) {
      const oldest = this.#oldest;
      this.#release(oldest, this.#isExpired(oldest) ? 'expired' : 'evicted');
    }
  }

  #release(index: number, reason: EvictionReason): void {
    const key = this.#keys[index]!;
    const value = this.#values[index] as T;
    this.#map.delete(key);
    if (this.#map.size !== 0) {
      const newer = this.#newer[index]!;
      const older = this.#older[index]!;
      if (index === this.#newest) this.#newest = older;
      else this.#older[newer] = older;
      if (index === this.#oldest) this.#oldest = newer;
      else this.#newer[older] = newer;
    }
    if (this.#sizes !== undefined) this.#bytes -= this.#sizes[index]!;
    this.#keys[index] = undefined;
    this.#values[index] = undefined;
    this.#free.push(index);
    if (reason === 'evicted') this.#evictions++;
    else if (reason === 'expired') this.#expirations++;
    this.#onEvict?.(key, value, reason);
  }
}
