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

interface Node<T> {
  key: string;
  value: T;
  size: number;
  expiresAt: number;
  newer: Node<T> | undefined;
  older: Node<T> | undefined;
}

/**
 * Creates an LRU cache: O(1) get/set/delete on a hash map plus a doubly linked recency list, per-entry TTL
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

class LRUCacheImpl<T> implements LRUCache<T> {
  readonly #map = new Map<string, Node<T>>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #sizeOf: ((value: T, key: string) => number) | undefined;
  readonly #ttlMs: number | undefined;
  readonly #sweepIntervalMs: number | false;
  readonly #onEvict: ((key: string, value: T, reason: EvictionReason) => void) | undefined;
  readonly #now: () => number;
  readonly #flights = new SingleFlight<T>();
  #newest: Node<T> | undefined;
  #oldest: Node<T> | undefined;
  #bytes = 0;
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
    const nodes = onEvict ? [...this.#map.values()] : [];
    this.#map.clear();
    this.#newest = this.#oldest = undefined;
    this.#bytes = 0;
    for (const node of nodes) onEvict!(node.key, node.value, 'cleared');
  }

  getSync(key: string): T | undefined {
    const node = this.#map.get(key);
    if (node === undefined) {
      this.#misses++;
      return undefined;
    }
    if (node.expiresAt !== Number.POSITIVE_INFINITY && node.expiresAt <= this.#now()) {
      this.#remove(node, 'expired');
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    const newer = node.newer;
    if (newer !== undefined) {
      // not the newest already: splice it out and put it in front, touching each link once
      const older = node.older;
      newer.older = older;
      if (older === undefined) this.#oldest = newer;
      else older.newer = newer;
      const newest = this.#newest!;
      newest.newer = node;
      node.older = newest;
      node.newer = undefined;
      this.#newest = node;
    }
    return node.value;
  }

  setSync(key: string, value: T, options?: { ttlMs?: number }): void {
    const ttlMs = options?.ttlMs ?? this.#ttlMs;
    if (ttlMs !== undefined && !(ttlMs > 0)) throw invalid('ttlMs', ttlMs, `ttlMs must be a positive number of milliseconds, got ${String(ttlMs)}`);
    const size = this.#sizeOf ? this.#sizeOf(value, key) : 0;
    if (!(size >= 0)) throw invalid('sizeOf', size, `sizeOf returned ${String(size)} for key "${key}": it must return a non-negative number`);
    const expiresAt = ttlMs === undefined ? Number.POSITIVE_INFINITY : this.#now() + ttlMs;
    if (ttlMs !== undefined) this.#startSweep();
    const existing = this.#map.get(key);
    if (size > this.#maxBytes) {
      // an entry larger than the whole budget is not stored, and the stale value must not survive it
      if (existing) this.#remove(existing, 'replaced');
      return;
    }
    if (existing) {
      const old = existing.value;
      this.#bytes += size - existing.size;
      existing.value = value;
      existing.size = size;
      existing.expiresAt = expiresAt;
      if (existing !== this.#newest) {
        this.#unlink(existing);
        this.#pushNewest(existing);
      }
      if (this.#onEvict && old !== value) this.#onEvict(key, old, 'replaced');
    } else if (this.#map.size >= this.#maxEntries && this.#oldest !== undefined && this.#bytes - this.#oldest.size + size <= this.#maxBytes) {
      // at capacity: evict the oldest entry and reuse its node, which saves an allocation per set
      const node = this.#oldest;
      this.#remove(node, node.expiresAt !== Number.POSITIVE_INFINITY && node.expiresAt <= this.#now() ? 'expired' : 'evicted');
      node.key = key;
      node.value = value;
      node.size = size;
      node.expiresAt = expiresAt;
      this.#map.set(key, node);
      this.#bytes += size;
      this.#pushNewest(node);
      return;
    } else {
      const node: Node<T> = { key, value, size, expiresAt, newer: undefined, older: undefined };
      this.#map.set(key, node);
      this.#bytes += size;
      this.#pushNewest(node);
    }
    this.#trim();
  }

  deleteSync(key: string): boolean {
    this.#flights.forget(key);
    const node = this.#map.get(key);
    if (node === undefined) return false;
    const live = node.expiresAt > this.#now();
    this.#remove(node, live ? 'deleted' : 'expired');
    return live;
  }

  has(key: string): boolean {
    const node = this.#map.get(key);
    return node !== undefined && node.expiresAt > this.#now();
  }

  peek(key: string): T | undefined {
    const node = this.#map.get(key);
    return node !== undefined && node.expiresAt > this.#now() ? node.value : undefined;
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
    const now = this.#now();
    const keys: string[] = [];
    for (let node = this.#newest; node; node = node.older) if (node.expiresAt > now) keys.push(node.key);
    return keys;
  }

  sweep(): number {
    const now = this.#now();
    let count = 0;
    for (const node of this.#map.values()) {
      if (node.expiresAt <= now) {
        this.#remove(node, 'expired');
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
    this.#map.clear();
    this.#newest = this.#oldest = undefined;
    this.#bytes = 0;
  }

  #startSweep(): void {
    if (this.#timer !== undefined || this.#sweepIntervalMs === false) return;
    this.#timer = setInterval(() => this.sweep(), this.#sweepIntervalMs);
    this.#timer.unref?.();
  }

  #trim(): void {
    while (this.#map.size > this.#maxEntries || this.#bytes > this.#maxBytes) {
      const oldest = this.#oldest;
      if (oldest === undefined) return;
      if (oldest.expiresAt !== Number.POSITIVE_INFINITY && oldest.expiresAt <= this.#now()) this.#remove(oldest, 'expired');
      else this.#remove(oldest, 'evicted');
    }
  }

  #remove(node: Node<T>, reason: EvictionReason): void {
    this.#map.delete(node.key);
    this.#unlink(node);
    this.#bytes -= node.size;
    if (reason === 'evicted') this.#evictions++;
    else if (reason === 'expired') this.#expirations++;
    this.#onEvict?.(node.key, node.value, reason);
  }

  #unlink(node: Node<T>): void {
    if (node.newer) node.newer.older = node.older;
    else this.#newest = node.older;
    if (node.older) node.older.newer = node.newer;
    else this.#oldest = node.newer;
    node.newer = node.older = undefined;
  }

  #pushNewest(node: Node<T>): void {
    node.older = this.#newest;
    node.newer = undefined;
    if (this.#newest) this.#newest.newer = node;
    this.#newest = node;
    if (this.#oldest === undefined) this.#oldest = node;
  }
}
