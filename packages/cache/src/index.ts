/**
 * @module
 * `@mastra-ts/cache`: an LRU + TTL cache with stats and single-flight loading (core's `Cache`), a persistent tier
 * on a `RecordStore`, and `cachedModel`, a language model middleware that answers identical calls from a cache.
 */
export { createLRUCache } from './lru-cache.ts';
export type { EvictionReason, GetOrLoadOptions, LRUCache, LRUCacheSettings, LRUCacheStats } from './lru-cache.ts';
export { SingleFlight } from './single-flight.ts';
export { cachedModel, CACHE_METADATA_KEY, CACHE_PROVIDER_OPTIONS_KEY } from './cached-model.ts';
export type { CachedModelCallSettings, CachedModelSettings, CacheLookupEvent } from './cached-model.ts';
export { createRecordStoreCache, type RecordStoreCacheSettings } from './record-store-cache.ts';
export { createTieredCache } from './tiered-cache.ts';
export { canonicalJson, hashKey } from './hash-key.ts';
