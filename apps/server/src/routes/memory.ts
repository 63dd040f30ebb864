import { NotFoundError, generateId, searchTerms, type Agent, type JSONObject, type Mastra, type MemoryStore, type ModelMessage, type StorageMessage, type StorageThread } from '@mastra-ts/core';
import { z } from 'zod';
import { toModelMessages } from '../agent-messages.ts';
import { HttpError } from '../http-error.ts';
import { intQuery, jsonQuery, optionalString } from '../input.ts';
import { toMastraMessage, toMastraThread, toUiMessage } from '../memory-format.ts';
import { defineRoute, json, type RouteDefinition } from '../route.ts';

/**
 * What the memory routes use from an agent's memory. `@mastra-ts/memory`'s `Memory` has all of it;
 * without one, the routes work on the Mastra storage's `MemoryStore` directly.
 */
interface ServerMemory {
  storage?: MemoryStore;
  createThread?(args: { threadId?: string; resourceId: string; title?: string; metadata?: JSONObject; abortSignal?: AbortSignal }): Promise<StorageThread>;
  updateThread?(args: { id: string; title?: string; metadata?: JSONObject; abortSignal?: AbortSignal }): Promise<StorageThread>;
  deleteThread?(threadId: string, options?: { abortSignal?: AbortSignal }): Promise<boolean>;
  cloneThread?(args: { sourceThreadId: string; newThreadId?: string; resourceId?: string; title?: string; metadata?: JSONObject; messageLimit?: number; abortSignal?: AbortSignal }): Promise<{ thread: StorageThread; clonedMessages: StorageMessage[] }>;
  saveMessages?(args: { threadId: string; resourceId: string; messages: Array<ModelMessage & { id?: string; createdAt?: Date }>; abortSignal?: AbortSignal }): Promise<StorageMessage[]>;
  deleteMessages?(ids: string[], options?: { abortSignal?: AbortSignal }): Promise<number>;
  recall?(args: { threadId: string; resourceId?: string; last?: number | false; vectorSearchString?: string; abortSignal?: AbortSignal }): Promise<{ messages: StorageMessage[]; recalled: StorageMessage[] }>;
  getWorkingMemory?(args: { threadId: string; resourceId?: string; abortSignal?: AbortSignal }): Promise<string | undefined>;
  updateWorkingMemory?(args: { threadId: string; resourceId?: string; workingMemory: unknown; abortSignal?: AbortSignal }): Promise<string>;
  getConfig?(): unknown;
  options?: unknown;
}

interface MemoryTarget {
  memory: ServerMemory | undefined;
  store: MemoryStore;
}

function resolveMemory(mastra: Mastra, agentId: string | undefined): MemoryTarget {
  let memory: ServerMemory | undefined;
  if (agentId !== undefined) {
    const agent: Agent = mastra.getAgent(agentId);
    memory = agent.getMemory() as ServerMemory | undefined;
    if (!memory) throw new HttpError('BAD_REQUEST', `Agent "${agentId}" has no memory: give it memory: new Memory(...)`, { issues: [{ path: 'agentId', message: 'agent has no memory' }] });
  }
  const store = memory?.storage ?? mastra.getStorage()?.memory;
  if (!store) throw new HttpError('NOT_IMPLEMENTED', 'No memory store: pass agentId of an agent with memory, or give Mastra a storage (e.g. createSqliteStorage())');
  return { memory, store };
}

async function requireThread(target: MemoryTarget, threadId: string, abortSignal: AbortSignal): Promise<StorageThread> {
  const thread = await target.store.getThread(threadId, { abortSignal });
  if (!thread) throw new NotFoundError({ entity: 'thread', id: threadId, message: `Thread not found: no thread with id "${threadId}"` });
  return thread;
}

const agentQuery = z.object({ agentId: optionalString() });
const threadParams = z.object({ threadId: z.string().min(1) });
const metadata = z.record(z.string(), z.unknown());

/** Memory routes: threads CRUD, messages (paginated), save, delete, clone, working memory, status, config, search. */
export function memoryRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/memory/status',
      family: 'memory',
      summary: 'Whether memory is configured for an agent',
      query: z.object({ agentId: z.string().min(1), resourceId: optionalString(), threadId: optionalString() }),
      handler({ mastra, input }) {
        const agent = mastra.getAgent(input.agentId);
        return json({ result: agent.getMemory() !== undefined, memoryType: 'local' });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/memory/config',
      family: 'memory',
      summary: "An agent's memory configuration",
      query: z.object({ agentId: z.string().min(1) }),
      handler({ mastra, input }) {
        const memory = mastra.getAgent(input.agentId).getMemory() as ServerMemory | undefined;
        if (!memory) return json({ config: null });
        const config = typeof memory.getConfig === 'function' ? memory.getConfig() : (memory.options ?? {});
        return json({ memoryType: 'local', config });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/memory/threads',
      family: 'memory',
      summary: "A resource's threads, paginated",
      query: z.object({
        agentId: optionalString(),
        resourceId: optionalString(),
        page: intQuery(0),
        perPage: intQuery(1, 1000),
        orderBy: jsonQuery(z.object({ field: z.enum(['createdAt', 'updatedAt']).optional(), direction: z.enum(['ASC', 'DESC']).optional() }).optional()),
        metadata: jsonQuery(metadata.optional()),
      }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        const page = input.page ?? 0;
        const perPage = input.perPage ?? 100;
        const wanted = Object.entries(input.metadata ?? {});
        if (wanted.length === 0) {
          const result = await target.store.listThreads({
            ...(input.resourceId ? { resourceId: input.resourceId } : {}),
            orderBy: input.orderBy?.field ?? 'updatedAt',
            order: input.orderBy?.direction === 'ASC' ? 'asc' : 'desc',
            limit: perPage,
            offset: page * perPage,
            abortSignal,
          });
          return json({ threads: result.items.map(toMastraThread), total: result.total, page, perPage, hasMore: result.hasMore });
        }
        const all = await target.store.listThreads({ ...(input.resourceId ? { resourceId: input.resourceId } : {}), orderBy: input.orderBy?.field ?? 'updatedAt', order: input.orderBy?.direction === 'ASC' ? 'asc' : 'desc', abortSignal });
        const matching = all.items.filter((thread) => wanted.every(([key, value]) => JSON.stringify(thread.metadata?.[key]) === JSON.stringify(value)));
        const slice = matching.slice(page * perPage, (page + 1) * perPage);
        return json({ threads: slice.map(toMastraThread), total: matching.length, page, perPage, hasMore: (page + 1) * perPage < matching.length });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/memory/threads',
      family: 'memory',
      summary: 'Create a thread',
      query: agentQuery,
      body: z.object({ resourceId: z.string().min(1), threadId: z.string().min(1).optional(), title: z.string().optional(), metadata: metadata.optional() }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        if (input.threadId !== undefined && (await target.store.getThread(input.threadId, { abortSignal }))) {
          const existing = await target.store.getThread(input.threadId, { abortSignal });
          if (existing && existing.resourceId === input.resourceId) return json(toMastraThread(existing));
          throw new HttpError('CONFLICT', `Thread "${input.threadId}" exists for another resource`);
        }
        const args = { resourceId: input.resourceId, ...(input.threadId ? { threadId: input.threadId } : {}), ...(input.title !== undefined ? { title: input.title } : {}), ...(input.metadata ? { metadata: input.metadata as JSONObject } : {}), abortSignal };
        const thread = target.memory?.createThread
          ? await target.memory.createThread(args)
          : await target.store.saveThread({ id: input.threadId ?? generateId(), resourceId: input.resourceId, title: input.title, metadata: input.metadata as JSONObject | undefined, createdAt: new Date(), updatedAt: new Date() }, { abortSignal });
        return json(toMastraThread(thread));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/memory/threads/:threadId',
      family: 'memory',
      summary: 'A thread',
      params: threadParams,
      query: z.object({ agentId: optionalString(), resourceId: optionalString() }),
      async handler({ mastra, input, abortSignal }) {
        const thread = await requireThread(resolveMemory(mastra, input.agentId), input.threadId, abortSignal);
        if (input.resourceId && thread.resourceId !== input.resourceId) throw new NotFoundError({ entity: 'thread', id: input.threadId, message: `Thread not found: no thread "${input.threadId}" for resource "${input.resourceId}"` });
        return json(toMastraThread(thread));
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/memory/threads/:threadId',
      family: 'memory',
      summary: "Update a thread's title, metadata or resource",
      params: threadParams,
      query: agentQuery,
      body: z.object({ title: z.string().optional(), metadata: metadata.optional(), resourceId: z.string().min(1).optional() }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        const thread = await requireThread(target, input.threadId, abortSignal);
        const updated =
          target.memory?.updateThread && input.resourceId === undefined
            ? await target.memory.updateThread({ id: input.threadId, ...(input.title !== undefined ? { title: input.title } : {}), ...(input.metadata ? { metadata: input.metadata as JSONObject } : {}), abortSignal })
            : await target.store.saveThread(
                { ...thread, ...(input.title !== undefined ? { title: input.title } : {}), ...(input.metadata ? { metadata: { ...thread.metadata, ...(input.metadata as JSONObject) } } : {}), ...(input.resourceId ? { resourceId: input.resourceId } : {}), updatedAt: new Date() },
                { abortSignal },
              );
        return json(toMastraThread(updated));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/memory/threads/:threadId',
      family: 'memory',
      summary: 'Delete a thread and its messages',
      params: threadParams,
      query: agentQuery,
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        const existed = target.memory?.deleteThread ? await target.memory.deleteThread(input.threadId, { abortSignal }) : await target.store.deleteThread(input.threadId, { abortSignal });
        if (!existed) throw new NotFoundError({ entity: 'thread', id: input.threadId, message: `Thread not found: no thread with id "${input.threadId}"` });
        return json({ result: 'Thread deleted' });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/memory/threads/:threadId/messages',
      family: 'memory',
      summary: "A thread's messages, paginated (oldest first by default)",
      params: threadParams,
      query: z.object({
        agentId: optionalString(),
        resourceId: optionalString(),
        page: intQuery(0),
        perPage: z.union([intQuery(1, 10_000), z.literal('false').transform(() => false as const)]).optional(),
        orderBy: jsonQuery(z.object({ field: z.literal('createdAt').optional(), direction: z.enum(['ASC', 'DESC']).optional() }).optional()),
        filter: jsonQuery(
          z
            .object({
              dateRange: z.object({ start: z.coerce.date().optional(), end: z.coerce.date().optional() }).optional(),
              roles: z.array(z.string()).optional(),
            })
            .optional(),
        ),
      }),
      async handler({ mastra, input, abortSignal }) {
        let target: MemoryTarget;
        try {
          target = resolveMemory(mastra, input.agentId);
        } catch (error) {
          if (error instanceof HttpError && input.agentId !== undefined) return json({ messages: [], uiMessages: [] });
          throw error;
        }
        await requireThread(target, input.threadId, abortSignal);
        const page = input.page ?? 0;
        const perPage = input.perPage === false ? undefined : (input.perPage ?? 40);
        const order = input.orderBy?.direction === 'DESC' ? 'desc' : 'asc';
        const range = input.filter?.dateRange;
        const roles = input.filter?.roles;
        const all = await target.store.listMessages({
          threadId: input.threadId,
          order,
          ...(range?.start ? { fromDate: range.start } : {}),
          ...(range?.end ? { toDate: range.end } : {}),
          ...(roles === undefined && perPage !== undefined ? { limit: (page + 1) * perPage + 1 } : {}),
          abortSignal,
        });
        const filtered = roles === undefined ? all : all.filter((message) => roles.includes(message.role));
        const total = roles === undefined && range === undefined ? await target.store.countMessages(input.threadId, { abortSignal }) : filtered.length;
        const slice = perPage === undefined ? filtered : filtered.slice(page * perPage, (page + 1) * perPage);
        return json({
          messages: slice.map(toMastraMessage),
          uiMessages: slice.map(toUiMessage),
          total,
          page,
          perPage: perPage ?? false,
          hasMore: perPage !== undefined && filtered.length > (page + 1) * perPage,
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/memory/save-messages',
      family: 'memory',
      summary: 'Save messages (each names its threadId and resourceId)',
      query: agentQuery,
      body: z.object({
        messages: z
          .array(
            z
              .object({
                id: z.string().min(1).optional(),
                threadId: z.string().min(1),
                resourceId: z.string().min(1).optional(),
                role: z.enum(['system', 'user', 'assistant', 'tool']),
                content: z.unknown(),
                createdAt: z.coerce.date().optional(),
              })
              .loose(),
          )
          .min(1),
      }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        const byThread = new Map<string, { resourceId: string; messages: Array<ModelMessage & { id?: string; createdAt?: Date }> }>();
        for (const [index, message] of input.messages.entries()) {
          const converted = toModelMessages([{ role: message.role, content: message.content }]) as ModelMessage[];
          let group = byThread.get(message.threadId);
          if (!group) {
            const resourceId = message.resourceId ?? (await target.store.getThread(message.threadId, { abortSignal }))?.resourceId;
            if (resourceId === undefined) throw new HttpError('BAD_REQUEST', `Invalid body: messages.${index}.resourceId: required for the new thread "${message.threadId}"`, { issues: [{ path: `messages.${index}.resourceId`, message: 'required' }] });
            group = { resourceId, messages: [] };
            byThread.set(message.threadId, group);
          }
          converted.forEach((item, part) => group.messages.push({ ...item, ...(message.id !== undefined ? { id: part === 0 ? message.id : `${message.id}-${part}` } : {}), ...(message.createdAt ? { createdAt: message.createdAt } : {}) }));
        }
        const saved: StorageMessage[] = [];
        for (const [threadId, group] of byThread) {
          if (target.memory?.saveMessages) saved.push(...(await target.memory.saveMessages({ threadId, resourceId: group.resourceId, messages: group.messages, abortSignal })));
          else {
            if (!(await target.store.getThread(threadId, { abortSignal }))) await target.store.saveThread({ id: threadId, resourceId: group.resourceId, createdAt: new Date(), updatedAt: new Date() }, { abortSignal });
            const base = Date.now();
            const rows: StorageMessage[] = group.messages.map((message, index) => ({
              id: message.id ?? generateId(),
              threadId,
              resourceId: group.resourceId,
              role: message.role,
              content: message.content as StorageMessage['content'],
              createdAt: message.createdAt ?? new Date(base + index),
            }));
            await target.store.saveMessages(rows, { abortSignal });
            saved.push(...rows);
          }
        }
        return json({ messages: saved.map(toMastraMessage) });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/memory/messages/delete',
      family: 'memory',
      summary: 'Delete messages by id',
      query: agentQuery,
      body: z.object({
        messageIds: z.union([z.string().min(1), z.object({ id: z.string().min(1) }).loose(), z.array(z.union([z.string().min(1), z.object({ id: z.string().min(1) }).loose()]))]),
      }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        const ids = (Array.isArray(input.messageIds) ? input.messageIds : [input.messageIds]).map((item) => (typeof item === 'string' ? item : item.id));
        const count = target.memory?.deleteMessages ? await target.memory.deleteMessages(ids, { abortSignal }) : await target.store.deleteMessages(ids, { abortSignal });
        return json({ success: true, message: `${count} ${count === 1 ? 'message' : 'messages'} deleted successfully` });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/memory/threads/:threadId/clone',
      family: 'memory',
      summary: 'Copy a thread and its messages',
      params: threadParams,
      query: agentQuery,
      body: z.object({
        newThreadId: z.string().min(1).optional(),
        resourceId: z.string().min(1).optional(),
        title: z.string().optional(),
        metadata: metadata.optional(),
        options: z.object({ messageLimit: z.number().int().positive().optional() }).loose().optional(),
      }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        if (!target.memory?.cloneThread) throw new HttpError('BAD_REQUEST', 'Cloning needs an agent with memory: pass agentId');
        await requireThread(target, input.threadId, abortSignal);
        const result = await target.memory.cloneThread({
          sourceThreadId: input.threadId,
          ...(input.newThreadId ? { newThreadId: input.newThreadId } : {}),
          ...(input.resourceId ? { resourceId: input.resourceId } : {}),
          ...(input.title !== undefined ? { title: input.title } : {}),
          ...(input.metadata ? { metadata: input.metadata as JSONObject } : {}),
          ...(input.options?.messageLimit ? { messageLimit: input.options.messageLimit } : {}),
          abortSignal,
        });
        return json({ thread: toMastraThread(result.thread), clonedMessages: result.clonedMessages.map(toMastraMessage) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/memory/threads/:threadId/working-memory',
      family: 'memory',
      summary: "A thread's (or its resource's) working memory",
      params: threadParams,
      query: z.object({ agentId: z.string().min(1), resourceId: optionalString() }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        const thread = await target.store.getThread(input.threadId, { abortSignal });
        let workingMemory: string | undefined;
        if (target.memory?.getWorkingMemory && (thread || input.resourceId)) {
          try {
            workingMemory = await target.memory.getWorkingMemory({ threadId: input.threadId, ...(input.resourceId ? { resourceId: input.resourceId } : {}), abortSignal });
          } catch (error) {
            if (!(error instanceof Error && /working memory/i.test(error.message))) throw error;
          }
        }
        const config = (typeof target.memory?.getConfig === 'function' ? target.memory.getConfig() : target.memory?.options) as { workingMemory?: { scope?: string; template?: string } } | undefined;
        return json({
          workingMemory: workingMemory ?? null,
          source: config?.workingMemory?.scope === 'resource' ? 'resource' : 'thread',
          workingMemoryTemplate: config?.workingMemory?.template ?? null,
          threadExists: thread !== null,
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/memory/threads/:threadId/working-memory',
      family: 'memory',
      summary: 'Replace (template) or merge (schema) working memory',
      params: threadParams,
      query: z.object({ agentId: z.string().min(1) }),
      body: z.object({ workingMemory: z.union([z.string(), z.record(z.string(), z.unknown())]), resourceId: z.string().min(1).optional() }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        if (!target.memory?.updateWorkingMemory) throw new HttpError('BAD_REQUEST', `Agent "${input.agentId}" memory has no working memory`);
        await target.memory.updateWorkingMemory({ threadId: input.threadId, ...(input.resourceId ? { resourceId: input.resourceId } : {}), workingMemory: input.workingMemory, abortSignal });
        return json({ success: true });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/memory/search',
      family: 'memory',
      summary: "Search a resource's memory (semantic recall when configured, then the store's keyword index, then text match)",
      query: z.object({ agentId: z.string().min(1), searchQuery: z.string().min(1), resourceId: z.string().min(1), threadId: optionalString(), limit: intQuery(1, 1000) }),
      async handler({ mastra, input, abortSignal }) {
        const target = resolveMemory(mastra, input.agentId);
        const limit = input.limit ?? 20;
        const threads = input.threadId ? [input.threadId] : (await target.store.listThreads({ resourceId: input.resourceId, abortSignal })).items.map((thread) => thread.id);
        const results: Array<Record<string, unknown>> = [];
        let searchType = 'text';
        if (target.memory?.recall && input.threadId) {
          const recalled = await target.memory.recall({ threadId: input.threadId, resourceId: input.resourceId, last: false, vectorSearchString: input.searchQuery, abortSignal });
          if (recalled.recalled.length > 0) searchType = 'semantic';
          for (const message of recalled.recalled) results.push(searchResult(message));
        }
        if (results.length === 0 && target.store.searchMessages) {
          // the store's keyword index: messages holding the query's rare words, best first, without reading the threads
          const hits = await target.store.searchMessages({
            terms: searchTerms(input.searchQuery),
            ...(input.threadId ? { threadId: input.threadId } : { resourceId: input.resourceId }),
            limit,
            abortSignal,
          });
          const byId = new Map((await target.store.getMessages(hits.map((hit) => hit.id), { abortSignal })).map((message) => [message.id, message]));
          for (const hit of hits) {
            const message = byId.get(hit.id);
            if (message) results.push(searchResult(message));
          }
        }
        if (results.length === 0) {
          const needle = input.searchQuery.toLowerCase();
          for (const threadId of threads) {
            for (const message of await target.store.listMessages({ threadId, abortSignal })) {
              if (JSON.stringify(message.content).toLowerCase().includes(needle)) results.push(searchResult(message));
              if (results.length >= limit) break;
            }
            if (results.length >= limit) break;
          }
        }
        return json({ results: results.slice(0, limit), count: Math.min(results.length, limit), query: input.searchQuery, searchScope: input.threadId ? 'thread' : 'resource', searchType });
      },
    }),
  ];
}

function searchResult(message: StorageMessage): Record<string, unknown> {
  const formatted = toMastraMessage(message);
  return { id: message.id, role: formatted.role, content: (formatted.content as { content: string }).content, createdAt: message.createdAt, threadId: message.threadId };
}
