import type { MemoryStore, StorageMessage, StorageThread } from '@mastra-ts/core';
import { searchTerms, StorageError } from '@mastra-ts/core';
import { beforeEach, describe, expect, it } from 'vitest';

/** Factory for a fresh, empty store per test. */
export type StoreFactory<T> = () => T | Promise<T>;

const base = Date.UTC(2026, 0, 1);
const at = (seconds: number): Date => new Date(base + seconds * 1000);

/** A thread for tests. */
export function createTestThread(overrides: Partial<StorageThread> = {}): StorageThread {
  return { id: 'thread-1', resourceId: 'user-1', title: 'Hello', metadata: { topic: 'tests' }, createdAt: at(0), updatedAt: at(0), ...overrides };
}

/** A message for tests. */
export function createTestMessage(overrides: Partial<StorageMessage> & { id: string }): StorageMessage {
  return { threadId: 'thread-1', resourceId: 'user-1', role: 'user', content: `text of ${overrides.id}`, createdAt: at(1), ...overrides };
}

/**
 * The `MemoryStore` conformance suite. Every implementation runs it. `search: false` declares a store without the
 * optional `searchMessages` (its tests then pass without running); by default a store must have it.
 */
export function describeMemoryStore(name: string, factory: StoreFactory<MemoryStore>, options: { skip?: Record<string, string>; search?: boolean } = {}): void {
  describe(`MemoryStore conformance: ${name}`, () => {
    let store: MemoryStore;
    beforeEach(async () => {
      store = await factory();
    });
    const test = (title: string, fn: () => Promise<void>): void => {
      if (options.skip?.[title]) it.skip(`${title} (skipped: ${options.skip[title]})`, fn);
      else it(title, fn);
    };

    test('saves and reads a thread with its metadata and dates', async () => {
      const thread = createTestThread();
      await store.saveThread(thread);
      expect(await store.getThread('thread-1')).toEqual(thread);
      expect(await store.getThread('missing')).toBeNull();
    });

    test('saveThread replaces by id', async () => {
      await store.saveThread(createTestThread());
      await store.saveThread(createTestThread({ title: 'Renamed', updatedAt: at(5) }));
      const thread = await store.getThread('thread-1');
      expect(thread?.title).toBe('Renamed');
      expect(thread?.updatedAt).toEqual(at(5));
    });

    test('lists threads by resource, newest update first, paginated', async () => {
      for (let index = 0; index < 5; index++) {
        await store.saveThread(createTestThread({ id: `t${index}`, resourceId: index < 4 ? 'user-1' : 'user-2', updatedAt: at(index), createdAt: at(index) }));
      }
      const first = await store.listThreads({ resourceId: 'user-1', limit: 3 });
      expect(first.items.map((thread) => thread.id)).toEqual(['t3', 't2', 't1']);
      expect(first.total).toBe(4);
      expect(first.hasMore).toBe(true);
      const second = await store.listThreads({ resourceId: 'user-1', limit: 3, offset: 3 });
      expect(second.items.map((thread) => thread.id)).toEqual(['t0']);
      expect(second.hasMore).toBe(false);
      const ascending = await store.listThreads({ resourceId: 'user-1', order: 'asc', orderBy: 'createdAt' });
      expect(ascending.items.map((thread) => thread.id)).toEqual(['t0', 't1', 't2', 't3']);
    });

    test('saves messages in order and reads them both ways with limits', async () => {
      await store.saveThread(createTestThread());
      const messages = Array.from({ length: 10 }, (_, index) => createTestMessage({ id: `m${index}`, createdAt: at(10 + index), content: [{ type: 'text', text: `n${index}` }] }));
      await store.saveMessages(messages);
      expect((await store.listMessages({ threadId: 'thread-1' })).map((message) => message.id)).toEqual(messages.map((message) => message.id));
      expect((await store.listMessages({ threadId: 'thread-1', order: 'desc', limit: 3 })).map((message) => message.id)).toEqual(['m9', 'm8', 'm7']);
      expect((await store.listMessages({ threadId: 'thread-1', limit: 2 })).map((message) => message.id)).toEqual(['m0', 'm1']);
      expect(await store.countMessages('thread-1')).toBe(10);
      const [first] = await store.listMessages({ threadId: 'thread-1', limit: 1 });
      expect(first).toEqual(messages[0]);
    });

    test('keyset pagination with before/after cursors and equal timestamps', async () => {
      await store.saveThread(createTestThread());
      const sameTime = at(20);
      const messages = ['a', 'b', 'c', 'd', 'e'].map((id) => createTestMessage({ id, createdAt: sameTime }));
      await store.saveMessages(messages);
      const page = await store.listMessages({ threadId: 'thread-1', order: 'desc', limit: 2, before: { createdAt: sameTime, id: 'd' } });
      expect(page.map((message) => message.id)).toEqual(['c', 'b']);
      const after = await store.listMessages({ threadId: 'thread-1', after: { createdAt: sameTime, id: 'b' } });
      expect(after.map((message) => message.id)).toEqual(['c', 'd', 'e']);
    });

    test('filters messages by date range (inclusive)', async () => {
      await store.saveThread(createTestThread());
      await store.saveMessages([0, 1, 2, 3].map((index) => createTestMessage({ id: `m${index}`, createdAt: at(100 + index) })));
      const range = await store.listMessages({ threadId: 'thread-1', fromDate: at(101), toDate: at(102) });
      expect(range.map((message) => message.id)).toEqual(['m1', 'm2']);
    });

    test('saveMessages replaces by id without duplicating', async () => {
      await store.saveThread(createTestThread());
      await store.saveMessages([createTestMessage({ id: 'm1', content: 'first' })]);
      await store.saveMessages([createTestMessage({ id: 'm1', content: 'second' })]);
      const messages = await store.listMessages({ threadId: 'thread-1' });
      expect(messages).toHaveLength(1);
      expect(messages[0]?.content).toBe('second');
    });

    test('saveMessages bumps the thread updatedAt', async () => {
      await store.saveThread(createTestThread());
      await store.saveMessages([createTestMessage({ id: 'm1', createdAt: at(50) })]);
      expect((await store.getThread('thread-1'))?.updatedAt).toEqual(at(50));
    });

    test('a batch with an unknown thread saves nothing', async () => {
      await store.saveThread(createTestThread());
      await expect(store.saveMessages([createTestMessage({ id: 'ok' }), createTestMessage({ id: 'bad', threadId: 'missing' })])).rejects.toSatisfy(StorageError.isInstance);
      expect(await store.listMessages({ threadId: 'thread-1' })).toEqual([]);
    });

    test('gets messages by id and deletes them', async () => {
      await store.saveThread(createTestThread());
      await store.saveMessages([1, 2, 3].map((index) => createTestMessage({ id: `m${index}`, createdAt: at(index) })));
      expect((await store.getMessages(['m3', 'm1', 'nope'])).map((message) => message.id)).toEqual(['m1', 'm3']);
      expect(await store.deleteMessages(['m1', 'nope'])).toBe(1);
      expect((await store.listMessages({ threadId: 'thread-1' })).map((message) => message.id)).toEqual(['m2', 'm3']);
    });

    test('deleting a thread deletes its messages', async () => {
      await store.saveThread(createTestThread());
      await store.saveThread(createTestThread({ id: 'other' }));
      await store.saveMessages([createTestMessage({ id: 'm1' }), createTestMessage({ id: 'm2', threadId: 'other' })]);
      expect(await store.deleteThread('thread-1')).toBe(true);
      expect(await store.deleteThread('thread-1')).toBe(false);
      expect(await store.getThread('thread-1')).toBeNull();
      expect(await store.getMessages(['m1', 'm2'])).toHaveLength(1);
      expect(await store.listMessages({ threadId: 'thread-1' })).toEqual([]);
    });

    /** 300 filler messages whose words are all common, then `extra`; returns the store's search, or undefined. */
    const searchable = async (extra: StorageMessage[]): Promise<MemoryStore['searchMessages']> => {
      if (!store.searchMessages) {
        if (options.search === false) return undefined;
        throw new Error(`${name} has no searchMessages: implement it, or pass { search: false } to describeMemoryStore`);
      }
      await store.saveThread(createTestThread());
      await store.saveThread(createTestThread({ id: 'thread-2' }));
      await store.saveThread(createTestThread({ id: 'thread-3', resourceId: 'user-2' }));
      const filler = Array.from({ length: 300 }, (_, index) =>
        createTestMessage({ id: `f${String(index).padStart(3, '0')}`, role: index % 2 ? 'assistant' : 'user', content: 'we talked about the weather again', createdAt: at(index) }),
      );
      await store.saveMessages([...filler, ...extra]);
      return store.searchMessages.bind(store);
    };

    test('searchMessages ranks messages by their rare words: more and rarer words first, then the newest', async () => {
      const search = await searchable([
        createTestMessage({ id: 'zebra', content: 'my cat is called Zebrafish', createdAt: at(400) }),
        createTestMessage({ id: 'both', content: [{ type: 'text', text: 'zebrafish and quokka' }], createdAt: at(401) }),
        createTestMessage({ id: 'quokka-old', role: 'assistant', content: 'a quokka smiles', createdAt: at(402) }),
        createTestMessage({ id: 'quokka-new', content: 'the quokka again', createdAt: at(403) }),
      ]);
      if (!search) return;
      const hits = await search({ terms: searchTerms('Does the zebrafish like the QUOKKA?'), limit: 10 });
      expect(hits.map((hit) => hit.id)).toEqual(['both', 'zebra', 'quokka-new', 'quokka-old']);
      expect(hits[0]).toMatchObject({ id: 'both', threadId: 'thread-1', resourceId: 'user-1', createdAt: at(401) });
      expect([...hits[0]!.matched].sort()).toEqual(['quokka', 'zebrafish']);
      expect(hits[1]!.matched).toEqual(['zebrafish']);
      // zebrafish (in 2 messages) outweighs quokka (in 3); both outweigh either
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      expect(hits[1]!.score).toBeGreaterThan(hits[2]!.score);
      expect(hits[2]!.score).toBe(hits[3]!.score);
      expect((await search({ terms: ['quokka', 'zebrafish'], limit: 2 })).map((hit) => hit.id)).toEqual(['both', 'zebra']);
      expect(await search({ terms: ['nowhere'], limit: 5 })).toEqual([]);
    });

    test('searchMessages skips common terms, bounded by maxDocumentFrequency', async () => {
      const search = await searchable([
        createTestMessage({ id: 'q1', content: 'quokka one', createdAt: at(400) }),
        createTestMessage({ id: 'q2', content: 'quokka two', createdAt: at(401) }),
        createTestMessage({ id: 'q3', content: 'quokka three', createdAt: at(402) }),
      ]);
      if (!search) return;
      // "weather" is in 300 of 303 messages: no hit, however many are asked for
      expect(await search({ terms: ['weather'], limit: 200 })).toEqual([]);
      expect((await search({ terms: ['weather', 'quokka'], limit: 200 })).map((hit) => hit.id)).toEqual(['q3', 'q2', 'q1']);
      expect((await search({ terms: ['quokka', 'two'], limit: 5, maxDocumentFrequency: 2 })).map((hit) => hit.id)).toEqual(['q2']);
    });

    test('searchMessages scopes by thread and by resource', async () => {
      const search = await searchable([
        createTestMessage({ id: 'in-1', content: 'platypus here', createdAt: at(400) }),
        createTestMessage({ id: 'in-2', threadId: 'thread-2', content: 'platypus there', createdAt: at(401) }),
        createTestMessage({ id: 'in-3', threadId: 'thread-3', resourceId: 'user-2', content: 'platypus elsewhere', createdAt: at(402) }),
      ]);
      if (!search) return;
      const ids = async (query: { threadId?: string; resourceId?: string }) => (await search({ terms: ['platypus'], limit: 10, ...query })).map((hit) => hit.id);
      expect(await ids({})).toEqual(['in-3', 'in-2', 'in-1']);
      expect(await ids({ threadId: 'thread-2' })).toEqual(['in-2']);
      expect(await ids({ resourceId: 'user-1' })).toEqual(['in-2', 'in-1']);
      expect(await ids({ resourceId: 'user-2', threadId: 'thread-1' })).toEqual([]);
    });

    test('searchMessages follows re-saves, deletes and failed batches', async () => {
      const search = await searchable([
        createTestMessage({ id: 'edited', content: 'about the axolotl', createdAt: at(400) }),
        createTestMessage({ id: 'deleted', content: 'about the axolotl too', createdAt: at(401) }),
        createTestMessage({ id: 'other-thread', threadId: 'thread-2', content: 'the axolotl once more', createdAt: at(402) }),
      ]);
      if (!search) return;
      const ids = async (term: string) => (await search({ terms: [term], limit: 10 })).map((hit) => hit.id);
      expect(await ids('axolotl')).toEqual(['other-thread', 'deleted', 'edited']);
      // an identical re-save changes nothing; an edited one is found by its new words only
      await store.saveMessages([createTestMessage({ id: 'edited', content: 'about the axolotl', createdAt: at(400) })]);
      expect(await ids('axolotl')).toEqual(['other-thread', 'deleted', 'edited']);
      await store.saveMessages([createTestMessage({ id: 'edited', content: 'about the narwhal', createdAt: at(400) })]);
      expect(await ids('axolotl')).toEqual(['other-thread', 'deleted']);
      expect(await ids('narwhal')).toEqual(['edited']);
      await expect(store.saveMessages([createTestMessage({ id: 'new', content: 'a narwhal' }), createTestMessage({ id: 'bad', threadId: 'missing', content: 'narwhal' })])).rejects.toSatisfy(
        StorageError.isInstance,
      );
      expect(await ids('narwhal')).toEqual(['edited']);
      expect(await store.deleteMessages(['deleted'])).toBe(1);
      expect(await ids('axolotl')).toEqual(['other-thread']);
      expect(await store.deleteThread('thread-2')).toBe(true);
      expect(await ids('axolotl')).toEqual([]);
      expect(await ids('narwhal')).toEqual(['edited']);
    });

    test('searchMessages indexes user and assistant text only, folding case and Unicode forms', async () => {
      const search = await searchable([
        createTestMessage({ id: 'text', content: [{ type: 'text', text: 'Meet me at the CAFÉ' }], createdAt: at(400) }),
        createTestMessage({ id: 'system', role: 'system', content: 'café rules', createdAt: at(401) }),
        createTestMessage({
          id: 'tool',
          role: 'tool',
          content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'lookup', output: { type: 'text', value: 'café' } }],
          createdAt: at(402),
        }),
        createTestMessage({ id: 'call', role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: { q: 'café' } }], createdAt: at(403) }),
      ]);
      if (!search) return;
      // "cafe" + a combining acute accent, as some keyboards type it
      expect((await search({ terms: searchTerms('cafe\u0301'), limit: 10 })).map((hit) => hit.id)).toEqual(['text']);
    });

    test('returned objects are copies', async () => {
      await store.saveThread(createTestThread());
      const thread = (await store.getThread('thread-1'))!;
      thread.title = 'mutated';
      expect((await store.getThread('thread-1'))?.title).toBe('Hello');
    });

    test('stores resources when supported', async () => {
      if (!store.saveResource || !store.getResource) return;
      await store.saveResource({ id: 'user-1', workingMemory: '# Name\nAda', metadata: { plan: 'pro' }, createdAt: at(0), updatedAt: at(1) });
      expect(await store.getResource('user-1')).toEqual({ id: 'user-1', workingMemory: '# Name\nAda', metadata: { plan: 'pro' }, createdAt: at(0), updatedAt: at(1) });
      expect(await store.getResource('nobody')).toBeNull();
    });

    test('an aborted signal rejects', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(store.getThread('thread-1', { abortSignal: controller.signal })).rejects.toThrow();
    });
  });
}
