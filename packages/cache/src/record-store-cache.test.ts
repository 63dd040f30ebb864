import { describeCache } from '@mastra-ts/conformance';
import { InMemoryRecordStore, TypeValidationError } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { cachedModel } from './cached-model.ts';
import { createLRUCache } from './lru-cache.ts';
import { createRecordStoreCache } from './record-store-cache.ts';
import { createTieredCache } from './tiered-cache.ts';

describeCache('createRecordStoreCache', () => createRecordStoreCache({ store: new InMemoryRecordStore() }));
describeCache('createTieredCache', () => createTieredCache([createLRUCache({ maxEntries: 10 }), createRecordStoreCache({ store: new InMemoryRecordStore() })]));

describe('createRecordStoreCache', () => {
  it('keeps dates and bytes across the JSON round trip and survives a new cache on the same store', async () => {
    const store = new InMemoryRecordStore();
    await createRecordStoreCache({ store }).set('k', { at: new Date(5), bytes: new Uint8Array([1, 2]), nested: [{ a: 1 }] });
    expect(await createRecordStoreCache({ store }).get('k')).toEqual({ at: new Date(5), bytes: new Uint8Array([1, 2]), nested: [{ a: 1 }] });
  });

  it('clears every entry across pages', async () => {
    const store = new InMemoryRecordStore();
    const cache = createRecordStoreCache({ store, table: 'responses' });
    for (let index = 0; index < 1200; index++) await cache.set(`k${index}`, index);
    await cache.clear();
    expect((await store.listRecords('responses', { limit: 10 })).items).toHaveLength(0);
  });

  it('rejects a missing store and a bad table name', () => {
    expect(() => createRecordStoreCache({ store: undefined as never })).toThrow(/store must be a RecordStore/);
    let caught: unknown;
    try {
      createRecordStoreCache({ store: new InMemoryRecordStore(), table: 'bad table' });
    } catch (error) {
      caught = error;
    }
    expect(TypeValidationError.isInstance(caught)).toBe(true);
  });
});

describe('createTieredCache', () => {
  it('backfills the fast tier from the persistent one, so a restarted process hits without calling the provider', async () => {
    const store = new InMemoryRecordStore();
    const provider = new MockLanguageModelV1({ doGenerate: () => textResult('persisted') });
    const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hi' }] }];
    await cachedModel(provider, { cache: createTieredCache([createLRUCache({ maxEntries: 10 }), createRecordStoreCache({ store })]) }).doGenerate({ prompt });

    const lru = createLRUCache({ maxEntries: 10 });
    const restarted = cachedModel(provider, { cache: createTieredCache([lru, createRecordStoreCache({ store })]) });
    expect((await restarted.doGenerate({ prompt })).content).toEqual([{ type: 'text', text: 'persisted' }]);
    expect(provider.doGenerateCalls).toHaveLength(1);
    expect(lru.size).toBe(1);
  });
});
