import { StorageError } from '../errors/storage-error.ts';
import { throwIfAborted } from './check-abort.ts';
import { defaultMaxDocumentFrequency, isSearchableTerm, messageSearchTerms, queryTerms, rankSearchHits, termWeight, type SearchPosting } from './message-search.ts';
import type {
  ListMessagesQuery,
  ListThreadsQuery,
  MemoryStore,
  MessageCursor,
  MessageSearchHit,
  Page,
  SearchMessagesQuery,
  StorageMessage,
  StorageResource,
  StorageThread,
  StoreCallOptions,
} from './memory-store.ts';

/** Position order `(createdAt, id)`. */
export function compareMessagePosition(a: MessageCursor, b: MessageCursor): number {
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The reference `MemoryStore`: threads and messages in process memory, for tests and prototypes.
 * Each thread keeps its messages sorted, so reads cost O(log n + k).
 */
export class InMemoryMemoryStore implements MemoryStore {
  readonly #threads = new Map<string, StorageThread>();
  readonly #messagesByThread = new Map<string, ThreadMessages>();
  readonly #messagesById = new Map<string, StorageMessage>();
  readonly #resources = new Map<string, StorageResource>();
  /** Keyword index: the ids of the messages containing each term, and each indexed message's terms. */
  readonly #postings = new Map<string, Set<string>>();
  readonly #termsById = new Map<string, string[]>();

  async saveThread(thread: StorageThread, options?: StoreCallOptions): Promise<StorageThread> {
    throwIfAborted(options?.abortSignal);
    this.#threads.set(thread.id, structuredClone(thread));
    if (!this.#messagesByThread.has(thread.id)) this.#messagesByThread.set(thread.id, new ThreadMessages());
    return structuredClone(thread);
  }

  async getThread(threadId: string, options?: StoreCallOptions): Promise<StorageThread | null> {
    throwIfAborted(options?.abortSignal);
    const thread = this.#threads.get(threadId);
    return thread ? structuredClone(thread) : null;
  }

  async listThreads(query: ListThreadsQuery): Promise<Page<StorageThread>> {
    throwIfAborted(query.abortSignal);
    const key = query.orderBy ?? 'updatedAt';
    const direction = query.order === 'asc' ? 1 : -1;
    const matching = [...this.#threads.values()]
      .filter((thread) => query.resourceId === undefined || thread.resourceId === query.resourceId)
      .sort((a, b) => direction * (a[key].getTime() - b[key].getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    const offset = query.offset ?? 0;
    const items = matching.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    return { items: items.map((thread) => structuredClone(thread)), total: matching.length, hasMore: offset + items.length < matching.length };
  }

  async deleteThread(threadId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.abortSignal);
    const existed = this.#threads.delete(threadId);
    for (const message of this.#messagesByThread.get(threadId)?.messages ?? []) {
      this.#messagesById.delete(message.id);
      this.#unindex(message.id);
    }
    this.#messagesByThread.delete(threadId);
    return existed;
  }

  async saveMessages(messages: StorageMessage[], options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    for (const message of messages) {
      if (!this.#threads.has(message.threadId)) {
        throw new StorageError({
          store: 'in-memory',
          operation: 'saveMessages',
          message: `thread "${message.threadId}" of message "${message.id}" does not exist: save the thread first`,
        });
      }
    }
    for (const message of messages) {
      const copy = structuredClone(message);
      const previous = this.#messagesById.get(message.id);
      if (previous !== undefined) this.#remove(previous);
      this.#messagesByThread.get(message.threadId)!.insert(copy);
      this.#messagesById.set(message.id, copy);
      this.#index(copy);
      const thread = this.#threads.get(message.threadId)!;
      if (copy.createdAt > thread.updatedAt) thread.updatedAt = new Date(copy.createdAt);
    }
  }

  #remove(message: StorageMessage): void {
    this.#messagesByThread.get(message.threadId)?.remove(message);
    this.#unindex(message.id);
  }

  #index(message: StorageMessage): void {
    const terms = messageSearchTerms(message);
    if (terms.length === 0) return;
    this.#termsById.set(message.id, terms);
    for (const term of terms) {
      let ids = this.#postings.get(term);
      if (!ids) this.#postings.set(term, (ids = new Set()));
      ids.add(message.id);
    }
  }

  #unindex(id: string): void {
    const terms = this.#termsById.get(id);
    if (!terms) return;
    this.#termsById.delete(id);
    for (const term of terms) {
      const ids = this.#postings.get(term);
      ids?.delete(id);
      if (ids?.size === 0) this.#postings.delete(term);
    }
  }

  async searchMessages(query: SearchMessagesQuery): Promise<MessageSearchHit[]> {
    throwIfAborted(query.abortSignal);
    const documents = this.#termsById.size;
    const cap = query.maxDocumentFrequency ?? defaultMaxDocumentFrequency;
    const weights = new Map<string, number>();
    const postings: SearchPosting[] = [];
    for (const term of queryTerms(query.terms)) {
      const ids = this.#postings.get(term);
      if (!ids || !isSearchableTerm(documents, ids.size, cap)) continue;
      weights.set(term, termWeight(documents, ids.size));
      for (const id of ids) {
        const message = this.#messagesById.get(id)!;
        if (query.threadId !== undefined && message.threadId !== query.threadId) continue;
        if (query.resourceId !== undefined && message.resourceId !== query.resourceId) continue;
        postings.push({ term, id, threadId: message.threadId, resourceId: message.resourceId, createdAt: new Date(message.createdAt) });
      }
    }
    return rankSearchHits(postings, weights, query.limit);
  }

  async listMessages(query: ListMessagesQuery): Promise<StorageMessage[]> {
    throwIfAborted(query.abortSignal);
    const thread = this.#messagesByThread.get(query.threadId);
    if (!thread) return [];
    const list = thread.messages;
    let start = 0;
    let end = list.length;
    if (query.after) start = Math.max(start, thread.upperBound(query.after));
    if (query.fromDate) start = Math.max(start, thread.lowerBound({ createdAt: query.fromDate, id: '' }));
    if (query.before) end = Math.min(end, thread.lowerBound(query.before));
    if (query.toDate) end = Math.min(end, thread.upperBoundTime(query.toDate.getTime()));
    if (start >= end) return [];
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const slice =
      query.order === 'desc'
        ? list.slice(Math.max(start, end - limit), end).reverse()
        : list.slice(start, Math.min(end, start + limit));
    return slice.map((message) => structuredClone(message));
  }

  async getMessages(ids: string[], options?: StoreCallOptions): Promise<StorageMessage[]> {
    throwIfAborted(options?.abortSignal);
    const found: StorageMessage[] = [];
    for (const id of ids) {
      const message = this.#messagesById.get(id);
      if (message) found.push(structuredClone(message));
    }
    return found.sort(compareMessagePosition);
  }

  async countMessages(threadId: string, options?: StoreCallOptions): Promise<number> {
    throwIfAborted(options?.abortSignal);
    return this.#messagesByThread.get(threadId)?.messages.length ?? 0;
  }

  async deleteMessages(ids: string[], options?: StoreCallOptions): Promise<number> {
    throwIfAborted(options?.abortSignal);
    let count = 0;
    for (const id of ids) {
      const message = this.#messagesById.get(id);
      if (message === undefined) continue;
      this.#remove(message);
      this.#messagesById.delete(id);
      count++;
    }
    return count;
  }

  async getResource(resourceId: string, options?: StoreCallOptions): Promise<StorageResource | null> {
    throwIfAborted(options?.abortSignal);
    const resource = this.#resources.get(resourceId);
    return resource ? structuredClone(resource) : null;
  }

  async saveResource(resource: StorageResource, options?: StoreCallOptions): Promise<StorageResource> {
    throwIfAborted(options?.abortSignal);
    this.#resources.set(resource.id, structuredClone(resource));
    return structuredClone(resource);
  }
}

/**
 * A thread's messages in position order, with their times in a parallel array of numbers: a binary search then reads
 * one packed array instead of a message object and its `Date` per step, which matters on long threads.
 */
class ThreadMessages {
  readonly messages: StorageMessage[] = [];
  readonly #times: number[] = [];

  insert(message: StorageMessage): void {
    const index = this.upperBound(message);
    this.messages.splice(index, 0, message);
    this.#times.splice(index, 0, message.createdAt.getTime());
  }

  remove(message: StorageMessage): void {
    let index = this.lowerBound(message);
    while (index < this.messages.length && this.messages[index] !== message) index++;
    if (index < this.messages.length) {
      this.messages.splice(index, 1);
      this.#times.splice(index, 1);
    }
  }

  /** First index whose position is >= cursor. */
  lowerBound(cursor: MessageCursor): number {
    return this.#bound(cursor.createdAt.getTime(), cursor.id, false);
  }

  /** First index whose position is > cursor. */
  upperBound(cursor: MessageCursor): number {
    return this.#bound(cursor.createdAt.getTime(), cursor.id, true);
  }

  /** First index created after `time`. */
  upperBoundTime(time: number): number {
    const times = this.#times;
    let low = 0;
    let high = times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (times[middle]! <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #bound(time: number, id: string, inclusive: boolean): number {
    const times = this.#times;
    const messages = this.messages;
    let low = 0;
    let high = times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const at = times[middle]!;
      const before = at < time || (at === time && (inclusive ? messages[middle]!.id <= id : messages[middle]!.id < id));
      if (before) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
