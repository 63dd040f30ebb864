import type { JSONObject, JSONValue } from '../shared/json-value.ts';

/** Options every store method accepts. */
export interface StoreCallOptions {
  abortSignal?: AbortSignal;
}

/** A conversation thread, owned by a resource (a user, an account, …). */
export interface StorageThread {
  id: string;
  resourceId: string;
  title?: string | undefined;
  metadata?: JSONObject | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** A stored message. `content` is the message content as JSON (a string or typed parts). */
export interface StorageMessage {
  id: string;
  threadId: string;
  resourceId?: string | undefined;
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: JSONValue;
  /** Message kind for filtering, e.g. `text`, `tool-call`. */
  type?: string | undefined;
  metadata?: JSONObject | undefined;
  /** Order within a thread is `(createdAt, id)`; core assigns both so that this is insertion order. */
  createdAt: Date;
}

/** A resource's own record: working memory and metadata scoped to a user rather than a thread. */
export interface StorageResource {
  id: string;
  workingMemory?: string | undefined;
  metadata?: JSONObject | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** A position in a thread: the `(createdAt, id)` of a message. */
export interface MessageCursor {
  createdAt: Date;
  id: string;
}

/** Query for `listMessages`. */
export interface ListMessagesQuery extends StoreCallOptions {
  threadId: string;
  /** `asc` (oldest first, default) or `desc` (newest first). */
  order?: 'asc' | 'desc';
  /** At most this many messages. */
  limit?: number;
  /** Only messages strictly before this position. */
  before?: MessageCursor;
  /** Only messages strictly after this position. */
  after?: MessageCursor;
  /** Only messages created at or after this date. */
  fromDate?: Date;
  /** Only messages created at or before this date. */
  toDate?: Date;
}

/** Query for `listThreads`. */
export interface ListThreadsQuery extends StoreCallOptions {
  resourceId?: string;
  /** Sort key (default `updatedAt`) and direction (default `desc`). */
  orderBy?: 'createdAt' | 'updatedAt';
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** Query for `searchMessages`: messages sharing rare words with a text. */
export interface SearchMessagesQuery extends StoreCallOptions {
  /** Terms to look for, cut by `searchTerms` (only the first 64 are used). */
  terms: string[];
  /** Only messages of this thread. */
  threadId?: string;
  /** Only messages of this resource. */
  resourceId?: string;
  /** At most this many hits, best first. */
  limit: number;
  /**
   * Terms in more messages than this (in the whole store) are too common to search and are skipped, which bounds a
   * search's work by `terms × maxDocumentFrequency` whatever the store holds (default 50). Terms in more than 1% of
   * the messages (and in more than two) are skipped too.
   */
  maxDocumentFrequency?: number;
}

/** A message found by `searchMessages`. */
export interface MessageSearchHit {
  id: string;
  threadId: string;
  resourceId?: string | undefined;
  createdAt: Date;
  /** Sum of the matched terms' weights (`termWeight`): higher is better. */
  score: number;
  /** The query terms the message contains. */
  matched: string[];
}

/** A page of results. */
export interface Page<T> {
  items: T[];
  total: number;
  hasMore: boolean;
}

/**
 * Threads and messages. Core validates input, assigns ids and timestamps; a store only moves rows.
 * Every write is transactional: a failed `saveMessages` leaves none of the batch behind.
 */
export interface MemoryStore {
  /** Inserts or replaces a thread by id. */
  saveThread(thread: StorageThread, options?: StoreCallOptions): Promise<StorageThread>;
  getThread(threadId: string, options?: StoreCallOptions): Promise<StorageThread | null>;
  listThreads(query: ListThreadsQuery): Promise<Page<StorageThread>>;
  /** Deletes a thread and all its messages. Returns false when it did not exist. */
  deleteThread(threadId: string, options?: StoreCallOptions): Promise<boolean>;
  /**
   * Inserts or replaces messages by id, in one transaction, and sets their threads' `updatedAt`
   * to the newest message time. Every message's thread must exist.
   */
  saveMessages(messages: StorageMessage[], options?: StoreCallOptions): Promise<void>;
  listMessages(query: ListMessagesQuery): Promise<StorageMessage[]>;
  getMessages(ids: string[], options?: StoreCallOptions): Promise<StorageMessage[]>;
  countMessages(threadId: string, options?: StoreCallOptions): Promise<number>;
  /** Deletes messages by id; returns how many existed. */
  deleteMessages(ids: string[], options?: StoreCallOptions): Promise<number>;
  /**
   * Optional: keyword search. Finds messages (user and assistant text, as `messageSearchTerms` cuts it) that contain
   * the query's rare terms, scored by the sum of their weights; ties go to the newest. The index is kept by the
   * store's own writes, in the same transaction.
   */
  searchMessages?(query: SearchMessagesQuery): Promise<MessageSearchHit[]>;
  /** Optional: resource-scoped working memory. */
  getResource?(resourceId: string, options?: StoreCallOptions): Promise<StorageResource | null>;
  saveResource?(resource: StorageResource, options?: StoreCallOptions): Promise<StorageResource>;
}
