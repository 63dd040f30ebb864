import { createTestMessage, createTestThread } from '@mastra-ts/conformance';
import { searchTerms, type StorageMessage } from '@mastra-ts/core';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStorage } from './create-sqlite-storage.ts';
import { searchToken } from './search-tokens.ts';
import { vocabularySlice } from './sqlite-message-search.ts';
import { queryPlan, recordPrepared, TestStorages } from './test-storage.ts';

const storages = new TestStorages();
afterEach(() => storages.cleanup());

const base = Date.UTC(2026, 0, 1);
const chatter = (count: number, threadId = 'thread-1'): StorageMessage[] =>
  Array.from({ length: count }, (_, index) =>
    createTestMessage({ id: `${threadId}-c${String(index).padStart(5, '0')}`, threadId, content: `we talked about the weather again ${index % 7}`, createdAt: new Date(base + index * 1000) }),
  );
const ids = (hits: Array<{ id: string }>): string[] => hits.map((hit) => hit.id);

/** A store on `file` holding a thread of `count` chatter messages and one message `fact` saying `text`, all flushed into FTS5. */
async function openWithFact(file: string, count: number, text: string): Promise<SqliteStorage> {
  const storage = await storages.open({ path: file });
  await storage.memory.saveThread(createTestThread());
  await storage.memory.saveMessages([...chatter(count), createTestMessage({ id: 'fact', content: text, createdAt: new Date(base + 999_000) })]);
  await storage.memory.flushSearchIndex();
  return storage;
}

/** Drops what migration 0003 made, as a database written by the previous version would be. */
function downgradeToBeforeSearch(file: string, prefix = ''): void {
  const database = new Database(file);
  database.exec(
    `drop trigger "${prefix}messages_search_delete"; drop table "${prefix}message_search_tokens"; drop table "${prefix}message_search_stats"; ` +
      `drop index "${prefix}messages_search_key"; alter table "${prefix}messages" drop column search_key; alter table "${prefix}messages" drop column search_hash;`,
  );
  database.prepare(`delete from "${prefix}kysely_migration" where name in ('0003-message-search', '0004-message-search-counters', '0005-message-search-edits')`).run();
  database.close();
}

describe('SQLite keyword index', () => {
  it('a database from before the index gets its messages indexed by the migration', async () => {
    for (const prefix of ['', 'app_']) {
      const file = storages.file();
      const old = await storages.open({ path: file, tablePrefix: prefix });
      await old.memory.saveThread(createTestThread());
      await old.memory.saveMessages([
        ...chatter(300),
        createTestMessage({ id: 'fact', content: [{ type: 'text', text: 'My locker code is Zanzibar' }], createdAt: new Date(base + 900_000) }),
        createTestMessage({ id: 'tool', role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', toolName: 't', output: { type: 'text', value: 'zanzibar' } }], createdAt: new Date(base + 900_001) }),
      ]);
      await old.dispose();
      downgradeToBeforeSearch(file, prefix);

      const upgraded = await storages.open({ path: file, tablePrefix: prefix });
      expect(ids(await upgraded.memory.searchMessages!({ terms: searchTerms('what is the locker code? zanzibar?'), limit: 5 }))).toEqual(['fact']);
      // the counts carried over: "weather" is in 300 of 301 indexed messages, too common to search
      expect(await upgraded.memory.searchMessages!({ terms: ['weather'], limit: 5 })).toEqual([]);
      const database = new Database(file, { readonly: true });
      expect(database.prepare(`select documents from "${prefix}message_search_stats"`).pluck().get()).toBe(301);
      database.close();
      // and the index follows later writes
      await upgraded.memory.deleteMessages(['fact']);
      expect(await upgraded.memory.searchMessages!({ terms: ['zanzibar'], limit: 5 })).toEqual([]);
    }
  });

  it('searches see saved messages before and after their tokens reach FTS5, also ones a closed process left pending', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file });
    await first.memory.saveThread(createTestThread());
    await first.memory.saveMessages([...chatter(300), createTestMessage({ id: 'otter', content: 'the otter is called Pip', createdAt: new Date(base + 999_000) })]);
    const database = new Database(file, { readonly: true });
    const inFts = (term: string): number => database.prepare('select count(*) from message_search_tokens where message_search_tokens match ?').pluck().get(searchToken(term)) as number;
    const search = (storage: SqliteStorage, term: string) => storage.memory.searchMessages!({ terms: [term], limit: 5 });
    // pending: found from the saving process's memory
    expect(inFts('otter')).toBe(0);
    expect(ids(await search(first, 'otter'))).toEqual(['otter']);
    await first.memory.flushSearchIndex();
    expect(inFts('otter')).toBe(1);
    expect(ids(await search(first, 'otter'))).toEqual(['otter']);
    // an edit of a flushed message rewrites its tokens at once
    await first.memory.saveMessages([createTestMessage({ id: 'otter', content: 'the beaver is called Pip', createdAt: new Date(base + 999_000) })]);
    expect([inFts('otter'), inFts('beaver')]).toEqual([0, 1]);
    // pending when the process stops: another one finds them from the messages, and flushes them
    await first.memory.saveMessages([createTestMessage({ id: 'heron', content: 'a heron named Blue', createdAt: new Date(base + 999_001) })]);
    await first.dispose();
    const second = await storages.open({ path: file });
    expect(inFts('heron')).toBe(0);
    expect(ids(await search(second, 'heron'))).toEqual(['heron']);
    await second.memory.flushSearchIndex();
    expect(inFts('heron')).toBe(1);
    expect(ids(await search(second, 'beaver'))).toEqual(['otter']);
    expect(await search(second, 'otter')).toEqual([]);
    database.close();
  });

  it('two connections to one file (as two processes) find each other\'s pending messages and flush them once', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file });
    const second = await storages.open({ path: file });
    await first.memory.saveThread(createTestThread());
    await first.memory.saveMessages([...chatter(300), createTestMessage({ id: 'lynx', content: 'the lynx is called Mira', createdAt: new Date(base + 999_000) })]);
    const search = async (storage: SqliteStorage) => ids(await storage.memory.searchMessages!({ terms: ['lynx', 'mira'], limit: 5 }));
    // pending in the first connection's memory: the second reads the message itself
    expect(await search(second)).toEqual(['lynx']);
    await second.memory.flushSearchIndex();
    // flushed by the second: the first finds it in FTS5 once, not also as pending
    const hits = await first.memory.searchMessages!({ terms: ['lynx', 'mira'], limit: 5 });
    expect(hits.map((hit) => [hit.id, [...hit.matched].sort()])).toEqual([['lynx', ['lynx', 'mira']]]);
    await first.memory.flushSearchIndex();
    expect(await search(first)).toEqual(['lynx']);
    // deleted through the second: gone for both
    await second.memory.deleteMessages(['lynx']);
    expect([await search(first), await search(second)]).toEqual([[], []]);
  });

  it('a message another connection edits before this one flushes it is searched and indexed with its new words', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file });
    const second = await storages.open({ path: file });
    await first.memory.saveThread(createTestThread());
    const search = async (storage: SqliteStorage, terms: string[]) => ids(await storage.memory.searchMessages!({ terms, limit: 5 }));
    const createdAt = new Date(base + 999_000);
    await first.memory.saveMessages([...chatter(300), createTestMessage({ id: 'pet', content: 'the lynx is called Mira', createdAt })]);
    // still pending, with its words in the first connection's memory, when the second replaces them: the first's next
    // search sees the new words (the edit moved `shrinks`), and so does its flush
    await second.memory.saveMessages([createTestMessage({ id: 'pet', content: 'the ocelot is called Juno', createdAt })]);
    expect(await search(first, ['ocelot', 'juno'])).toEqual(['pet']);
    expect(await search(first, ['lynx', 'mira'])).toEqual([]);
    await first.memory.flushSearchIndex();
    for (const storage of [first, second]) expect(await search(storage, ['ocelot', 'juno'])).toEqual(['pet']);

    // the same with no search in between: the flush itself notices the changed hash
    const later = new Date(base + 1_000_000);
    await first.memory.saveMessages([createTestMessage({ id: 'cat', content: 'the caracal is called Zuri', createdAt: later })]);
    await second.memory.saveMessages([createTestMessage({ id: 'cat', content: 'the serval is called Tano', createdAt: later })]);
    await first.memory.flushSearchIndex();
    for (const storage of [first, second]) {
      expect(await search(storage, ['serval', 'tano'])).toEqual(['cat']);
      expect(await search(storage, ['caracal', 'zuri'])).toEqual([]);
    }
  });

  it('optimizeSearchIndex merges FTS5 segments and keeps every search result', async () => {
    const file = storages.file();
    const storage = await storages.open({ path: file });
    await storage.memory.saveThread(createTestThread());
    for (let batch = 0; batch < 20; batch++) {
      await storage.memory.saveMessages(
        Array.from({ length: 10 }, (_, index) => createTestMessage({ id: `b${batch}-${index}`, content: `entry number${batch * 10 + index} about the weather`, createdAt: new Date(base + batch * 100 + index) })),
      );
      await storage.memory.flushSearchIndex();
    }
    const database = new Database(file, { readonly: true });
    const dataRows = (): number => database.prepare('select count(*) from message_search_tokens_data').pluck().get() as number;
    const before = dataRows();
    const search = async () => ids(await storage.memory.searchMessages!({ terms: ['number7', 'number42', 'number199'], limit: 5 }));
    const found = await search();
    expect(found.sort()).toEqual(['b0-7', 'b19-9', 'b4-2']);
    await storage.memory.optimizeSearchIndex();
    expect(dataRows()).toBeLessThan(before);
    expect((await search()).sort()).toEqual(found.sort());
    database.close();
  });

  it('merges FTS5 segments on its own every optimizeEvery flushes, up to optimizeUpTo messages', async () => {
    const segmentRows = async (searchIndex: { optimizeEvery: number; optimizeUpTo?: number }): Promise<number> => {
      const file = storages.file();
      const storage = await storages.open({ path: file, searchIndex });
      await storage.memory.saveThread(createTestThread());
      for (let batch = 0; batch < 24; batch++) {
        await storage.memory.saveMessages([createTestMessage({ id: `b${batch}`, content: `entry number${batch}`, createdAt: new Date(base + batch) })]);
        await storage.memory.flushSearchIndex();
      }
      expect(ids(await storage.memory.searchMessages!({ terms: ['number3'], limit: 5 }))).toEqual(['b3']);
      const database = new Database(file, { readonly: true });
      // one structure row, and per segment at least one leaf and its index entry: fewer rows, fewer segments
      const rows = (database.prepare('select count(*) from message_search_tokens_data').pluck().get() as number) + (database.prepare('select count(*) from message_search_tokens_idx').pluck().get() as number);
      database.close();
      return rows;
    };
    const never = await segmentRows({ optimizeEvery: 0 });
    expect(await segmentRows({ optimizeEvery: 8 })).toBeLessThan(never);
    expect(await segmentRows({ optimizeEvery: 8, optimizeUpTo: 5 })).toBe(never);
  });

  it('counts every connection\'s flushes toward the automatic merge, and merges once', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file, searchIndex: { optimizeEvery: 10 } });
    const second = await storages.open({ path: file, searchIndex: { optimizeEvery: 10 } });
    await first.memory.saveThread(createTestThread());
    const database = new Database(file, { readonly: true });
    const flushes = (): number => database.prepare('select flushes from message_search_stats').pluck().get() as number;
    // six flushes each, taking turns: the shared count reaches 10 on the tenth, whoever makes it
    for (let batch = 0; batch < 12; batch++) {
      const storage = batch % 2 === 0 ? first : second;
      await storage.memory.saveMessages([createTestMessage({ id: `b${batch}`, content: `entry number${batch}`, createdAt: new Date(base + batch) })]);
      await storage.memory.flushSearchIndex();
      expect({ batch, flushes: flushes() }).toEqual({ batch, flushes: batch < 9 ? batch + 1 : batch - 9 });
    }
    expect(ids(await second.memory.searchMessages!({ terms: ['number4'], limit: 5 }))).toEqual(['b4']);
    database.close();
  });

  it('survives VACUUM (tokens point at a search key column, not at rowids VACUUM may renumber)', async () => {
    const file = storages.file();
    const storage = await storages.open({ path: file });
    await storage.memory.saveThread(createTestThread());
    await storage.memory.saveMessages([...chatter(200), createTestMessage({ id: 'fact', content: 'the spare key is under the gnome', createdAt: new Date(base + 999_000) })]);
    await storage.memory.deleteMessages(chatter(200).filter((_, index) => index % 2 === 0).map((message) => message.id));
    await storage.dispose();
    const database = new Database(file);
    database.exec('vacuum');
    database.close();
    const reopened = await storages.open({ path: file });
    expect(ids(await reopened.memory.searchMessages!({ terms: searchTerms('where is the gnome'), limit: 3 }))).toEqual(['fact']);
  });

  it('a term too common to search becomes searchable again once deletes or edits make it rare', async () => {
    const storage = await storages.open();
    await storage.memory.saveThread(createTestThread());
    const geckos = Array.from({ length: 150 }, (_, index) => createTestMessage({ id: `g${index}`, content: `gecko ${index}`, createdAt: new Date(base + 999_000 + index) }));
    await storage.memory.saveMessages([...chatter(400), ...geckos]);
    const search = () => storage.memory.searchMessages!({ terms: ['gecko'], limit: 10 });
    expect(await search()).toEqual([]);
    expect(await search()).toEqual([]);
    // a search running while the delete is queued still sees the old counts; the delete's commit must forget them
    const deleting = storage.memory.deleteMessages(geckos.slice(0, 147).map((message) => message.id));
    expect(await search()).toEqual([]);
    await deleting;
    expect(ids(await search())).toEqual(['g149', 'g148', 'g147']);
    await storage.memory.saveMessages(geckos.slice(0, 147));
    expect(await search()).toEqual([]);
    await storage.memory.saveMessages(geckos.slice(0, 148).map((message) => ({ ...message, content: 'lizard' })));
    expect(ids(await search())).toEqual(['g149', 'g148']);
  });

  it('a word made rare by another connection\'s deletes and edits is searchable again here', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file });
    const second = await storages.open({ path: file });
    await first.memory.saveThread(createTestThread());
    const geckos = Array.from({ length: 150 }, (_, index) => createTestMessage({ id: `g${index}`, content: `gecko ${index}`, createdAt: new Date(base + 999_000 + index) }));
    await first.memory.saveMessages([...chatter(400), ...geckos]);
    await first.memory.flushSearchIndex();
    const search = (storage: SqliteStorage) => storage.memory.searchMessages!({ terms: ['gecko'], limit: 10 });
    // too common: the first connection remembers that and stops asking FTS5
    expect(await search(first)).toEqual([]);
    expect(await search(first)).toEqual([]);
    await second.memory.deleteMessages(geckos.slice(0, 147).map((message) => message.id));
    expect(ids(await search(first))).toEqual(['g149', 'g148', 'g147']);
    // common again, then edits by the second connection (words replaced) make it rare again
    await second.memory.saveMessages(geckos.slice(0, 147));
    await second.memory.flushSearchIndex();
    expect(await search(first)).toEqual([]);
    await second.memory.saveMessages(geckos.slice(0, 148).map((message) => ({ ...message, content: 'lizard' })));
    expect(ids(await search(first))).toEqual(['g149', 'g148']);
    const database = new Database(file, { readonly: true });
    // one per deleted message, one per edited one
    expect(database.prepare('select shrinks from message_search_stats').pluck().get()).toBe(147 + 148);
    database.close();
  });

  it('a database at migration 0003 gets the counters and the counting trigger from 0004, its index intact', async () => {
    const file = storages.file();
    await (await openWithFact(file, 50, 'the quokka sleeps')).dispose();
    // undo 0005 and 0004 as the previous versions' schema had it
    const database = new Database(file);
    database.exec(
      `alter table message_search_stats drop column edits;
       drop trigger messages_search_delete; alter table message_search_stats drop column shrinks; alter table message_search_stats drop column flushes;
       create trigger messages_search_delete after delete on messages when old.search_key is not null begin
         delete from message_search_tokens where rowid = old.search_key;
         update message_search_stats set documents = documents - 1 where id = 1;
       end;`,
    );
    database.prepare(`delete from kysely_migration where name in ('0004-message-search-counters', '0005-message-search-edits')`).run();
    const reopened = await storages.open({ path: file });
    expect(ids(await reopened.memory.searchMessages!({ terms: ['quokka'], limit: 5 }))).toEqual(['fact']);
    await reopened.memory.deleteMessages(['fact', 'thread-1-c00000']);
    expect(database.prepare('select documents, shrinks, flushes, edits from message_search_stats').get()).toEqual({ documents: 49, shrinks: 2, flushes: 0, edits: 0 });
    database.close();
  });

  it('deleting a thread through the foreign-key cascade also clears its tokens', async () => {
    const file = storages.file();
    await openWithFact(file, 100, 'walrus');
    const database = new Database(file);
    database.pragma('foreign_keys = ON');
    const walrusTokens = database.prepare('select count(*) from message_search_tokens where message_search_tokens match ?').pluck();
    expect(walrusTokens.get(searchToken('walrus'))).toBe(1);
    database.prepare('delete from threads where id = ?').run('thread-1');
    expect(walrusTokens.get(searchToken('walrus'))).toBe(0);
    expect(database.prepare('select documents from message_search_stats').pluck().get()).toBe(0);
    database.close();
  });
});

describe('SQLite keyword index at scale: 30,000 messages', () => {
  const scale = new TestStorages();
  let storage: SqliteStorage;
  let database: Database.Database;
  let prepared: string[] = [];
  afterAll(() => scale.cleanup());

  beforeAll(async () => {
    database = new Database(scale.file());
    prepared = recordPrepared(database);
    storage = await scale.open({ database });
    await storage.memory.saveThread(createTestThread());
    const messages = chatter(30_000);
    messages[12_345] = createTestMessage({ id: 'fact', content: 'my passport number ends in 4417', createdAt: messages[12_345]!.createdAt });
    await storage.memory.saveMessages(messages);
    database.exec('analyze');
  }, 120_000);

  it('finds a rare word among common ones, through the FTS5 index and the search key index', async () => {
    expect(ids(await storage.memory.searchMessages!({ terms: searchTerms('what does my passport number end in?'), threadId: 'thread-1', limit: 5 }))).toEqual(['fact']);
    const plan = (source: string, parameters: unknown[]): string => queryPlan(database, source, parameters);
    const keys = prepared.find((source) => source.startsWith('select rowid from "message_search_tokens"'));
    const documents = prepared.find((source) => source.includes('cross join "messages" m'));
    const pending = prepared.find((source) => source.startsWith('select search_key from') && source.includes('search_key >'));
    expect(plan(keys!, ['t0', 1])).toMatch(/SCAN message_search_tokens VIRTUAL TABLE INDEX 0:M/);
    const documentsPlan = plan(documents!, ['[1]', 'thread-1']);
    expect(documentsPlan).toMatch(/SEARCH m USING INDEX messages_search_key \(search_key=\?\)/);
    expect(documentsPlan).not.toMatch(/SCAN m\b/);
    expect(plan(pending!, [0, 10])).toMatch(/SEARCH messages USING COVERING INDEX messages_search_key \(search_key>\?\)/);
  });
});

/** Records the token of every FTS5 lookup the stores on `database` run from now on (their `keysOf` statement). */
function recordLookups(database: Database.Database): string[] {
  const tokens: string[] = [];
  const prepare = database.prepare.bind(database);
  database.prepare = ((source: string) => {
    const statement = prepare(source);
    if (/ match \?/.test(source)) {
      const all = statement.all.bind(statement);
      statement.all = ((...parameters: unknown[]) => {
        tokens.push(parameters[0] as string);
        return all(...parameters);
      }) as typeof statement.all;
    }
    return statement;
  }) as typeof database.prepare;
  return tokens;
}

/** Two stores on one new file (as two processes); the first on a database whose FTS5 lookups are recorded. */
async function openPair(): Promise<{ database: Database.Database; lookups: string[]; first: SqliteStorage; second: SqliteStorage }> {
  const file = storages.file();
  const database = new Database(file);
  const lookups = recordLookups(database);
  const first = await storages.open({ database });
  const second = await storages.open({ path: file });
  await first.memory.saveThread(createTestThread());
  return { database, lookups, first, second };
}

describe('SQLite keyword index: the vocabulary filter', () => {
  it('skips the FTS5 lookup of a word no message holds, and finds every word saved, flushed or edited later, here or by another connection', async () => {
    const { database, lookups, first, second } = await openPair();
    await first.memory.saveMessages([...chatter(300), createTestMessage({ id: 'fact', content: 'the quokka sleeps', createdAt: new Date(base + 999_000) })]);
    await first.memory.flushSearchIndex();
    const search = async (terms: string[]) => ids(await first.memory.searchMessages!({ terms, limit: 5 }));
    const looked = async (terms: string[]) => {
      lookups.length = 0;
      const found = await search(terms);
      return { found, looked: lookups.map((token) => terms.find((term) => searchToken(term) === token)) };
    };

    // before the filter is built, every word is looked up; the search starts the build in the background
    expect(await looked(['zzyzx', 'quokka'])).toEqual({ found: ['fact'], looked: ['zzyzx', 'quokka'] });
    await first.memory.whenSearchVocabularyBuilt();
    expect(await looked(['zzyzx', 'quokka'])).toEqual({ found: ['fact'], looked: ['quokka'] });

    // saved and flushed here: its words join the filter in the flush
    await first.memory.saveMessages([createTestMessage({ id: 'numbat', content: 'the numbat digs', createdAt: new Date(base + 999_001) })]);
    expect(await looked(['numbat'])).toEqual({ found: ['numbat'], looked: [] }); // pending: read from memory, no lookup needed
    await first.memory.flushSearchIndex();
    expect(await looked(['numbat'])).toEqual({ found: ['numbat'], looked: ['numbat'] });

    // saved and flushed by the other connection: read from its message when this one's search sees the flush
    await second.memory.saveMessages([createTestMessage({ id: 'wombat', content: 'the wombat naps', createdAt: new Date(base + 999_002) })]);
    await second.memory.flushSearchIndex();
    expect(await looked(['wombat', 'zzyzx'])).toEqual({ found: ['wombat'], looked: ['wombat'] });

    // an indexed message edited here: the filter takes its new words and stays
    await first.memory.saveMessages([createTestMessage({ id: 'fact', content: 'the echidna waddles', createdAt: new Date(base + 999_000) })]);
    expect(await looked(['echidna', 'zzyzx'])).toEqual({ found: ['fact'], looked: ['echidna'] });

    // an indexed message edited by the other connection: its new word is not in the filter, so it is dropped
    await second.memory.saveMessages([createTestMessage({ id: 'fact', content: 'the platypus swims', createdAt: new Date(base + 999_000) })]);
    expect(await looked(['platypus', 'zzyzx'])).toEqual({ found: ['fact'], looked: ['platypus', 'zzyzx'] });
    expect(await search(['quokka', 'echidna'])).toEqual([]);
    await first.memory.whenSearchVocabularyBuilt();
    expect(await looked(['platypus', 'zzyzx'])).toEqual({ found: ['fact'], looked: ['platypus'] });

    // deletes leave the filter: the word's lookup runs and finds nothing
    await second.memory.deleteMessages(['numbat']);
    expect(await looked(['numbat'])).toEqual({ found: [], looked: ['numbat'] });
    expect(first.memory.searchVocabulary?.through).toBeGreaterThan(0);
    await first.dispose();
    database.close();
  });

  it('is not kept with searchIndex.vocabularyFilter: false (every word is looked up)', async () => {
    const database = new Database(storages.file());
    const lookups = recordLookups(database);
    const storage = await storages.open({ database, searchIndex: { vocabularyFilter: false } });
    await storage.memory.saveThread(createTestThread());
    await storage.memory.saveMessages([createTestMessage({ id: 'fact', content: 'the quokka sleeps' })]);
    await storage.memory.flushSearchIndex();
    for (let round = 0; round < 2; round++) {
      lookups.length = 0;
      expect(ids(await storage.memory.searchMessages!({ terms: ['zzyzx', 'quokka'], limit: 5 }))).toEqual(['fact']);
      expect(lookups).toEqual([searchToken('zzyzx'), searchToken('quokka')]);
      await storage.memory.whenSearchVocabularyBuilt();
    }
    expect(storage.memory.searchVocabulary).toBeUndefined();
    await storage.dispose();
    database.close();
  });

  it('a build that cannot read the database rejects whenSearchVocabularyBuilt with a StorageError, and searches fail alike', async () => {
    const database = new Database(storages.file());
    const storage = await storages.open({ database });
    await storage.memory.saveThread(createTestThread());
    database.close();
    await expect(storage.memory.whenSearchVocabularyBuilt()).rejects.toMatchObject({ name: 'StorageError' });
    await expect(storage.memory.searchMessages!({ terms: ['quokka'], limit: 5 })).rejects.toMatchObject({ name: 'StorageError' });
  });

  it('grows the filter when the messages hold more distinct words than their count suggests', async () => {
    const { database, lookups, first } = await openPair();
    // 40 messages of 300 words each: 12,000 distinct words, more than a filter sized for 40 messages holds
    await first.memory.saveMessages(
      Array.from({ length: 40 }, (_, message) =>
        createTestMessage({ id: `long${message}`, content: Array.from({ length: 300 }, (_, word) => `w${message}x${word}`).join(' '), createdAt: new Date(base + message) }),
      ),
    );
    await first.memory.flushSearchIndex();
    await first.memory.searchMessages!({ terms: ['start'], limit: 5 });
    await first.memory.whenSearchVocabularyBuilt();
    const vocabulary = first.memory.searchVocabulary!;
    expect(vocabulary.tokens).toBeGreaterThan(12_000 * 0.99);
    // sized for them: 10 bits per token at least
    expect(vocabulary.bytes * 8).toBeGreaterThanOrEqual(vocabulary.tokens * 10);
    lookups.length = 0;
    expect(ids(await first.memory.searchMessages!({ terms: ['w39x299', 'w39x300'], limit: 5 }))).toEqual(['long39']);
    expect(lookups).toEqual([searchToken('w39x299')]);
    await first.dispose();
    database.close();
  });

  it('rebuilds the filter when another connection flushed more documents than a search reads, and builds it in slices', async () => {
    const { database, lookups, first, second } = await openPair();
    await first.memory.saveMessages(chatter(10));
    await first.memory.searchMessages!({ terms: ['start'], limit: 5 });
    await first.memory.whenSearchVocabularyBuilt();
    // more documents than the catch-up reads, each with a word of its own (more tokens than one build slice)
    const count = vocabularySlice + 500;
    await second.memory.saveMessages(
      Array.from({ length: count }, (_, index) => createTestMessage({ id: `w${index}`, content: `word${index} appears once`, createdAt: new Date(base + 10_000 + index) })),
    );
    await second.memory.flushSearchIndex();
    lookups.length = 0;
    const probe = count - 179;
    expect(ids(await first.memory.searchMessages!({ terms: [`word${probe}`, 'zzyzx'], limit: 5 }))).toEqual([`w${probe}`]);
    // dropped rather than caught up: both were looked up
    expect(lookups).toEqual([searchToken(`word${probe}`), searchToken('zzyzx')]);
    expect(first.memory.searchVocabulary).toBeUndefined();
    await first.memory.whenSearchVocabularyBuilt();
    expect(first.memory.searchVocabulary!.tokens).toBeGreaterThan(count * 0.99);
    lookups.length = 0;
    for (const index of [0, 777, vocabularySlice - 1, vocabularySlice, count - 1]) {
      expect(ids(await first.memory.searchMessages!({ terms: [`word${index}`, `absent${index}`], limit: 5 }))).toEqual([`w${index}`]);
    }
    // every present word looked up, no absent one
    expect(lookups.length).toBe(5);
    await first.dispose();
    database.close();
  }, 60_000);
});
