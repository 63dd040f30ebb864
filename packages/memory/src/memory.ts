import {
  generateId,
  toJSONSchema,
  noopLogger,
  NotFoundError,
  StorageError,
  TypeValidationError,
  type AgentMemory,
  type EmbeddingModelV1,
  type JSONObject,
  type Logger,
  type MastraStorage,
  type MemoryStore,
  type MessageCursor,
  type MessageSearchHit,
  type ModelMessage,
  type StorageMessage,
  type StorageThread,
  type ToolSet,
  type VectorStore,
} from '@mastra-ts/core';
import { createLexicalEmbedder, lexicalEmbedderProvider, LocalVectorStore } from '@mastra-ts/vector';
import { runCleanup, type CleanupResult } from './cleanup.ts';
import { EmbeddingQueue, embeddingInput, type EmbeddingJob } from './embedding-queue.ts';
import { groupIntoUnits, sanitizeToolPairs, type HistoryEntry } from './history-units.ts';
import { defaultImportanceScorer } from './importance.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { GenerateTitleOptions, ImportanceScorer, MemoryMessageInput, MemoryOptions, Tokenizer, WorkingMemoryOptions } from './memory-types.ts';
import { embeddableText, messageText, messageType, toModelMessage, toStorageContent } from './message-conversion.ts';
import { resolveOptions, type ResolvedOptions } from './resolve-options.ts';
import { recalledFrame, recallMessages, renderRecalled, searchKeywords, type RecallGroup, type ScopeCoverage } from './semantic-recall.ts';
import { generateThreadTitle } from './title-generation.ts';
import { countMessageTokens, countTextTokens, estimateTokenizer, trimToBudget } from './token-budget.ts';
import { applyWorkingMemoryUpdate, createUpdateWorkingMemoryTool, defaultWorkingMemoryTemplate, updateWorkingMemoryToolName, workingMemorySystemText } from './working-memory.ts';

/** Constructor settings of `Memory`. */
export interface MemoryConfig {
  /** Where threads and messages live: a `MemoryStore`, or a storage bundle with `.memory`. */
  storage: MemoryStore | MastraStorage;
  /** Vector store for semantic recall (default: an in-process exact index of `@mastra-ts/vector`, rebuilt from the messages after a restart). */
  vector?: VectorStore;
  /** Embedding model for semantic recall (default: the local lexical embedder of `@mastra-ts/vector`). */
  embedder?: EmbeddingModelV1;
  options?: MemoryOptions;
  /** Vector index holding message embeddings (default `memory_messages`). */
  indexName?: string;
  /** Values per embedding call (default: the model's limit, capped at 64). */
  embeddingBatchSize?: number;
  /** First retry delay of a failed embedding batch in ms, doubled per failure (default 500). */
  embeddingRetryDelayMs?: number;
  /**
   * Milliseconds saved messages may wait to be embedded together (default 10): under load, one embedding call covers
   * many turns instead of one call per turn, and the vectors that rode along with recall queries are stored in one
   * upsert. `flush()` and `close()` do not wait for it.
   */
  embeddingLingerMs?: number;
  logger?: Logger;
  /** Clock, for tests. */
  now?: () => Date;
}

/** A page of threads. */
export interface ThreadPage {
  threads: StorageThread[];
  total: number;
  page: number;
  perPage: number;
  hasMore: boolean;
}

type PrepareArgs = Parameters<AgentMemory['prepare']>[0];
type SaveArgs = Parameters<AgentMemory['save']>[0];
type PrepareResult = { messages: ModelMessage[]; system?: string[] | undefined; tools?: ToolSet | undefined };

interface MemoryState {
  embeddedThrough?: { createdAt: number; id: string };
  titleGenerated?: boolean;
}

const stateKey = 'memoryState';
const workingMemoryKey = 'workingMemory';
const maxClockEntries = 10_000;
const maxQueryVectors = 256;
/** Vector indexes up to this size keep recall's scope filter (see `#planUnfiltered`). */
const smallIndex = 256;
/** Embedded messages of a thread between two writes of its durable watermark. */
const watermarkEvery = 64;
const maxUnsavedWatermarks = 1000;
/** Recalls between two reads of the vector index's size. */
const indexSizeRefresh = 256;
/** Recalls a scope seen to be narrow keeps its filter before an unfiltered query is tried again. */
const narrowScopeRetry = 64;

/** The key of a recall scope in `#narrowScopes`. */
function scopeKey(scope: 'thread' | 'resource', threadId: string, resourceId: string): string {
  return `${scope}:${scope === 'thread' ? threadId : resourceId}`;
}

/**
 * Conversation memory for agents: threads, the last messages, semantic recall, working memory,
 * importance-based cleanup and a token budget, over any `MemoryStore`.
 *
 * @example
 * const memory = new Memory({ storage: new InMemoryMemoryStore(), options: { lastMessages: 20 } });
 * const agent = new Agent({ name: 'support', instructions: '…', model, memory });
 * await agent.generate('Hi, I am Ana', { memory: { thread: 'thread-1', resource: 'user-1' } });
 */
export class Memory implements AgentMemory {
  readonly #store: MemoryStore;
  readonly #options: MemoryOptions;
  readonly #resolved: ResolvedOptions;
  readonly #vector: VectorStore;
  readonly #embedder: EmbeddingModelV1 | undefined;
  /** The embedder computes in this process (the vector package's lexical one): no request to let leave first. */
  readonly #embedsInProcess: boolean;
  readonly #indexName: string;
  readonly #queue: EmbeddingQueue | undefined;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #locks = new KeyedLock();
  readonly #identities = new WeakMap<object, { id: string; createdAt: Date; threadId: string }>();
  readonly #clock = new Map<string, number>();
  readonly #background = new Set<Promise<unknown>>();
  readonly #cleanupScheduled = new Set<string>();
  readonly #recovering = new Set<string>();
  readonly #reindexed = new Set<string>();
  readonly #knownThreads = new Map<string, string>();
  readonly #recoveryChecked = new Set<string>();
  readonly #trustedWatermarks = new Set<string>();
  #indexExisted: Promise<boolean> | undefined;
  readonly #titling = new Set<string>();
  /** Recent query embeddings by embedded text (this memory has one embedder), reused when that text is saved. */
  readonly #queryVectors = new Map<string, number[]>();
  /** Embedded positions not yet written to thread metadata, with how many messages they cover. */
  readonly #unsavedWatermarks = new Map<string, { cursor: MessageCursor; count: number }>();
  #recallTick = 0;
  #indexSize: number | undefined;
  #indexSizeTick = 0;
  /** Scopes whose unfiltered queries came back mostly out of scope, with the recall tick until which they keep their filter. */
  readonly #narrowScopes = new Map<string, number>();
  readonly #importance: ImportanceScorer;
  readonly #tokenizer: Tokenizer;

  constructor(config: MemoryConfig) {
    if (config == null || config.storage == null) {
      throw new TypeValidationError({ value: config, context: 'Memory config', issues: [{ path: ['storage'], message: 'storage is required: pass a MemoryStore such as new InMemoryMemoryStore()' }] });
    }
    this.#store = resolveStore(config.storage);
    this.#options = config.options ?? {};
    this.#resolved = resolveOptions(this.#options, undefined);
    this.#indexName = config.indexName ?? 'memory_messages';
    this.#vector = config.vector ?? new LocalVectorStore();
    this.#embedder = config.embedder ?? (this.#resolved.semanticRecall ? createLexicalEmbedder() : undefined);
    this.#embedsInProcess = this.#embedder?.provider === lexicalEmbedderProvider;
    this.#logger = config.logger ?? noopLogger;
    this.#now = config.now ?? (() => new Date());
    this.#importance = this.#options.importance ?? defaultImportanceScorer;
    const budget = this.#options.tokenBudget;
    this.#tokenizer = (typeof budget === 'object' ? budget.tokenizer : undefined) ?? estimateTokenizer;
    const workingMemory = this.#options.workingMemory;
    if (workingMemory?.enabled && workingMemory.scope === 'resource' && (!this.#store.getResource || !this.#store.saveResource)) {
      throw new TypeValidationError({
        value: workingMemory.scope,
        context: 'Memory options',
        issues: [{ path: ['workingMemory', 'scope'], message: 'scope "resource" needs a store with getResource and saveResource: use scope "thread" or a store that implements them' }],
      });
    }
    if (this.#embedder) {
      if (this.#resolved.semanticRecall) this.#indexExisted = this.#checkIndex();
      this.#queue = new EmbeddingQueue({
        ...(this.#indexExisted ? { ready: this.#indexExisted } : {}),
        embedder: this.#embedder,
        vector: this.#vector,
        indexName: this.#indexName,
        ...(config.embeddingBatchSize === undefined ? {} : { batchSize: config.embeddingBatchSize }),
        ...(config.embeddingRetryDelayMs === undefined ? {} : { retryDelayMs: config.embeddingRetryDelayMs }),
        lingerMs: config.embeddingLingerMs ?? 10,
        onBatchStored: (jobs) => this.#advanceWatermarks(jobs),
        onError: (error) => this.#logger.warn({ err: error }, 'memory: embedding batch failed; it stays queued and will be retried'),
      });
    }
  }

  /** The store threads and messages are kept in. */
  get storage(): MemoryStore {
    return this.#store;
  }

  /** The vector store holding message embeddings. */
  get vector(): VectorStore {
    return this.#vector;
  }

  /** The effective configuration as JSON (schemas as JSON Schema, functions omitted), e.g. for a server's memory config route. */
  getConfig(): JSONObject {
    const resolved = this.#resolved;
    const workingMemory = resolved.workingMemory;
    const cleanup = this.#options.cleanup;
    return {
      lastMessages: resolved.lastMessages,
      semanticRecall: resolved.semanticRecall
        ? { topK: resolved.semanticRecall.topK, messageRange: { before: resolved.semanticRecall.before, after: resolved.semanticRecall.after }, scope: resolved.semanticRecall.scope, keywords: resolved.semanticRecall.keywords ?? false, efSearch: resolved.semanticRecall.efSearch, ...(resolved.semanticRecall.minScore === undefined ? {} : { minScore: resolved.semanticRecall.minScore }) }
        : false,
      workingMemory: workingMemory
        ? {
            enabled: true,
            scope: workingMemory.scope ?? 'thread',
            ...(workingMemory.schema ? { schema: toJSONSchema(workingMemory.schema) as JSONObject } : { template: workingMemory.template ?? defaultWorkingMemoryTemplate }),
          }
        : { enabled: false },
      ...(resolved.tokenBudget === undefined ? {} : { tokenBudget: resolved.tokenBudget }),
      ...(cleanup ? { cleanup: JSON.parse(JSON.stringify(cleanup)) as JSONObject } : {}),
      generateTitle: Boolean(this.#options.generateTitle),
      ...(this.#embedder ? { embedder: `${this.#embedder.provider}/${this.#embedder.modelId}` } : {}),
    };
  }

  /** Messages saved but not yet in the vector index (waiting for their embedding, or for the batch that stores it). */
  get pendingEmbeddings(): number {
    return this.#queue?.pending ?? 0;
  }

  // ---- threads -----------------------------------------------------------------------------------

  /** Creates a thread (an id is generated when not given). */
  async createThread(args: { threadId?: string; resourceId: string; title?: string; metadata?: JSONObject; abortSignal?: AbortSignal }): Promise<StorageThread> {
    requireString(args?.resourceId, 'resourceId', 'createThread');
    const now = this.#now();
    const thread: StorageThread = {
      id: args.threadId ?? generateId(),
      resourceId: args.resourceId,
      ...(args.title === undefined ? {} : { title: args.title }),
      ...(args.metadata === undefined ? {} : { metadata: args.metadata }),
      createdAt: now,
      updatedAt: now,
    };
    return this.#store.saveThread(thread, signalOptions(args.abortSignal));
  }

  /** A thread by id, or null. */
  async getThreadById(args: { threadId: string; abortSignal?: AbortSignal }): Promise<StorageThread | null> {
    requireString(args?.threadId, 'threadId', 'getThreadById');
    return this.#store.getThread(args.threadId, signalOptions(args.abortSignal));
  }

  /** A resource's threads, a page at a time, most recently updated first by default. */
  async listThreads(args: {
    resourceId: string;
    page?: number;
    perPage?: number;
    orderBy?: 'createdAt' | 'updatedAt';
    sortDirection?: 'ASC' | 'DESC';
    abortSignal?: AbortSignal;
  }): Promise<ThreadPage> {
    requireString(args?.resourceId, 'resourceId', 'listThreads');
    const page = args.page ?? 0;
    const perPage = args.perPage ?? 20;
    if (!Number.isInteger(page) || page < 0) invalid('listThreads', ['page'], page, 'page must be an integer >= 0 (pages count from 0)');
    if (!Number.isInteger(perPage) || perPage < 1) invalid('listThreads', ['perPage'], perPage, 'perPage must be an integer >= 1');
    const result = await this.#store.listThreads({
      resourceId: args.resourceId,
      orderBy: args.orderBy ?? 'updatedAt',
      order: args.sortDirection === 'ASC' ? 'asc' : 'desc',
      limit: perPage,
      offset: page * perPage,
      ...signalOptions(args.abortSignal),
    });
    return { threads: result.items, total: result.total, page, perPage, hasMore: result.hasMore };
  }

  /** Changes a thread's title and/or metadata (metadata is merged shallowly; memory's own keys are kept). */
  async updateThread(args: { id: string; title?: string; metadata?: JSONObject; abortSignal?: AbortSignal }): Promise<StorageThread> {
    requireString(args?.id, 'id', 'updateThread');
    return this.#locks.run(args.id, async () => {
      const thread = await this.#requireThread(args.id, args.abortSignal);
      return this.#store.saveThread(
        {
          ...thread,
          ...(args.title === undefined ? {} : { title: args.title }),
          metadata: { ...thread.metadata, ...args.metadata },
          updatedAt: this.#now(),
        },
        signalOptions(args.abortSignal),
      );
    });
  }

  /** Deletes a thread with its messages and their vectors. Returns false when it did not exist. */
  async deleteThread(threadId: string, options: { abortSignal?: AbortSignal } = {}): Promise<boolean> {
    requireString(threadId, 'threadId', 'deleteThread');
    await this.#queue?.removeThread(threadId);
    const existed = await this.#locks.run(threadId, () => this.#store.deleteThread(threadId, signalOptions(options.abortSignal)));
    await this.#deleteVectors({ threadId }, options.abortSignal);
    this.#clock.delete(threadId);
    this.#unsavedWatermarks.delete(threadId);
    this.#knownThreads.delete(threadId);
    this.#recoveryChecked.delete(threadId);
    return existed;
  }

  /** Copies a thread and its messages (new ids, same order) to a new thread. */
  async cloneThread(args: {
    sourceThreadId: string;
    newThreadId?: string;
    resourceId?: string;
    title?: string;
    metadata?: JSONObject;
    /** Copy only the newest messages. */
    messageLimit?: number;
    abortSignal?: AbortSignal;
  }): Promise<{ thread: StorageThread; clonedMessages: StorageMessage[] }> {
    requireString(args?.sourceThreadId, 'sourceThreadId', 'cloneThread');
    const source = await this.#requireThread(args.sourceThreadId, args.abortSignal);
    const resourceId = args.resourceId ?? source.resourceId;
    const { [stateKey]: _state, ...sourceMetadata } = source.metadata ?? {};
    const thread = await this.createThread({
      ...(args.newThreadId === undefined ? {} : { threadId: args.newThreadId }),
      resourceId,
      ...(args.title ?? source.title ? { title: (args.title ?? source.title)! } : {}),
      metadata: { ...sourceMetadata, ...args.metadata, clone: { sourceThreadId: source.id, clonedAt: this.#now().toISOString() } },
      ...signalOptions(args.abortSignal),
    });
    const messages =
      args.messageLimit === undefined
        ? await this.#readAll(source.id, args.abortSignal)
        : (await this.#store.listMessages({ threadId: source.id, order: 'desc', limit: args.messageLimit, ...signalOptions(args.abortSignal) })).reverse();
    const clonedMessages = messages.map((message) => ({ ...message, id: generateId(), threadId: thread.id, resourceId }));
    if (clonedMessages.length > 0) {
      await this.#store.saveMessages(clonedMessages, signalOptions(args.abortSignal));
      this.#clock.set(thread.id, clonedMessages[clonedMessages.length - 1]!.createdAt.getTime());
      this.#enqueueEmbeddings(clonedMessages, { previousAt: undefined });
    }
    return { thread: (await this.#store.getThread(thread.id)) ?? thread, clonedMessages };
  }

  // ---- messages ----------------------------------------------------------------------------------

  /**
   * Saves messages to a thread (created when missing). Ids and times are assigned when absent, strictly
   * increasing within the thread; saving a message with a known id replaces it instead of duplicating it.
   */
  async saveMessages(args: { threadId: string; resourceId: string; messages: MemoryMessageInput[]; abortSignal?: AbortSignal }): Promise<StorageMessage[]> {
    requireString(args?.threadId, 'threadId', 'saveMessages');
    requireString(args.resourceId, 'resourceId', 'saveMessages');
    if (!Array.isArray(args.messages)) invalid('saveMessages', ['messages'], args.messages, 'messages must be an array of { role, content }');
    await this.#ensureThread(args.threadId, args.resourceId, undefined, args.abortSignal);
    return this.#save(args.threadId, args.resourceId, args.messages, args.abortSignal);
  }

  /**
   * The context memory would give an agent for a thread: the last messages and, with `vectorSearchString`,
   * semantically recalled ones (Mastra's `recall`/`query`). Messages are returned as stored.
   */
  async recall(args: {
    threadId: string;
    resourceId?: string;
    /** Last messages to return (default: the configured `lastMessages`). */
    last?: number | false;
    vectorSearchString?: string;
    semanticRecall?: MemoryOptions['semanticRecall'];
    abortSignal?: AbortSignal;
  }): Promise<{ messages: StorageMessage[]; recalled: StorageMessage[] }> {
    requireString(args?.threadId, 'threadId', 'recall');
    const resolved = resolveOptions(this.#options, {
      ...(args.last === undefined ? {} : { lastMessages: args.last }),
      ...(args.semanticRecall === undefined ? {} : { semanticRecall: args.semanticRecall }),
    });
    const thread = await this.#store.getThread(args.threadId, signalOptions(args.abortSignal));
    const resourceId = args.resourceId ?? thread?.resourceId;
    const history = await this.#loadHistory(args.threadId, resolved.lastMessages, args.abortSignal);
    let recalled: StorageMessage[] = [];
    if (args.vectorSearchString && resolved.semanticRecall && resourceId !== undefined) {
      const groups = await this.#recall(args.vectorSearchString, resolved, args.threadId, resourceId, history, args.abortSignal);
      recalled = groups.flatMap((group) => group.entries.map((entry) => entry.stored)).sort(byPosition);
    }
    return { messages: history.map((entry) => entry.stored), recalled };
  }

  /** Alias of `recall`. */
  query(args: Parameters<Memory['recall']>[0]): ReturnType<Memory['recall']> {
    return this.recall(args);
  }

  /** Deletes messages by id, with their vectors. Returns how many existed. */
  async deleteMessages(ids: string[], options: { abortSignal?: AbortSignal } = {}): Promise<number> {
    if (!Array.isArray(ids)) invalid('deleteMessages', ['ids'], ids, 'ids must be an array of message ids');
    const count = await this.#store.deleteMessages(ids, signalOptions(options.abortSignal));
    if (ids.length > 0) await this.#deleteVectors({ ids }, options.abortSignal);
    return count;
  }

  // ---- working memory ----------------------------------------------------------------------------

  /** The working memory of a thread (or of its resource, with resource scope): markdown or JSON text. */
  async getWorkingMemory(args: { threadId: string; resourceId?: string; abortSignal?: AbortSignal }): Promise<string | undefined> {
    const options = this.#requireWorkingMemory('getWorkingMemory');
    if (options.scope === 'resource') {
      const resourceId = args.resourceId ?? (await this.#requireThread(args.threadId, args.abortSignal)).resourceId;
      return (await this.#store.getResource!(resourceId, signalOptions(args.abortSignal)))?.workingMemory;
    }
    const thread = await this.#store.getThread(args.threadId, signalOptions(args.abortSignal));
    const value = thread?.metadata?.[workingMemoryKey];
    return typeof value === 'string' ? value : undefined;
  }

  /**
   * Updates working memory as the agent's tool does: with a template, `workingMemory` replaces the text;
   * with a schema, it is deep-merged (arrays replaced, null deletes) and validated. Returns the stored text.
   */
  async updateWorkingMemory(args: { threadId: string; resourceId?: string; workingMemory: unknown; abortSignal?: AbortSignal }): Promise<string> {
    const options = this.#requireWorkingMemory('updateWorkingMemory');
    const resourceId = args.resourceId ?? (await this.#requireThread(args.threadId, args.abortSignal)).resourceId;
    return this.#applyWorkingMemory(options, args.threadId, resourceId, args.workingMemory, args.abortSignal);
  }

  // ---- maintenance -------------------------------------------------------------------------------

  /**
   * Queues every message of a thread, or of every thread of a resource, for embedding again: after changing
   * the embedder or the vector store. Returns how many messages were queued; `flush()` waits for them.
   */
  async reindex(args: { threadId: string } | { resourceId: string }, options: { abortSignal?: AbortSignal } = {}): Promise<number> {
    if (!this.#queue || !this.#resolved.semanticRecall) invalid('reindex', ['semanticRecall'], this.#options.semanticRecall, 'semantic recall is not enabled: pass options.semanticRecall and an embedder');
    const threadIds: string[] = [];
    if ('threadId' in args) threadIds.push(args.threadId);
    else {
      for (let page = 0; ; page++) {
        const result = await this.listThreads({ resourceId: args.resourceId, page, perPage: 100, ...options });
        threadIds.push(...result.threads.map((thread) => thread.id));
        if (!result.hasMore) break;
      }
    }
    let queued = 0;
    for (const threadId of threadIds) {
      let after: MessageCursor | undefined;
      for (;;) {
        const page = await this.#store.listMessages({ threadId, order: 'asc', limit: 256, ...(after ? { after } : {}), ...signalOptions(options.abortSignal) });
        this.#enqueueEmbeddings(page, { previousAt: after?.createdAt.getTime() });
        queued += page.length;
        if (page.length < 256) break;
        after = page[page.length - 1]!;
      }
    }
    return queued;
  }

  /** Applies the cleanup policy to a thread now: deletes old unimportant messages and their vectors. */
  async cleanup(args: { threadId: string; abortSignal?: AbortSignal }): Promise<CleanupResult> {
    requireString(args?.threadId, 'threadId', 'cleanup');
    const policy = this.#options.cleanup;
    if (!policy) return { deleted: 0, deletedIds: [] };
    const result = await runCleanup({
      store: this.#store,
      threadId: args.threadId,
      policy,
      scorer: this.#importance,
      now: this.#now(),
      abortSignal: args.abortSignal,
    });
    if (result.deletedIds.length > 0) await this.#deleteVectors({ ids: result.deletedIds }, args.abortSignal);
    return result;
  }

  /** Waits for background work (embeddings, titles, cleanup); rejects when embeddings still fail after a retry. */
  async flush(options: { abortSignal?: AbortSignal } = {}): Promise<void> {
    while (this.#background.size > 0) await Promise.all([...this.#background]);
    await this.#queue?.flush(options);
    while (this.#background.size > 0) await Promise.all([...this.#background]);
    const marks = [...this.#unsavedWatermarks].map(([threadId, pending]): [string, MessageCursor] => [threadId, pending.cursor]);
    this.#unsavedWatermarks.clear();
    await this.#saveWatermarks(marks);
  }

  /** Flushes and stops background retries. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.#queue?.close();
    }
  }

  // ---- AgentMemory -------------------------------------------------------------------------------

  /** Loads the context of a call. Called by `Agent`; see `AgentMemory.prepare`. */
  async prepare(args: PrepareArgs): Promise<PrepareResult> {
    const resolved = args.options ? resolveOptions(this.#options, args.options) : this.#resolved;
    // a thread this process already verified is not read again unless its metadata is needed (thread-scoped working memory)
    const needsThread =
      this.#knownThreads.get(args.threadId) !== args.resourceId ||
      resolved.workingMemory?.scope === 'thread' ||
      (resolved.semanticRecall !== undefined && !this.#recoveryChecked.has(args.threadId));
    const thread = needsThread ? await this.#ensureThread(args.threadId, args.resourceId, args.thread, args.abortSignal) : undefined;
    const inputIds = new Set<string>();
    for (const message of args.input) {
      const id = (message as { id?: unknown }).id;
      if (typeof id === 'string') inputIds.add(id);
      // a new call: the same message object sent again is a new message (only a retried save reuses ids)
      else this.#identities.delete(message);
    }
    const recall = resolved.semanticRecall;
    const queryText = recall ? lastUserText(args.input) : '';
    // the history, the working memory and the keywords (for at most the last messages and the input beyond topK:
    // those are dropped from the hits), after the query's embedding has left (see #alongsideQueryEmbedding)
    const reads = () =>
      Promise.all([
        this.#loadHistory(args.threadId, resolved.lastMessages, args.abortSignal),
        this.#loadWorkingMemory(resolved.workingMemory, thread, args.resourceId, args.abortSignal),
        recall && queryText
          ? searchKeywords({
              store: this.#store,
              text: queryText,
              keywords: recall.keywords,
              scope: recall.scope,
              threadId: args.threadId,
              resourceId: args.resourceId,
              limit: recall.topK + resolved.lastMessages + args.input.length,
              abortSignal: args.abortSignal,
            })
          : undefined,
      ]);
    const [queryVector, [historyAll, workingMemoryText, keywordHits]] = queryText
      ? await this.#alongsideQueryEmbedding(queryText, args.abortSignal, reads)
      : [undefined, await reads()];
    const history = inputIds.size === 0 ? historyAll : historyAll.filter((entry) => !inputIds.has(entry.id));
    let groups: RecallGroup[] = [];
    if (queryVector && resolved.semanticRecall) {
      const excludeIds = new Set([...historyAll.map((entry) => entry.id), ...inputIds]);
      groups = await this.#recallGroups(queryVector, keywordHits, resolved.semanticRecall, args.threadId, args.resourceId, excludeIds, args.abortSignal);
      if (thread) await this.#checkRecovery(thread, args.resourceId, resolved.semanticRecall.scope, historyAll[historyAll.length - 1]);
    }

    const system: string[] = [];
    let tools: ToolSet | undefined;
    if (resolved.workingMemory) {
      const options = resolved.workingMemory;
      system.push(workingMemorySystemText(options, workingMemoryText));
      tools = {
        [updateWorkingMemoryToolName]: createUpdateWorkingMemoryTool(options, (update) =>
          this.#applyWorkingMemory(options, args.threadId, args.resourceId, update, undefined),
        ),
      };
    }

    let units = groupIntoUnits(history);
    if (resolved.tokenBudget !== undefined) {
      ({ units, groups } = this.#fitBudget(resolved.tokenBudget, system, args.input, units, groups));
    }
    const recalledText = renderRecalled(groups, args.threadId);
    if (recalledText) system.push(recalledText);
    return { messages: units.flat().map((entry) => entry.message), ...(system.length > 0 ? { system } : {}), ...(tools ? { tools } : {}) };
  }

  /** Persists a finished call's messages. Called by `Agent`; see `AgentMemory.save`. */
  async save(args: SaveArgs): Promise<void> {
    if (this.#knownThreads.get(args.threadId) === args.resourceId) {
      try {
        await this.#save(args.threadId, args.resourceId, args.messages, args.abortSignal);
        return;
      } catch (error) {
        if (!StorageError.isInstance(error)) throw error;
        this.#knownThreads.delete(args.threadId);
      }
    }
    await this.#ensureThread(args.threadId, args.resourceId, undefined, args.abortSignal);
    await this.#save(args.threadId, args.resourceId, args.messages, args.abortSignal);
  }

  // ---- internals ---------------------------------------------------------------------------------

  #fitBudget<Entry extends HistoryEntry>(
    maxTokens: number,
    system: string[],
    input: ModelMessage[],
    units: Entry[][],
    groups: RecallGroup[],
  ): { units: Entry[][]; groups: RecallGroup[] } {
    const tokenizer = this.#tokenizer;
    let fixed = 0;
    for (const text of system) fixed += countTextTokens(text, tokenizer);
    for (const message of input) fixed += countMessageTokens(message, tokenizer);
    if (groups.length > 0) fixed += countTextTokens(recalledFrame, tokenizer);
    const unitTokens = units.map((unit) => unit.reduce((sum, entry) => sum + countMessageTokens(entry.message, tokenizer), 0));
    const groupTokens = groups.map((group) =>
      group.entries.reduce(
        (sum, entry) => sum + tokenizer.count(`[${entry.createdAt.toISOString()}] ${entry.stored.role}: ${messageText(entry.stored)}\n`),
        tokenizer.count(`From another conversation (thread ${group.entries[0]?.threadId ?? ''}):\n`),
      ),
    );
    // oldest history first, keeping the newest exchange; then the least relevant recall; then the newest exchange
    const byRelevance = groups.map((_, index) => index).sort((a, b) => groups[a]!.score - groups[b]!.score);
    const candidates: Array<{ tokens: number; kind: 'unit' | 'group'; index: number }> = [];
    for (let index = 0; index < units.length - 1; index++) candidates.push({ tokens: unitTokens[index]!, kind: 'unit', index });
    for (const index of byRelevance) candidates.push({ tokens: groupTokens[index]!, kind: 'group', index });
    if (units.length > 0) candidates.push({ tokens: unitTokens[units.length - 1]!, kind: 'unit', index: units.length - 1 });
    const dropped = trimToBudget(candidates, fixed, maxTokens);
    const droppedUnits = new Set<number>();
    const droppedGroups = new Set<number>();
    for (const position of dropped) {
      const candidate = candidates[position]!;
      (candidate.kind === 'unit' ? droppedUnits : droppedGroups).add(candidate.index);
    }
    const keptUnits = units.filter((_, index) => !droppedUnits.has(index));
    // a trimmed window may start with a tool result whose call was dropped with an older unit: units keep pairs whole
    return { units: keptUnits, groups: groups.filter((_, index) => !droppedGroups.has(index)) };
  }

  async #loadHistory(threadId: string, lastMessages: number, abortSignal: AbortSignal | undefined): Promise<Array<HistoryEntry & { stored: StorageMessage }>> {
    if (lastMessages <= 0) return [];
    const newestFirst = await this.#store.listMessages({ threadId, order: 'desc', limit: lastMessages, ...signalOptions(abortSignal) });
    if (newestFirst.length > 0) this.#observeTime(threadId, newestFirst[0]!.createdAt.getTime());
    const entries = newestFirst.reverse().map((stored) => ({ id: stored.id, threadId, createdAt: stored.createdAt, message: toModelMessage(stored), stored }));
    return sanitizeToolPairs(entries);
  }

  async #recall(text: string, resolved: ResolvedOptions, threadId: string, resourceId: string, history: HistoryEntry[], abortSignal: AbortSignal | undefined): Promise<RecallGroup[]> {
    const recall = resolved.semanticRecall!;
    const excludeIds = new Set(history.map((entry) => entry.id));
    const limit = recall.topK + excludeIds.size;
    const [queryVector, keywordHits] = await this.#alongsideQueryEmbedding(text, abortSignal, async () =>
      searchKeywords({ store: this.#store, text, keywords: recall.keywords, scope: recall.scope, threadId, resourceId, limit, abortSignal }),
    );
    return this.#recallGroups(queryVector, keywordHits, recall, threadId, resourceId, excludeIds, abortSignal);
  }

  async #recallGroups(
    queryVector: number[],
    keywordHits: MessageSearchHit[] | undefined,
    recall: NonNullable<ResolvedOptions['semanticRecall']>,
    threadId: string,
    resourceId: string,
    excludeIds: ReadonlySet<string>,
    abortSignal: AbortSignal | undefined,
  ): Promise<RecallGroup[]> {
    const { groups, coverage } = await recallMessages({
      store: this.#store,
      vector: this.#vector,
      indexName: this.#indexName,
      queryVector,
      topK: recall.topK,
      before: recall.before,
      after: recall.after,
      scope: recall.scope,
      threadId,
      resourceId,
      excludeIds,
      minScore: recall.minScore,
      efSearch: recall.efSearch,
      abortSignal,
      checkScopeOnResults: this.#planUnfiltered(recall.scope, threadId, resourceId),
      ...(keywordHits ? { keywordHits } : {}),
    });
    this.#learnCoverage(recall.scope, threadId, resourceId, coverage);
    return groups;
  }

  /**
   * Whether recall should query without its scope filter and check scope on the results: when the index is large
   * (a graph search, where a filter that matches nearly everything costs more than none) and this scope was not seen
   * to hold only a small part of it. Small indexes keep the filter: a store scans their matches exactly.
   */
  #planUnfiltered(scope: 'thread' | 'resource', threadId: string, resourceId: string): boolean {
    const tick = ++this.#recallTick;
    if (this.#indexSize === undefined || tick - this.#indexSizeTick >= indexSizeRefresh) {
      this.#indexSizeTick = tick;
      this.#vector.describeIndex({ indexName: this.#indexName }).then(
        (stats) => (this.#indexSize = stats.count),
        () => (this.#indexSize = 0),
      );
    }
    if (this.#indexSize === undefined || this.#indexSize <= smallIndex) return false;
    const filteredUntil = this.#narrowScopes.get(scopeKey(scope, threadId, resourceId));
    return filteredUntil === undefined || filteredUntil <= tick;
  }

  #learnCoverage(scope: 'thread' | 'resource', threadId: string, resourceId: string, coverage: ScopeCoverage | undefined): void {
    if (!coverage) return;
    const key = scopeKey(scope, threadId, resourceId);
    if (coverage.inScope * 2 >= coverage.returned) {
      this.#narrowScopes.delete(key);
      return;
    }
    // a narrow scope: filtered queries for a while (the store scans few matches exactly), then probe again
    this.#narrowScopes.delete(key);
    this.#narrowScopes.set(key, this.#recallTick + narrowScopeRetry);
    if (this.#narrowScopes.size > maxClockEntries) this.#narrowScopes.delete(this.#narrowScopes.keys().next().value!);
  }

  /**
   * Starts the query's embedding, and runs `reads` one event-loop turn later. A remote embedder's SDK reaches the socket
   * only after several awaits of its own, and a SQLite store reads synchronously: started together, the reads would
   * run first and hold the request back. A turn later the request is on the wire and the reads run while it is in
   * flight. With no request to wait for (an embedder that computes in this process, like the lexical one, or a query
   * embedded before) the reads start at once. A failure of either is the call's error (both are awaited together: no
   * unhandled rejection).
   */
  #alongsideQueryEmbedding<T>(text: string, abortSignal: AbortSignal | undefined, reads: () => Promise<T>): Promise<[number[], T]> {
    const requests = !this.#embedsInProcess && !this.#queryVectors.has(embeddingInput(text));
    const embedding = this.#embedQuery(text, abortSignal);
    return Promise.all([embedding, requests ? new Promise<void>((resolve) => setImmediate(resolve)).then(reads) : reads()]);
  }

  async #embedQuery(text: string, abortSignal: AbortSignal | undefined): Promise<number[]> {
    const input = embeddingInput(text);
    const known = this.#queryVectors.get(input);
    if (known) return known;
    let vector: number[] | undefined;
    if (this.#queue) vector = await this.#queue.embedQuery(input, abortSignal);
    else vector = (await this.#embedder!.doEmbed({ values: [input], ...signalOptions(abortSignal) })).embeddings[0];
    if (!vector) throw new StorageError({ store: 'memory', operation: 'recall', message: `embedder ${this.#embedder!.modelId} returned no embedding for the query` });
    // the new user message is usually saved after the call with this same text: its embedding is reused then
    this.#queryVectors.set(input, vector);
    if (this.#queryVectors.size > maxQueryVectors) this.#queryVectors.delete(this.#queryVectors.keys().next().value!);
    return vector;
  }

  async #loadWorkingMemory(options: WorkingMemoryOptions | undefined, thread: StorageThread | undefined, resourceId: string, abortSignal: AbortSignal | undefined): Promise<string | undefined> {
    if (!options) return undefined;
    if (options.scope === 'resource') return (await this.#store.getResource!(resourceId, signalOptions(abortSignal)))?.workingMemory;
    const value = thread?.metadata?.[workingMemoryKey];
    return typeof value === 'string' ? value : undefined;
  }

  async #applyWorkingMemory(options: WorkingMemoryOptions, threadId: string, resourceId: string, update: unknown, abortSignal: AbortSignal | undefined): Promise<string> {
    if (options.scope === 'resource') {
      return this.#locks.run(`resource:${resourceId}`, async () => {
        const existing = await this.#store.getResource!(resourceId, signalOptions(abortSignal));
        const next = await applyWorkingMemoryUpdate(options, existing?.workingMemory, update);
        const now = this.#now();
        await this.#store.saveResource!({ id: resourceId, ...(existing?.metadata ? { metadata: existing.metadata } : {}), workingMemory: next, createdAt: existing?.createdAt ?? now, updatedAt: now }, signalOptions(abortSignal));
        return next;
      });
    }
    return this.#locks.run(threadId, async () => {
      const thread = await this.#requireThread(threadId, abortSignal);
      const current = thread.metadata?.[workingMemoryKey];
      const next = await applyWorkingMemoryUpdate(options, typeof current === 'string' ? current : undefined, update);
      await this.#store.saveThread({ ...thread, metadata: { ...thread.metadata, [workingMemoryKey]: next } }, signalOptions(abortSignal));
      return next;
    });
  }

  #requireWorkingMemory(method: string): WorkingMemoryOptions {
    const options = this.#resolved.workingMemory;
    if (!options) invalid(method, ['workingMemory', 'enabled'], this.#options.workingMemory?.enabled, 'working memory is not enabled: pass options.workingMemory: { enabled: true }');
    return options;
  }

  async #ensureThread(threadId: string, resourceId: string, given: PrepareArgs['thread'] | undefined, abortSignal: AbortSignal | undefined): Promise<StorageThread> {
    requireString(threadId, 'threadId', 'memory');
    requireString(resourceId, 'resourceId', 'memory');
    const existing = await this.#store.getThread(threadId, signalOptions(abortSignal));
    if (existing) {
      if (existing.resourceId !== resourceId) {
        throw new TypeValidationError({
          value: resourceId,
          context: 'memory',
          issues: [{ path: ['memory', 'resource'], message: `thread "${threadId}" belongs to resource "${existing.resourceId}", not "${resourceId}": pass its resource or use another thread id` }],
        });
      }
      this.#remember(threadId, resourceId);
      return existing;
    }
    const details = given !== undefined && typeof given === 'object' ? given : undefined;
    return this.#locks.run(threadId, async () => {
      const again = await this.#store.getThread(threadId, signalOptions(abortSignal));
      if (again) return again;
      this.#remember(threadId, resourceId);
      return this.createThread({
        threadId,
        resourceId,
        ...(details?.title === undefined ? {} : { title: details.title }),
        ...(details?.metadata === undefined ? {} : { metadata: details.metadata as JSONObject }),
        ...signalOptions(abortSignal),
      });
    });
  }

  async #requireThread(threadId: string, abortSignal: AbortSignal | undefined): Promise<StorageThread> {
    const thread = await this.#store.getThread(threadId, signalOptions(abortSignal));
    if (!thread) throw new NotFoundError({ entity: 'thread', id: threadId, message: `No thread with id "${threadId}": create it with memory.createThread({ threadId, resourceId }) first` });
    return thread;
  }

  async #save(threadId: string, resourceId: string, messages: MemoryMessageInput[], abortSignal: AbortSignal | undefined): Promise<StorageMessage[]> {
    if (messages.length === 0) return [];
    const saved = await this.#locks.run(threadId, async () => {
      const explicit: string[] = [];
      for (const message of messages) {
        if (!this.#identities.has(message) && typeof message.id === 'string') explicit.push(message.id);
      }
      const existing = new Map<string, StorageMessage>();
      if (explicit.length > 0) for (const message of await this.#store.getMessages(explicit, signalOptions(abortSignal))) existing.set(message.id, message);
      if (!this.#clock.has(threadId)) {
        const [newest] = await this.#store.listMessages({ threadId, order: 'desc', limit: 1, ...signalOptions(abortSignal) });
        if (newest) this.#observeTime(threadId, newest.createdAt.getTime());
      }
      const newestBefore = this.#clock.get(threadId);
      const byId = new Map<string, { stored: StorageMessage; source: MemoryMessageInput; known: boolean }>();
      for (const message of messages) {
        validateMessage(message);
        const identity = this.#identities.get(message);
        const explicitId = typeof message.id === 'string' ? message.id : undefined;
        const previous = identity?.threadId === threadId ? identity : explicitId ? existing.get(explicitId) : undefined;
        const id = previous?.id ?? explicitId ?? generateId();
        const createdAt = previous?.createdAt ?? message.createdAt ?? this.#nextTime(threadId);
        if (message.createdAt !== undefined && !previous) this.#observeTime(threadId, message.createdAt.getTime());
        const content = toStorageContent(message);
        const text = messageText({ content });
        const metadata = { ...(existing.get(id)?.metadata ?? {}) } as JSONObject;
        metadata['importance'] = this.#importance({ role: message.role, text, content, metadata: existing.get(id)?.metadata });
        byId.delete(id);
        byId.set(id, {
          stored: { id, threadId, resourceId, role: message.role, content, type: messageType(message), metadata, createdAt },
          source: message,
          known: previous !== undefined,
        });
      }
      const batch = [...byId.values()];
      await this.#store.saveMessages(batch.map((item) => item.stored), signalOptions(abortSignal));
      for (const item of batch) this.#identities.set(item.source, { id: item.stored.id, createdAt: item.stored.createdAt, threadId });
      return { batch, newestBefore };
    });
    const stored = saved.batch.map((item) => item.stored);
    if (this.#resolved.semanticRecall && this.#queue) {
      const appended = saved.batch.every((item) => !item.known) && (saved.newestBefore === undefined || stored.every((message) => message.createdAt.getTime() > saved.newestBefore!));
      // new messages after the thread's newest: each one's predecessor is known (the newest before, then each other)
      if (appended) this.#enqueueEmbeddings([...stored].sort(byPosition), { previousAt: saved.newestBefore });
      else this.#enqueueEmbeddings(stored);
    }
    this.#afterSave(threadId, stored);
    return stored;
  }

  /**
   * Queues messages for embedding. With `inOrder`, the messages are consecutive in their thread (after the message at
   * `previousAt`, when known), so each job records its predecessor's time.
   */
  #enqueueEmbeddings(messages: StorageMessage[], inOrder?: { previousAt: number | undefined }): void {
    if (!this.#queue || !this.#resolved.semanticRecall) return;
    const queryVectors = this.#queryVectors;
    const previousAt = inOrder?.previousAt;
    let previous: { threadId: string; time: number } | undefined = previousAt === undefined || messages.length === 0 ? undefined : { threadId: messages[0]!.threadId, time: previousAt };
    this.#queue.enqueue(
      messages.map((message): EmbeddingJob => {
        const text = embeddingInput(embeddableText(message));
        const vector = text.length > 0 && queryVectors.size > 0 ? queryVectors.get(text) : undefined;
        const time = message.createdAt.getTime();
        const before = previous?.threadId === message.threadId && previous.time < time ? previous.time : undefined;
        if (inOrder) previous = { threadId: message.threadId, time };
        return { id: message.id, threadId: message.threadId, resourceId: message.resourceId, createdAt: message.createdAt, text, ...(vector ? { vector } : {}), ...(before === undefined ? {} : { previousAt: before }) };
      }),
    );
  }

  #afterSave(threadId: string, messages: StorageMessage[]): void {
    const cleanup = this.#options.cleanup;
    if (cleanup && cleanup.auto !== false && !this.#cleanupScheduled.has(threadId)) {
      this.#cleanupScheduled.add(threadId);
      this.#track(
        new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
          this.#cleanupScheduled.delete(threadId);
          await this.cleanup({ threadId });
        }),
        'cleanup',
      );
    }
    const title = this.#options.generateTitle;
    if (title && !this.#titling.has(threadId)) {
      const firstUser = messages.find((message) => message.role === 'user');
      if (firstUser) {
        this.#titling.add(threadId);
        this.#track(
          this.#generateTitle(threadId, messageText(firstUser), title).finally(() => this.#titling.delete(threadId)),
          'title generation',
        );
      }
    }
  }

  async #generateTitle(threadId: string, text: string, options: GenerateTitleOptions): Promise<void> {
    const thread = await this.#store.getThread(threadId);
    if (!thread || thread.title || (thread.metadata?.[stateKey] as MemoryState | undefined)?.titleGenerated) return;
    const title = await generateThreadTitle(options, text);
    await this.#locks.run(threadId, async () => {
      const fresh = await this.#store.getThread(threadId);
      if (!fresh || fresh.title) return;
      const state = { ...(fresh.metadata?.[stateKey] as MemoryState | undefined), titleGenerated: true };
      await this.#store.saveThread({ ...fresh, ...(title ? { title } : {}), metadata: { ...fresh.metadata, [stateKey]: state as JSONObject } });
    });
  }

  #track(task: Promise<unknown>, what: string): void {
    const tracked = task.catch((error: unknown) => this.#logger.error({ err: error }, `memory: background ${what} failed`));
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }

  /**
   * Records how far each thread is embedded. The durable watermark (thread metadata) is written once
   * `watermarkEvery` messages of a thread were embedded since the last write, and by `flush()`: a crash re-embeds at
   * most that many messages (upserts by id), and a steady turn does not pay a thread write for its embeddings.
   */
  async #advanceWatermarks(jobs: EmbeddingJob[]): Promise<void> {
    const due: Array<[string, MessageCursor]> = [];
    for (const job of jobs) {
      const pending = this.#unsavedWatermarks.get(job.threadId);
      if (!pending) this.#unsavedWatermarks.set(job.threadId, { cursor: { createdAt: job.createdAt, id: job.id }, count: 1 });
      else {
        pending.count++;
        if (byPosition(pending.cursor, job) < 0) pending.cursor = { createdAt: job.createdAt, id: job.id };
      }
    }
    if (this.#trustedWatermarks.size > maxClockEntries) this.#trustedWatermarks.clear();
    const crowded = this.#unsavedWatermarks.size > maxUnsavedWatermarks;
    for (const threadId of new Set(jobs.map((job) => job.threadId))) {
      this.#trustedWatermarks.add(threadId);
      const pending = this.#unsavedWatermarks.get(threadId)!;
      if (crowded || pending.count >= watermarkEvery) due.push([threadId, pending.cursor]);
    }
    for (const [threadId] of due) this.#unsavedWatermarks.delete(threadId);
    await this.#saveWatermarks(due);
  }

  async #saveWatermarks(marks: Array<[string, MessageCursor]>): Promise<void> {
    await Promise.all(
      marks.map(([threadId, cursor]) =>
        this.#locks.run(threadId, async () => {
          const thread = await this.#store.getThread(threadId);
          if (!thread) return;
          const state = (thread.metadata?.[stateKey] ?? {}) as MemoryState;
          const mark = state.embeddedThrough;
          if (mark && byPosition({ createdAt: new Date(mark.createdAt), id: mark.id }, cursor) >= 0) return;
          const next: MemoryState = { ...state, embeddedThrough: { createdAt: cursor.createdAt.getTime(), id: cursor.id } };
          await this.#store.saveThread({ ...thread, metadata: { ...thread.metadata, [stateKey]: next as JSONObject } });
        }),
      ),
    );
  }

  async #checkIndex(): Promise<boolean> {
    try {
      await this.#vector.describeIndex({ indexName: this.#indexName });
      return true;
    } catch (error) {
      if (NotFoundError.isInstance(error)) return false;
      this.#logger.warn({ err: error }, 'memory: could not describe the vector index; stored embedding watermarks are trusted');
      return true;
    }
  }

  /**
   * Watermarks in thread metadata are trusted when the vector index already existed when this memory started
   * (a persistent vector store). When it did not (an in-process index after a restart), only watermarks this
   * process advanced are, and the resource's threads are re-embedded from their stored messages.
   */
  async #checkRecovery(thread: StorageThread, resourceId: string, scope: 'thread' | 'resource', newest: MessageCursor | undefined): Promise<void> {
    const existed = (await this.#indexExisted) ?? true;
    if (existed || this.#trustedWatermarks.has(thread.id)) {
      this.#recoverEmbeddings(thread, resourceId, newest, true);
      return;
    }
    if (scope === 'resource') {
      if (this.#reindexed.has(resourceId)) return;
      this.#reindexed.add(resourceId);
      this.#recoveryChecked.add(thread.id);
      this.#track(this.reindex({ resourceId }), 'reindex');
      return;
    }
    this.#recoverEmbeddings(thread, resourceId, newest, false);
  }

  /** Re-queues messages saved but never embedded (a crash, or recall turned on later), from the durable watermark. */
  #recoverEmbeddings(thread: StorageThread, resourceId: string, newest: MessageCursor | undefined, trustWatermark: boolean): void {
    if (!this.#queue || !newest || this.#recovering.has(thread.id)) return;
    if (this.#recoveryChecked.size > maxClockEntries) this.#recoveryChecked.clear();
    this.#recoveryChecked.add(thread.id);
    const mark = trustWatermark ? (thread.metadata?.[stateKey] as MemoryState | undefined)?.embeddedThrough : undefined;
    const saved = mark ? { createdAt: new Date(mark.createdAt), id: mark.id } : undefined;
    const unsaved = trustWatermark ? this.#unsavedWatermarks.get(thread.id)?.cursor : undefined;
    const from = unsaved && (!saved || byPosition(saved, unsaved) < 0) ? unsaved : saved;
    if (from && byPosition(from, newest) >= 0) return;
    if (this.#queue.pendingFor(thread.id) > 0) return;
    this.#recovering.add(thread.id);
    this.#track(
      (async () => {
        let after = from;
        for (;;) {
          const page = await this.#store.listMessages({ threadId: thread.id, order: 'asc', limit: 256, ...(after ? { after } : {}) });
          if (page.length === 0) break;
          this.#enqueueEmbeddings(
            page.map((message) => ({ ...message, resourceId: message.resourceId ?? resourceId })),
            { previousAt: after?.createdAt.getTime() },
          );
          after = page[page.length - 1]!;
          if (page.length < 256) break;
        }
      })().finally(() => this.#recovering.delete(thread.id)),
      'embedding recovery',
    );
  }

  async #deleteVectors(target: { threadId: string } | { ids: string[] }, abortSignal: AbortSignal | undefined): Promise<void> {
    if (!this.#embedder) return;
    try {
      await this.#vector.delete({ indexName: this.#indexName, ...('ids' in target ? { ids: target.ids } : { filter: { threadId: target.threadId } }), ...signalOptions(abortSignal) });
    } catch (error) {
      if (!NotFoundError.isInstance(error)) throw error;
    }
  }

  async #readAll(threadId: string, abortSignal: AbortSignal | undefined): Promise<StorageMessage[]> {
    const all: StorageMessage[] = [];
    let after: MessageCursor | undefined;
    for (;;) {
      const page = await this.#store.listMessages({ threadId, order: 'asc', limit: 500, ...(after ? { after } : {}), ...signalOptions(abortSignal) });
      all.push(...page);
      if (page.length < 500) return all;
      after = page[page.length - 1]!;
    }
  }

  #remember(threadId: string, resourceId: string): void {
    this.#knownThreads.delete(threadId);
    this.#knownThreads.set(threadId, resourceId);
    if (this.#knownThreads.size > maxClockEntries) this.#knownThreads.delete(this.#knownThreads.keys().next().value!);
  }

  #observeTime(threadId: string, time: number): void {
    const known = this.#clock.get(threadId);
    if (known === undefined || time > known) this.#setClock(threadId, time);
  }

  #nextTime(threadId: string): Date {
    const last = this.#clock.get(threadId) ?? Number.NEGATIVE_INFINITY;
    const time = Math.max(this.#now().getTime(), last + 1);
    this.#setClock(threadId, time);
    return new Date(time);
  }

  #setClock(threadId: string, time: number): void {
    this.#clock.delete(threadId);
    this.#clock.set(threadId, time);
    if (this.#clock.size > maxClockEntries) this.#clock.delete(this.#clock.keys().next().value!);
  }
}

function resolveStore(storage: MemoryStore | MastraStorage): MemoryStore {
  if (typeof (storage as MemoryStore).saveMessages === 'function') return storage as MemoryStore;
  const memory = (storage as MastraStorage).memory;
  if (memory && typeof memory.saveMessages === 'function') return memory;
  throw new TypeValidationError({
    value: storage,
    context: 'Memory config',
    issues: [{ path: ['storage'], message: 'expected a MemoryStore (saveThread, saveMessages, listMessages, …) or a storage with a .memory store' }],
  });
}

function lastUserText(input: ModelMessage[]): string {
  for (let index = input.length - 1; index >= 0; index--) {
    const message = input[index]!;
    if (message.role === 'user') return embeddableText(message);
  }
  return '';
}

function byPosition(a: MessageCursor, b: MessageCursor): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function signalOptions(abortSignal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return abortSignal ? { abortSignal } : {};
}

function requireString(value: unknown, field: string, method: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) invalid(method, [field], value, `${field} must be a non-empty string`);
}

function invalid(method: string, path: PropertyKey[], value: unknown, message: string): never {
  throw new TypeValidationError({ value, context: `${method} arguments`, issues: [{ path, message }] });
}

function validateMessage(message: MemoryMessageInput): void {
  if (message == null || typeof message !== 'object' || !['system', 'user', 'assistant', 'tool'].includes(message.role)) {
    invalid('saveMessages', ['messages', 'role'], (message as { role?: unknown } | null)?.role, 'each message needs a role of system, user, assistant or tool');
  }
  if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
    invalid('saveMessages', ['messages', 'content'], message.content, 'content must be a string or an array of parts');
  }
  if (message.createdAt !== undefined && !(message.createdAt instanceof Date && !Number.isNaN(message.createdAt.getTime()))) {
    invalid('saveMessages', ['messages', 'createdAt'], message.createdAt, 'createdAt must be a valid Date');
  }
}

