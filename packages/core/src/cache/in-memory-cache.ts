import { throwIfAborted } from '../storage/check-abort.ts';
import type { StoreCallOptions } from '../storage/memory-store.ts';
import type { Cache } from './cache.ts';

/**
 * The reference `Cache`: a Map with per-entry TTL, expired lazily on read.
 * Unbounded: for an LRU with size limits and stats use `@mastra-ts/cache`.
 */
export class InMemoryCache<T = unknown> implements Cache<T> {
  readonly #entries = new Map<string, { value: T; expiresAt: number }>();
  readonly #defaultTtlMs: number | undefined;
  readonly #now: () => number;

  constructor({ ttlMs, now = Date.now }: { ttlMs?: number; now?: () => number } = {}) {
    this.#defaultTtlMs = ttlMs;
    this.#now = now;
  }

  async get(key: string, options?: StoreCallOptions): Promise<T | undefined> {
    throwIfAborted(options?.abortSignal);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: T, options?: { ttlMs?: number } & StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    const ttlMs = options?.ttlMs ?? this.#defaultTtlMs;
    this.#entries.set(key, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : this.#now() + ttlMs });
  }

  async delete(key: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.abortSignal);
    return this.#entries.delete(key);
  }

  async clear(options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    this.#entries.clear();
  }
}
