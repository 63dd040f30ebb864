import type { StoreCallOptions } from '../storage/memory-store.ts';

/** A key-value cache. Values are kept as given (no serialization) by in-process caches. */
export interface Cache<T = unknown> {
  /** The value, or `undefined` when absent or expired. */
  get(key: string, options?: StoreCallOptions): Promise<T | undefined>;
  /** Stores a value; `ttlMs` overrides the cache's default time to live. */
  set(key: string, value: T, options?: { ttlMs?: number } & StoreCallOptions): Promise<void>;
  /** Returns true when a value was removed. */
  delete(key: string, options?: StoreCallOptions): Promise<boolean>;
  clear(options?: StoreCallOptions): Promise<void>;
}
