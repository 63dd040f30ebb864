import { describeCache } from '@mastra-ts/conformance';
import { AbortError, TypeValidationError } from '@mastra-ts/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLRUCache, type EvictionReason } from './lru-cache.ts';

describeCache('createLRUCache', () => createLRUCache({ maxEntries: 100 }));
describeCache('createLRUCache with maxBytes', () => createLRUCache({ maxEntries: 100, maxBytes: 10_000 }));

describe('createLRUCache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('evicts the least recently used entry, where get refreshes recency', async () => {
    const evicted: Array<[string, unknown, EvictionReason]> = [];
    const cache = createLRUCache<number>({ maxEntries: 3, onEvict: (key, value, reason) => evicted.push([key, value, reason]) });
    await cache.set('a', 1);
    await cache.set('b', 2);
    await cache.set('c', 3);
    expect(await cache.get('a')).toBe(1);
    await cache.set('d', 4);
    expect(cache.keys()).toEqual(['d', 'a', 'c']);
    expect(evicted).toEqual([['b', 2, 'evicted']]);
    await cache.set('c', 30);
    await cache.set('e', 5);
    expect(cache.keys()).toEqual(['e', 'c', 'd']);
    expect(evicted.at(-1)).toEqual(['a', 1, 'evicted']);
    expect(cache.stats()).toMatchObject({ evictions: 2, size: 3 });
  });

  it('keeps the recency order of a reference model through gets of the oldest, middle and newest entries and evictions', () => {
    const evicted: string[] = [];
    const cache = createLRUCache<number>({ maxEntries: 5, onEvict: (key, _value, reason) => reason === 'evicted' && evicted.push(key) });
    const model: string[] = []; // most recent first
    const modelEvicted: string[] = [];
    let seed = 7;
    for (let step = 0; step < 2000; step++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const key = `k${seed % 8}`;
      if (seed % 3 === 0) {
        cache.setSync(key, step);
        if (model.includes(key)) model.splice(model.indexOf(key), 1);
        else if (model.length === 5) modelEvicted.push(model.pop()!);
        model.unshift(key);
      } else {
        const hit = cache.getSync(key) !== undefined;
        expect(hit).toBe(model.includes(key));
        if (hit) model.unshift(...model.splice(model.indexOf(key), 1));
      }
      expect(cache.keys()).toEqual(model);
    }
    expect(evicted).toEqual(modelEvicted);
  });

  for (const maxEntries of [1, 2, 100, 300]) {
    it(`matches a reference model through sets, gets, deletes and evictions, growing past its first slots (maxEntries ${maxEntries})`, () => {
      const evicted: Array<[string, number]> = [];
      const cache = createLRUCache<number>({ maxEntries, onEvict: (key, value, reason) => reason === 'evicted' && evicted.push([key, value]) });
      const model = new Map<string, number>(); // insertion order = least recent first
      const modelEvicted: Array<[string, number]> = [];
      let seed = 11;
      for (let step = 0; step < 5000; step++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const key = `k${seed % Math.ceil(maxEntries * 1.5 + 1)}`;
        const action = (seed >>> 8) % 10;
        if (action < 4) {
          cache.setSync(key, step);
          model.delete(key);
          model.set(key, step);
          if (model.size > maxEntries) {
            const [oldest, value] = model.entries().next().value!;
            model.delete(oldest);
            modelEvicted.push([oldest, value]);
          }
        } else if (action < 9) {
          const expected = model.get(key);
          expect(cache.getSync(key)).toBe(expected);
          if (expected !== undefined) {
            model.delete(key);
            model.set(key, expected);
          }
        } else {
          expect(cache.deleteSync(key)).toBe(model.delete(key));
        }
        if (step % 97 === 0 || maxEntries <= 2) expect(cache.keys()).toEqual([...model.keys()].reverse());
      }
      expect(cache.keys()).toEqual([...model.keys()].reverse());
      expect(cache.size).toBe(model.size);
      expect(evicted).toEqual(modelEvicted);
      expect(cache.stats().evictions).toBe(modelEvicted.length);
    });
  }

  it('stays within maxEntries when onEvict writes to the cache', () => {
    const cache = createLRUCache<number>({
      maxEntries: 3,
      onEvict: (key, value, reason) => {
        if (reason === 'evicted' && !key.startsWith('echo:')) cache.setSync(`echo:${key}`, value);
      },
    });
    for (let index = 0; index < 10; index++) cache.setSync(`k${index}`, index);
    expect(cache.size).toBe(3);
    const keys = cache.keys();
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe('k9');
    for (const key of keys) expect(cache.peek(key)).toBe(Number(key.replace(/\D/g, '')));
    cache.setSync('last', -1);
    expect(cache.keys()[0]).toBe('last');
    expect(cache.size).toBe(3);
  });

  it('reuses the slots of deleted entries and forgets their values', async () => {
    const cache = createLRUCache<{ n: number }>({ maxEntries: 4 });
    for (let index = 0; index < 4; index++) cache.setSync(`a${index}`, { n: index });
    expect(cache.deleteSync('a1')).toBe(true);
    expect(cache.deleteSync('a1')).toBe(false);
    await cache.delete('a3');
    cache.setSync('b', { n: 10 });
    cache.setSync('c', { n: 11 });
    expect(cache.keys()).toEqual(['c', 'b', 'a2', 'a0']);
    expect(cache.getSync('a1')).toBeUndefined();
    cache.setSync('d', { n: 12 });
    expect(cache.keys()).toEqual(['d', 'c', 'b', 'a2']);
    expect(cache.stats()).toMatchObject({ size: 4, evictions: 1 });
  });

  it('expires entries given a ttl while older entries without one live on (fake timers)', () => {
    vi.useFakeTimers({ now: 0 });
    const cache = createLRUCache<number>({ maxEntries: 300, sweepIntervalMs: false });
    for (let index = 0; index < 100; index++) cache.setSync(`plain${index}`, index);
    cache.setSync('short', 1, { ttlMs: 50 });
    for (let index = 0; index < 100; index++) cache.setSync(`late${index}`, index);
    cache.setSync('plain0', 0, { ttlMs: 50 });
    cache.setSync('short2', 2, { ttlMs: 50 });
    cache.setSync('short2', 3);
    vi.advanceTimersByTime(50);
    expect(cache.getSync('short')).toBeUndefined();
    expect(cache.has('plain0')).toBe(false);
    expect(cache.getSync('short2')).toBe(3);
    expect(cache.getSync('plain1')).toBe(1);
    expect(cache.getSync('late99')).toBe(99);
    expect(cache.sweep()).toBe(1);
    expect(cache.size).toBe(200);
    expect(cache.stats().expirations).toBe(2);
  });

  it('evicts an expired oldest entry as expired, not evicted (explicit clock)', () => {
    let now = 0;
    const reasons: string[] = [];
    const cache = createLRUCache<number>({ maxEntries: 2, ttlMs: 10, sweepIntervalMs: false, now: () => now, onEvict: (key, _value, reason) => reasons.push(`${key}:${reason}`) });
    cache.setSync('a', 1);
    cache.setSync('b', 2, { ttlMs: 1000 });
    now = 10;
    cache.setSync('c', 3);
    cache.setSync('d', 4);
    expect(reasons).toEqual(['a:expired', 'b:evicted']);
    expect(cache.stats()).toMatchObject({ expirations: 1, evictions: 1 });
  });

  it('starts the sweep again for a ttl set after dispose', () => {
    const unref = vi.fn();
    const spy = vi.spyOn(globalThis, 'setInterval').mockReturnValue({ unref } as unknown as ReturnType<typeof setInterval>);
    const clear = vi.spyOn(globalThis, 'clearInterval').mockImplementation(() => undefined);
    try {
      const cache = createLRUCache<number>({ maxEntries: 10 });
      cache.setSync('plain', 1);
      expect(spy).toHaveBeenCalledTimes(0);
      cache.setSync('a', 1, { ttlMs: 100 });
      cache.dispose();
      expect(clear).toHaveBeenCalledTimes(1);
      expect(cache.size).toBe(0);
      cache.setSync('b', 1, { ttlMs: 100 });
      expect(spy).toHaveBeenCalledTimes(2);
      expect(cache.keys()).toEqual(['b']);
    } finally {
      spy.mockRestore();
      clear.mockRestore();
    }
  });

  it('peek and has do not change recency or stats', () => {
    const cache = createLRUCache<number>({ maxEntries: 2 });
    cache.setSync('a', 1);
    cache.setSync('b', 2);
    expect(cache.peek('a')).toBe(1);
    expect(cache.has('a')).toBe(true);
    cache.setSync('c', 3);
    expect(cache.has('a')).toBe(false);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0 });
  });

  it('evicts by maxBytes using sizeOf, and refuses an entry larger than the budget', () => {
    const evicted: string[] = [];
    const cache = createLRUCache<string>({ maxEntries: 100, maxBytes: 10, sizeOf: (value) => value.length, onEvict: (key, _value, reason) => evicted.push(`${key}:${reason}`) });
    cache.setSync('a', 'xxxx');
    cache.setSync('b', 'yyyy');
    expect(cache.stats().bytes).toBe(8);
    cache.setSync('c', 'zzzz');
    expect(cache.keys()).toEqual(['c', 'b']);
    expect(cache.stats()).toMatchObject({ bytes: 8, evictions: 1 });
    cache.setSync('b', 'yyyyyyyyyyy');
    expect(cache.has('b')).toBe(false);
    expect(cache.keys()).toEqual(['c']);
    expect(evicted).toEqual(['a:evicted', 'b:replaced']);
    cache.setSync('c', 'zz');
    expect(cache.stats().bytes).toBe(2);
  });

  it('reports evictions oldest first when a set passes both limits', () => {
    const evicted: string[] = [];
    const cache = createLRUCache<string>({ maxEntries: 3, maxBytes: 10, sizeOf: (value) => value.length, onEvict: (key, _value, reason) => evicted.push(`${key}:${reason}`) });
    cache.setSync('a', 'xx');
    cache.setSync('b', 'xx');
    cache.setSync('c', 'xx');
    cache.setSync('d', 'xxxxxxxx');
    expect(evicted).toEqual(['a:evicted', 'b:evicted']);
    expect(cache.keys()).toEqual(['d', 'c']);
    expect(cache.stats()).toMatchObject({ bytes: 10, evictions: 2, size: 2 });
  });

  it('measures UTF-8 bytes by default when maxBytes is set', () => {
    const cache = createLRUCache<unknown>({ maxEntries: 10, maxBytes: 100 });
    cache.setSync('s', 'é');
    cache.setSync('o', { a: 1 });
    cache.setSync('b', new Uint8Array(5));
    expect(cache.stats().bytes).toBe(2 + '{"a":1}'.length + 5);
  });

  it('expires entries lazily and by the periodic sweep (fake timers)', async () => {
    vi.useFakeTimers({ now: 0 });
    const reasons: string[] = [];
    const cache = createLRUCache<number>({ maxEntries: 10, ttlMs: 1000, sweepIntervalMs: 5000, onEvict: (key, _value, reason) => reasons.push(`${key}:${reason}`) });
    cache.setSync('a', 1);
    cache.setSync('b', 2, { ttlMs: 10_000 });
    vi.advanceTimersByTime(999);
    expect(await cache.get('a')).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await cache.get('a')).toBeUndefined();
    expect(reasons).toEqual(['a:expired']);
    cache.setSync('c', 3);
    expect(cache.size).toBe(2);
    vi.advanceTimersByTime(4000);
    expect(cache.size).toBe(1);
    expect(reasons).toEqual(['a:expired', 'c:expired']);
    expect(cache.stats()).toMatchObject({ expirations: 2, hits: 1, misses: 1 });
    vi.advanceTimersByTime(5000);
    expect(cache.has('b')).toBe(false);
    cache.dispose();
  });

  it('uses an explicit clock given as now', () => {
    let now = 0;
    const cache = createLRUCache<number>({ maxEntries: 10, ttlMs: 50, sweepIntervalMs: false, now: () => now });
    cache.setSync('a', 1);
    now = 49;
    expect(cache.getSync('a')).toBe(1);
    now = 50;
    expect(cache.getSync('a')).toBeUndefined();
    expect(cache.stats().expirations).toBe(1);
  });

  it('does not keep the process alive: the sweep timer is unref-ed', () => {
    const unref = vi.fn();
    const spy = vi.spyOn(globalThis, 'setInterval').mockReturnValue({ unref } as unknown as ReturnType<typeof setInterval>);
    try {
      const cache = createLRUCache({ maxEntries: 10, ttlMs: 100 });
      cache.setSync('a', 1);
      cache.setSync('b', 1);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(unref).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('counts hits, misses and hit rate, and resets them', async () => {
    const cache = createLRUCache<number>({ maxEntries: 10 });
    await cache.set('a', 1);
    await cache.get('a');
    await cache.get('a');
    await cache.get('b');
    expect(cache.stats()).toEqual({ hits: 2, misses: 1, evictions: 0, expirations: 0, loads: 0, size: 1, bytes: 0, hitRate: 2 / 3 });
    cache.resetStats();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, size: 1 });
  });

  it('rejects bad settings with TypeValidationError naming the field', () => {
    for (const settings of [{ maxEntries: 0 }, { maxEntries: 1.5 }, { maxEntries: 10, maxBytes: -1 }, { maxEntries: 10, ttlMs: 0 }]) {
      let caught: unknown;
      try {
        createLRUCache(settings);
      } catch (error) {
        caught = error;
      }
      expect(TypeValidationError.isInstance(caught)).toBe(true);
    }
    expect(() => createLRUCache({ maxEntries: 0 })).toThrow(/maxEntries must be a positive integer, got 0/);
    expect(() => createLRUCache({ maxEntries: 1 }).setSync('a', 1, { ttlMs: -5 })).toThrow(/ttlMs/);
  });

  it('honours abort signals on the async methods', async () => {
    const cache = createLRUCache({ maxEntries: 10 });
    const controller = new AbortController();
    controller.abort();
    await expect(cache.get('a', { abortSignal: controller.signal })).rejects.toSatisfy(AbortError.isInstance);
    await expect(cache.set('a', 1, { abortSignal: controller.signal })).rejects.toSatisfy(AbortError.isInstance);
  });

  it('clear calls onEvict with "cleared" and empties the stats size', async () => {
    const reasons: string[] = [];
    const cache = createLRUCache({ maxEntries: 10, onEvict: (key, _value, reason) => reasons.push(`${key}:${reason}`) });
    cache.setSync('a', 1);
    await cache.clear();
    expect(reasons).toEqual(['a:cleared']);
    expect(cache.stats()).toMatchObject({ size: 0, bytes: 0 });
  });
});

describe('getOrLoad (single-flight)', () => {
  it('runs the loader once for concurrent misses and caches the value', async () => {
    const cache = createLRUCache<string>({ maxEntries: 10 });
    let release!: (value: string) => void;
    const loader = vi.fn(() => new Promise<string>((resolve) => (release = resolve)));
    const waiters = Array.from({ length: 10 }, () => cache.getOrLoad('k', loader));
    await Promise.resolve();
    await Promise.resolve();
    release('loaded');
    expect(await Promise.all(waiters)).toEqual(Array(10).fill('loaded'));
    expect(loader).toHaveBeenCalledTimes(1);
    expect(await cache.getOrLoad('k', loader)).toBe('loaded');
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.stats().loads).toBe(1);
  });

  it('rejects every waiter when the loader fails, caches nothing, and retries on the next call', async () => {
    const cache = createLRUCache<string>({ maxEntries: 10 });
    const failure = new Error('backend down');
    const loader = vi.fn().mockRejectedValueOnce(failure).mockResolvedValueOnce('ok');
    const results = await Promise.allSettled([cache.getOrLoad('k', loader), cache.getOrLoad('k', loader), cache.getOrLoad('k', loader)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(results.every((result) => result.status === 'rejected' && result.reason === failure)).toBe(true);
    expect(cache.has('k')).toBe(false);
    expect(await cache.getOrLoad('k', loader)).toBe('ok');
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it('applies the ttl of getOrLoad', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const cache = createLRUCache<number>({ maxEntries: 10, sweepIntervalMs: false });
      await cache.getOrLoad('k', () => 1, { ttlMs: 100 });
      vi.advanceTimersByTime(100);
      expect(cache.has('k')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a waiter that aborts leaves alone; the loader is aborted only when every waiter left', async () => {
    const cache = createLRUCache<string>({ maxEntries: 10 });
    let loaderSignal!: AbortSignal;
    let release!: (value: string) => void;
    const loader = ({ abortSignal }: { abortSignal: AbortSignal }): Promise<string> => {
      loaderSignal = abortSignal;
      return new Promise((resolve) => (release = resolve));
    };
    const first = new AbortController();
    const second = new AbortController();
    const a = cache.getOrLoad('k', loader, { abortSignal: first.signal });
    const b = cache.getOrLoad('k', loader, { abortSignal: second.signal });
    await Promise.resolve();
    first.abort(new Error('user left'));
    await expect(a).rejects.toSatisfy(AbortError.isInstance);
    expect(loaderSignal.aborted).toBe(false);
    release('v');
    expect(await b).toBe('v');

    const c = cache.getOrLoad('other', loader, { abortSignal: first.signal });
    await expect(c).rejects.toSatisfy(AbortError.isInstance);
  });

  it('does not cache a value loaded for a key deleted while loading', async () => {
    const cache = createLRUCache<string>({ maxEntries: 10 });
    let release!: (value: string) => void;
    const pending = cache.getOrLoad('k', () => new Promise<string>((resolve) => (release = resolve)));
    await Promise.resolve();
    await cache.delete('k');
    release('stale');
    expect(await pending).toBe('stale');
    expect(cache.has('k')).toBe(false);
  });
});
