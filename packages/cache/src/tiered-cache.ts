import { TypeValidationError, type Cache, type StoreCallOptions } from '@mastra-ts/core';

/**
 * Several caches as one, fastest first: `get` returns the first hit and copies it into the faster tiers;
 * `set`, `delete` and `clear` go to every tier.
 *
 * @example
 * const cache = createTieredCache([createLRUCache({ maxEntries: 500 }), createRecordStoreCache({ store })]);
 */
export function createTieredCache(tiers: Cache[]): Cache {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    throw new TypeValidationError({ value: tiers, issues: [{ path: ['tiers'], message: 'pass at least one cache, fastest first: createTieredCache([lru, persistent])' }], context: 'createTieredCache' });
  }
  return {
    async get(key: string, options?: StoreCallOptions): Promise<unknown> {
      for (let index = 0; index < tiers.length; index++) {
        const value = await tiers[index]!.get(key, options);
        if (value !== undefined) {
          for (let faster = 0; faster < index; faster++) await tiers[faster]!.set(key, value, options);
          return value;
        }
      }
      return undefined;
    },
    async set(key: string, value: unknown, options?: { ttlMs?: number } & StoreCallOptions): Promise<void> {
      await Promise.all(tiers.map((tier) => tier.set(key, value, options)));
    },
    async delete(key: string, options?: StoreCallOptions): Promise<boolean> {
      const removed = await Promise.all(tiers.map((tier) => tier.delete(key, options)));
      return removed.some(Boolean);
    },
    async clear(options?: StoreCallOptions): Promise<void> {
      await Promise.all(tiers.map((tier) => tier.clear(options)));
    },
  };
}
