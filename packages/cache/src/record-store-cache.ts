import { assertValidTableName, throwIfAborted, TypeValidationError, type Cache, type JSONValue, type RecordStore, type StoreCallOptions } from '@mastra-ts/core';
import { hashKey } from './hash-key.ts';
import { fromJsonSafe, toJsonSafe } from './json-safe.ts';

/** Settings of `createRecordStoreCache`. */
export interface RecordStoreCacheSettings {
  /** Any `RecordStore` (core's in-memory one, `@mastra-ts/storage-sqlite`, …). */
  store: RecordStore;
  /** Table of the entries (default `cache_entries`). */
  table?: string;
  /** Default time to live in milliseconds. Unset: entries never expire. */
  ttlMs?: number;
  /** The clock, in epoch milliseconds. Defaults to `Date.now()`. */
  now?: () => number;
}

/**
 * A persistent `Cache` on a `RecordStore`: survives restarts and is shared by processes on one database.
 * Values are stored as JSON (dates and binary data are tagged and restored). Record ids are the SHA-256 of the key.
 * Put it behind an LRU with `createTieredCache([lru, persistent])`.
 */
export function createRecordStoreCache(settings: RecordStoreCacheSettings): Cache {
  const { store, table = 'cache_entries', ttlMs: defaultTtlMs } = settings;
  if (store == null || typeof store.getRecord !== 'function') {
    throw new TypeValidationError({ value: store, issues: [{ path: ['store'], message: 'store must be a RecordStore, e.g. createRecordStoreCache({ store: storage.records })' }], context: 'createRecordStoreCache settings' });
  }
  assertValidTableName(table);
  const now = settings.now ?? (() => Date.now());
  const idOf = (key: string): string => hashKey(key);

  return {
    async get(key: string, options?: StoreCallOptions): Promise<unknown> {
      throwIfAborted(options?.abortSignal);
      const record = await store.getRecord(table, idOf(key), options);
      if (record === null) return undefined;
      const data = record.data as { key?: JSONValue; value?: JSONValue; expiresAt?: JSONValue };
      if (data.key !== key) return undefined;
      if (typeof data.expiresAt === 'number' && data.expiresAt <= now()) {
        await store.deleteRecord(table, record.id, options);
        return undefined;
      }
      return fromJsonSafe(data.value);
    },
    async set(key: string, value: unknown, options?: { ttlMs?: number } & StoreCallOptions): Promise<void> {
      throwIfAborted(options?.abortSignal);
      const ttlMs = options?.ttlMs ?? defaultTtlMs;
      const data = { key, value: (toJsonSafe(value) ?? null) as JSONValue, expiresAt: ttlMs === undefined ? null : now() + ttlMs };
      const id = idOf(key);
      const date = new Date(now());
      const replaced = await store.replaceRecord({ id, table, data, createdAt: date, updatedAt: date }, options);
      if (replaced === null) await store.insertRecord({ id, table, data, createdAt: date, updatedAt: date }, options);
    },
    async delete(key: string, options?: StoreCallOptions): Promise<boolean> {
      throwIfAborted(options?.abortSignal);
      return store.deleteRecord(table, idOf(key), options);
    },
    async clear(options?: StoreCallOptions): Promise<void> {
      for (;;) {
        throwIfAborted(options?.abortSignal);
        const page = await store.listRecords(table, { limit: 500, ...(options?.abortSignal ? { abortSignal: options.abortSignal } : {}) });
        for (const record of page.items) await store.deleteRecord(table, record.id, options);
        if (page.items.length === 0 || page.nextCursor === undefined) return;
      }
    },
  };
}
