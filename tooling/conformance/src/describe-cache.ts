import type { Cache } from '@mastra-ts/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoreFactory } from './describe-memory-store.ts';

/** The `Cache` conformance suite. The factory's cache must read time through `Date.now` (fake timers). */
export function describeCache(name: string, factory: StoreFactory<Cache>): void {
  describe(`Cache conformance: ${name}`, () => {
    let cache: Cache;
    beforeEach(async () => {
      vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
      cache = await factory();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('gets, sets, deletes and clears', async () => {
      expect(await cache.get('a')).toBeUndefined();
      await cache.set('a', { value: 1 });
      await cache.set('b', 'two');
      expect(await cache.get('a')).toEqual({ value: 1 });
      expect(await cache.delete('a')).toBe(true);
      expect(await cache.delete('a')).toBe(false);
      expect(await cache.get('a')).toBeUndefined();
      await cache.clear();
      expect(await cache.get('b')).toBeUndefined();
    });

    it('expires entries after their ttl', async () => {
      await cache.set('short', 1, { ttlMs: 1000 });
      await cache.set('long', 2, { ttlMs: 10_000 });
      vi.advanceTimersByTime(999);
      expect(await cache.get('short')).toBe(1);
      vi.advanceTimersByTime(1);
      expect(await cache.get('short')).toBeUndefined();
      expect(await cache.get('long')).toBe(2);
    });

    it('set overwrites and resets the ttl', async () => {
      await cache.set('k', 1, { ttlMs: 1000 });
      vi.advanceTimersByTime(900);
      await cache.set('k', 2, { ttlMs: 1000 });
      vi.advanceTimersByTime(900);
      expect(await cache.get('k')).toBe(2);
    });
  });
}
