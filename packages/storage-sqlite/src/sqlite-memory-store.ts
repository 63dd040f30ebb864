import { StorageError, throwIfAborted } from '@mastra-ts/core';
import type {
  JSONObject,
  JSONValue,
  ListMessagesQuery,
  ListThreadsQuery,
  MemoryStore,
  MessageSearchHit,
  Page,
  SearchMessagesQuery,
  StorageMessage,
  StorageResource,
  StorageThread,
  StoreCallOptions,
} from '@mastra-ts/core';
import type { Selectable } from 'kysely';
import type { SqliteConnection } from './sqlite-connection.ts';
import { maxPendingRead, SqliteMessageSearch, type PendingTerms } from './sqlite-message-search.ts';
import { chunk, fromJsonColumn, toJsonColumn } from './json-column.ts';
import { PreparedQuery, PreparedQueryVariants, slot } from './prepared-query.ts';
import type { MessageRow, ResourceRow, ThreadRow } from './sqlite-schema.ts';

const messageChunkSize = 500;
/** How long saved messages' search documents wait to share one FTS5 transaction, and how many go at once. */
const flushLingerMs = 10;
const flushAtOnce = 500;
const flushBatch = 2000;
const idChunkSize = 900;
const threadSlots = ['id', 'resource_id', 'title', 'metadata', 'created_at', 'updated_at'] as const;
const messageSlots = ['id', 'thread_id', 'resource_id', 'role', 'type', 'content', 'metadata', 'created_at'] as const;
const listAfter = 1;
const listBefore = 2;
const listFromDate = 4;
const listToDate = 8;
const listLimit = 16;
const listDescending = 32;

/** The prepared statements of the hot calls, compiled from kysely once per store. */
class MemoryStatements {
  readonly upsertThread: PreparedQuery;
  readonly selectThread: PreparedQuery;
  readonly upsertMessage: PreparedQuery;
  readonly insertNewMessage: PreparedQuery;
  readonly touchThread: PreparedQuery;
  /** `listMessages` by which cursors, date bounds, limit and order a call uses (bits `list…`). */
  readonly listMessages: PreparedQueryVariants;

  constructor(connection: SqliteConnection) {
    const { db, database } = connection;
    this.upsertThread = new PreparedQuery(
      database,
      db
        .insertInto('threads')
        .values(Object.fromEntries(threadSlots.map((column) => [column, slot(column)])) as unknown as ThreadRow)
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            resource_id: eb.ref('excluded.resource_id'),
            title: eb.ref('excluded.title'),
            metadata: eb.ref('excluded.metadata'),
            created_at: eb.ref('excluded.created_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        ),
      threadSlots,
    );
    this.selectThread = new PreparedQuery(database, db.selectFrom('threads').selectAll().where('id', '=', slot<string>('id')), ['id']);
    this.upsertMessage = new PreparedQuery(
      database,
      db
        .insertInto('messages')
        .values(Object.fromEntries(messageSlots.map((column) => [column, slot(column)])) as unknown as MessageRow)
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            thread_id: eb.ref('excluded.thread_id'),
            resource_id: eb.ref('excluded.resource_id'),
            role: eb.ref('excluded.role'),
            type: eb.ref('excluded.type'),
            content: eb.ref('excluded.content'),
            metadata: eb.ref('excluded.metadata'),
            created_at: eb.ref('excluded.created_at'),
          })),
        ),
      messageSlots,
    );
    // a message not stored yet, keyed for keyword search in the same statement (see SqliteMessageSearch.index)
    this.insertNewMessage = new PreparedQuery(
      database,
      db
        .insertInto('messages')
        .values({ ...Object.fromEntries(messageSlots.map((column) => [column, slot(column)])), search_key: slot('search_key'), search_hash: slot('search_hash') } as unknown as MessageRow)
        .onConflict((conflict) => conflict.column('id').doNothing()),
      [...messageSlots, 'search_key', 'search_hash'],
    );
    this.touchThread = new PreparedQuery(
      database,
      db
        .updateTable('threads')
        .set((eb) => ({ updated_at: eb.fn<number>('max', [eb.ref('updated_at'), eb.val(slot<number>('newest'))]) }))
        .where('id', '=', slot<string>('id')),
      ['newest', 'id'],
    );
    this.listMessages = new PreparedQueryVariants((variant) => {
      const slots = ['thread_id'];
      let select = db.selectFrom('messages').selectAll().where('thread_id', '=', slot<string>('thread_id'));
      if (variant & listAfter) {
        slots.push('after_created_at', 'after_id');
        select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(slot<number>('after_created_at'), slot<string>('after_id'))));
      }
      if (variant & listBefore) {
        slots.push('before_created_at', 'before_id');
        select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(slot<number>('before_created_at'), slot<string>('before_id'))));
      }
      if (variant & listFromDate) {
        slots.push('from_date');
        select = select.where('created_at', '>=', slot<number>('from_date'));
      }
      if (variant & listToDate) {
        slots.push('to_date');
        select = select.where('created_at', '<=', slot<number>('to_date'));
      }
      const direction = variant & listDescending ? 'desc' : 'asc';
      select = select.orderBy('created_at', direction).orderBy('id', direction);
      if (variant & listLimit) {
        slots.push('limit');
        select = select.limit(slot<number>('limit'));
      }
      return new PreparedQuery(database, select, slots);
    });
  }
}

/**
 * `MemoryStore` on SQLite. Messages are ordered by `(thread_id, created_at, id)`, which one index serves, so reading
 * the last messages of a thread costs the same at 100 or 100,000 messages. Threads, message saves and message
 * lists run prepared statements synchronously (unless the storage was opened with `preparedStatements: false`).
 */
export class SqliteMemoryStore implements MemoryStore {
  readonly #connection: SqliteConnection;
  readonly #statements: MemoryStatements | undefined;
  readonly #search: SqliteMessageSearch;
  /** The running background build of the keyword index's vocabulary filter. */
  #vocabularyBuilding: Promise<void> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #optimizeEvery: number;
  readonly #optimizeUpTo: number;

  /**
   * `prefix`: the storage's table prefix (the keyword index's statements are written without kysely); `searchIndex`:
   * see `SqliteStorageSettings.searchIndex`.
   */
  constructor(connection: SqliteConnection, prefix = '', searchIndex: { optimizeEvery?: number; optimizeUpTo?: number; vocabularyFilter?: boolean } = {}) {
    this.#connection = connection;
    this.#optimizeEvery = searchIndex.optimizeEvery ?? 256;
    this.#optimizeUpTo = searchIndex.optimizeUpTo ?? 200_000;
    this.#search = new SqliteMessageSearch(connection.database, prefix, { vocabularyFilter: searchIndex.vocabularyFilter ?? true });
    if (connection.preparedStatements) this.#statements = new MemoryStatements(connection);
  }

  async saveThread(thread: StorageThread, options?: StoreCallOptions): Promise<StorageThread> {
    const row = threadToRow(thread);
    const statements = this.#statements;
    if (statements) {
      await this.#connection.writeNow('saveThread', options?.abortSignal, () => {
        statements.upsertThread.statement.run(row.id, row.resource_id, row.title, row.metadata, row.created_at, row.updated_at);
      });
      return rowToThread(row);
    }
    await this.#connection.write('saveThread', options?.abortSignal, async ({ db }) => {
      await db
        .insertInto('threads')
        .values(row)
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet({ resource_id: row.resource_id, title: row.title, metadata: row.metadata, created_at: row.created_at, updated_at: row.updated_at }),
        )
        .execute();
    });
    return rowToThread(row);
  }

  async getThread(threadId: string, options?: StoreCallOptions): Promise<StorageThread | null> {
    const statements = this.#statements;
    if (statements) {
      const found = await this.#connection.readNow('getThread', options?.abortSignal, () => statements.selectThread.statement.get(threadId) as ThreadRow | undefined);
      return found ? rowToThread(found) : null;
    }
    const row = await this.#connection.read('getThread', options?.abortSignal, (db) => db.selectFrom('threads').selectAll().where('id', '=', threadId).executeTakeFirst());
    return row ? rowToThread(row) : null;
  }

  async listThreads(query: ListThreadsQuery): Promise<Page<StorageThread>> {
    const column = query.orderBy === 'createdAt' ? 'created_at' : 'updated_at';
    const direction = query.order === 'asc' ? 'asc' : 'desc';
    const offset = query.offset ?? 0;
    return this.#connection.read('listThreads', query.abortSignal, async (db) => {
      let base = db.selectFrom('threads');
      if (query.resourceId !== undefined) base = base.where('resource_id', '=', query.resourceId);
      let select = base.selectAll().orderBy(column, direction).orderBy('id', direction);
      if (query.limit !== undefined) select = select.limit(query.limit).offset(offset);
      else if (offset > 0) select = select.limit(-1).offset(offset);
      const rows = await select.execute();
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      return { items: rows.map(rowToThread), total, hasMore: offset + rows.length < total };
    });
  }

  async deleteThread(threadId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.#connection.write('deleteThread', options?.abortSignal, async ({ db }) => {
      await db.deleteFrom('messages').where('thread_id', '=', threadId).execute();
      const result = await db.deleteFrom('threads').where('id', '=', threadId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  async saveMessages(messages: StorageMessage[], options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    if (messages.length === 0) return;
    const newestByThread = new Map<string, number>();
    for (const message of messages) {
      const time = message.createdAt.getTime();
      newestByThread.set(message.threadId, Math.max(newestByThread.get(message.threadId) ?? Number.NEGATIVE_INFINITY, time));
    }
    const statements = this.#statements;
    if (statements) {
      const pending = await this.#connection.writeNow('saveMessages', options?.abortSignal, (abortSignal) => {
        // touching the thread checks that it exists (an update of no row), one statement instead of two
        const touch = statements.touchThread.statement;
        for (const [threadId, newest] of newestByThread) {
          if (touch.run(newest, threadId).changes === 0) throw missingThread(messages.find((message) => message.threadId === threadId)!);
        }
        const insertNew = statements.insertNewMessage.statement;
        const upsert = statements.upsertMessage.statement;
        let saved = 0;
        const pending = this.#search.index(messages, (message, searchKey, searchHash) => {
          if (saved++ % messageChunkSize === 0) throwIfAborted(abortSignal);
          const row = [
            message.id,
            message.threadId,
            message.resourceId ?? null,
            message.role,
            message.type ?? null,
            JSON.stringify(message.content),
            toJsonColumn(message.metadata),
            message.createdAt.getTime(),
          ];
          if (insertNew.run(...row, searchKey, searchHash).changes > 0) return true;
          upsert.run(...row);
          return false;
        });
        throwIfAborted(abortSignal);
        return pending;
      });
      this.#afterSave(pending);
      return;
    }
    const pending = await this.#connection.write('saveMessages', options?.abortSignal, async ({ db, checkAborted }) => {
      const threadIds = [...newestByThread.keys()];
      const existing = new Set<string>();
      for (const ids of chunk(threadIds, idChunkSize)) {
        for (const row of await db.selectFrom('threads').select('id').where('id', 'in', ids).execute()) existing.add(row.id);
      }
      const missing = messages.find((message) => !existing.has(message.threadId));
      if (missing) throw missingThread(missing);
      for (const batch of chunk(messages, messageChunkSize)) {
        checkAborted();
        await db
          .insertInto('messages')
          .values(batch.map(messageToRow))
          .onConflict((conflict) =>
            conflict.column('id').doUpdateSet((eb) => ({
              thread_id: eb.ref('excluded.thread_id'),
              resource_id: eb.ref('excluded.resource_id'),
              role: eb.ref('excluded.role'),
              type: eb.ref('excluded.type'),
              content: eb.ref('excluded.content'),
              metadata: eb.ref('excluded.metadata'),
              created_at: eb.ref('excluded.created_at'),
            })),
          )
          .execute();
      }
      for (const [threadId, newest] of newestByThread) {
        await db
          .updateTable('threads')
          .set((eb) => ({ updated_at: eb.fn<number>('max', [eb.ref('updated_at'), eb.val(newest)]) }))
          .where('id', '=', threadId)
          .execute();
      }
      checkAborted();
      // kysely runs on this connection, inside this transaction: the index's synchronous statements join it
      return this.#search.index(messages);
    });
    this.#afterSave(pending);
  }

  /** After a save committed: remembers its pending search documents and schedules their flush into FTS5. */
  #afterSave(pending: PendingTerms): void {
    if (pending.size === 0) return;
    this.#search.committed(pending);
    this.#scheduleFlush(this.#search.pendingCount >= flushAtOnce ? 0 : flushLingerMs);
  }

  #scheduleFlush(delayMs: number): void {
    if (this.#closed || (this.#flushTimer !== undefined && delayMs > 0)) return;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      // a failed flush loses nothing (pending documents are committed rows, and searches read them); the next save retries
      this.flushSearchIndex().catch(() => undefined);
    }, delayMs);
    this.#flushTimer.unref?.();
  }

  /**
   * Moves the pending keyword-search documents into FTS5 now (saves do it on their own, in batches, about 10 ms
   * later). Searches see pending documents either way; this only makes them cheaper.
   */
  async flushSearchIndex(): Promise<void> {
    // every process's flushes count toward the merge (the shared stats row), read in the flush's own transaction
    const due = (): boolean => this.#search.mergeDue(this.#optimizeEvery, this.#optimizeUpTo);
    let mergeDue = false;
    for (;;) {
      const [moved, dueNow] = await this.#connection.writeNow('flushSearchIndex', undefined, () => {
        const count = this.#search.flush(flushBatch);
        return [count, count > 0 && due()] as const;
      });
      this.#search.flushed(moved === 0);
      mergeDue ||= dueNow;
      if (moved < flushBatch) break;
    }
    // checked again in the merge's write: two processes crossing the mark together merge once
    if (mergeDue) {
      await this.#connection.writeNow('optimizeSearchIndex', undefined, () => {
        if (due()) this.#search.optimize();
      });
    }
  }

  /**
   * Flushes the keyword index and merges FTS5's segments into one: each flush adds a segment, and until FTS5 merges
   * them a word's lookup visits several (48–62 µs per uncommon word at 50,000 messages flushed in 2,500 batches, 19–29
   * µs after this). The store does it on its own every `searchIndex.optimizeEvery` flushes up to
   * `searchIndex.optimizeUpTo` messages; above that, call this when it suits you, like `VACUUM`: it rewrites the index
   * in one write transaction, so other writes wait for it (37 ms for 50,000 short messages here).
   */
  async optimizeSearchIndex(): Promise<void> {
    await this.flushSearchIndex();
    await this.#connection.writeNow('optimizeSearchIndex', undefined, () => this.#search.optimize());
  }

  /** Stops the background flush (the storage's `dispose()` calls this); pending documents stay for the next process. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
  }

  async listMessages(query: ListMessagesQuery): Promise<StorageMessage[]> {
    const descending = query.order === 'desc';
    const statements = this.#statements;
    if (statements) {
      return this.#connection.readNow('listMessages', query.abortSignal, () => {
        const { after, before, fromDate, toDate, limit } = query;
        const values: unknown[] = [query.threadId];
        let variant = descending ? listDescending : 0;
        if (after) {
          values.push(after.createdAt.getTime(), after.id);
          variant |= listAfter;
        }
        if (before) {
          values.push(before.createdAt.getTime(), before.id);
          variant |= listBefore;
        }
        if (fromDate) {
          values.push(fromDate.getTime());
          variant |= listFromDate;
        }
        if (toDate) {
          values.push(toDate.getTime());
          variant |= listToDate;
        }
        if (limit !== undefined) {
          values.push(limit);
          variant |= listLimit;
        }
        return (statements.listMessages.statement(variant).all(values) as MessageRow[]).map(rowToMessage);
      });
    }
    return this.#connection.read('listMessages', query.abortSignal, async (db) => {
      let select = db.selectFrom('messages').selectAll().where('thread_id', '=', query.threadId);
      if (query.after) {
        const { createdAt, id } = query.after;
        select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(createdAt.getTime(), id)));
      }
      if (query.before) {
        const { createdAt, id } = query.before;
        select = select.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(createdAt.getTime(), id)));
      }
      if (query.fromDate) select = select.where('created_at', '>=', query.fromDate.getTime());
      if (query.toDate) select = select.where('created_at', '<=', query.toDate.getTime());
      const direction = descending ? 'desc' : 'asc';
      select = select.orderBy('created_at', direction).orderBy('id', direction);
      if (query.limit !== undefined) select = select.limit(query.limit);
      return (await select.execute()).map(rowToMessage);
    });
  }

  async searchMessages(query: SearchMessagesQuery): Promise<MessageSearchHit[]> {
    // many pending documents (a bulk save): moving them into FTS5 costs less than reading them all
    if (this.#search.pendingCount >= flushAtOnce) await this.flushSearchIndex();
    let result = await this.#connection.readNow('searchMessages', query.abortSignal, () => this.#search.search(query));
    if (result.pending >= maxPendingRead) {
      // more than a search reads (saved by another process, or before a restart): flush them, then search
      await this.flushSearchIndex();
      result = await this.#connection.readNow('searchMessages', query.abortSignal, () => this.#search.search(query));
    } else if (result.pending > this.#search.pendingCount) {
      // some pending from another process or from before a restart: flush them soon
      this.#scheduleFlush(flushLingerMs);
    }
    if (this.#search.vocabularyWanted) void this.#buildVocabularyLater();
    return result.hits;
  }

  /**
   * Builds the keyword index's vocabulary filter in the background, one slice per event-loop turn (see
   * `SqliteMessageSearch`): until it is complete, searches look every word up in FTS5, as without it.
   */
  #buildVocabularyLater(): Promise<void> {
    if (this.#vocabularyBuilding === undefined && !this.#closed) {
      this.#vocabularyBuilding = new Promise<void>((resolve, reject) => {
        const step = (): void => {
          if (this.#closed) return resolve();
          this.#connection.readNow('buildSearchVocabulary', undefined, () => this.#search.buildVocabulary()).then((done) => (done ? resolve() : setImmediate(step)), reject);
        };
        setImmediate(step);
      }).finally(() => (this.#vocabularyBuilding = undefined));
      // a failed slice (the database closed meanwhile) builds nothing: the next search asks again
      this.#vocabularyBuilding.catch(() => undefined);
    }
    return this.#vocabularyBuilding ?? Promise.resolve();
  }

  /** The keyword index's vocabulary filter (tokens, bytes, and the search key it covers), or undefined while it has none. */
  get searchVocabulary(): { tokens: number; bytes: number; through: number } | undefined {
    return this.#search.vocabularyStats;
  }

  /**
   * Resolves once the vocabulary filter is built, building it now if none is (for tests and benchmarks); rejects with
   * the build's error (a `StorageError`) when a slice fails.
   */
  async whenSearchVocabularyBuilt(): Promise<void> {
    while (!this.#closed && (this.#vocabularyBuilding !== undefined || this.#search.vocabularyWanted)) await this.#buildVocabularyLater();
  }

  async getMessages(ids: string[], options?: StoreCallOptions): Promise<StorageMessage[]> {
    return this.#connection.read('getMessages', options?.abortSignal, async (db) => {
      const found: StorageMessage[] = [];
      for (const batch of chunk([...new Set(ids)], idChunkSize)) {
        for (const row of await db.selectFrom('messages').selectAll().where('id', 'in', batch).execute()) found.push(rowToMessage(row));
      }
      return found.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    });
  }

  async countMessages(threadId: string, options?: StoreCallOptions): Promise<number> {
    return this.#connection.read('countMessages', options?.abortSignal, async (db) => {
      const row = await db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('thread_id', '=', threadId)
        .executeTakeFirstOrThrow();
      return row.count;
    });
  }

  async deleteMessages(ids: string[], options?: StoreCallOptions): Promise<number> {
    return this.#connection.write('deleteMessages', options?.abortSignal, async ({ db }) => {
      let count = 0;
      for (const batch of chunk([...new Set(ids)], idChunkSize)) {
        const result = await db.deleteFrom('messages').where('id', 'in', batch).executeTakeFirst();
        count += Number(result.numDeletedRows);
      }
      return count;
    });
  }

  async getResource(resourceId: string, options?: StoreCallOptions): Promise<StorageResource | null> {
    const row = await this.#connection.read('getResource', options?.abortSignal, (db) => db.selectFrom('resources').selectAll().where('id', '=', resourceId).executeTakeFirst());
    return row ? rowToResource(row) : null;
  }

  async saveResource(resource: StorageResource, options?: StoreCallOptions): Promise<StorageResource> {
    const row: ResourceRow = {
      id: resource.id,
      working_memory: resource.workingMemory ?? null,
      metadata: toJsonColumn(resource.metadata),
      created_at: resource.createdAt.getTime(),
      updated_at: resource.updatedAt.getTime(),
    };
    await this.#connection.write('saveResource', options?.abortSignal, async ({ db }) => {
      await db
        .insertInto('resources')
        .values(row)
        .onConflict((conflict) => conflict.column('id').doUpdateSet({ working_memory: row.working_memory, metadata: row.metadata, created_at: row.created_at, updated_at: row.updated_at }))
        .execute();
    });
    return rowToResource(row);
  }
}

function missingThread(message: StorageMessage): StorageError {
  return new StorageError({ store: 'sqlite', operation: 'saveMessages', message: `thread "${message.threadId}" of message "${message.id}" does not exist: save the thread first` });
}

function threadToRow(thread: StorageThread): ThreadRow {
  return {
    id: thread.id,
    resource_id: thread.resourceId,
    title: thread.title ?? null,
    metadata: toJsonColumn(thread.metadata),
    created_at: thread.createdAt.getTime(),
    updated_at: thread.updatedAt.getTime(),
  };
}

function rowToThread(row: Selectable<ThreadRow>): StorageThread {
  const thread: StorageThread = { id: row.id, resourceId: row.resource_id, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) };
  if (row.title !== null) thread.title = row.title;
  if (row.metadata !== null) thread.metadata = fromJsonColumn<JSONObject>(row.metadata);
  return thread;
}

function messageToRow(message: StorageMessage): MessageRow {
  return {
    id: message.id,
    thread_id: message.threadId,
    resource_id: message.resourceId ?? null,
    role: message.role,
    type: message.type ?? null,
    content: JSON.stringify(message.content),
    metadata: toJsonColumn(message.metadata),
    created_at: message.createdAt.getTime(),
  };
}

function rowToMessage(row: Selectable<MessageRow>): StorageMessage {
  const message: StorageMessage = {
    id: row.id,
    threadId: row.thread_id,
    role: row.role as StorageMessage['role'],
    content: JSON.parse(row.content) as JSONValue,
    createdAt: new Date(row.created_at),
  };
  if (row.resource_id !== null) message.resourceId = row.resource_id;
  if (row.type !== null) message.type = row.type;
  if (row.metadata !== null) message.metadata = fromJsonColumn<JSONObject>(row.metadata);
  return message;
}

function rowToResource(row: Selectable<ResourceRow>): StorageResource {
  const resource: StorageResource = { id: row.id, createdAt: new Date(row.created_at), updatedAt: new Date(row.updated_at) };
  if (row.working_memory !== null) resource.workingMemory = row.working_memory;
  if (row.metadata !== null) resource.metadata = fromJsonColumn<JSONObject>(row.metadata);
  return resource;
}
