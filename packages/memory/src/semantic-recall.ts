import { NotFoundError, type MemoryStore, type MetadataFilter, type StorageMessage, type VectorQueryResult, type VectorStore } from '@mastra-ts/core';
import type { HistoryEntry } from './history-units.ts';
import { messageText, toModelMessage } from './message-conversion.ts';

/** A recalled hit with its neighbours, in chronological order. */
export interface RecallGroup {
  score: number;
  hitId: string;
  entries: Array<HistoryEntry & { stored: StorageMessage }>;
}

/** Arguments of `recallMessages`. */
export interface RecallArgs {
  store: MemoryStore;
  vector: VectorStore;
  indexName: string;
  queryVector: number[];
  topK: number;
  before: number;
  after: number;
  scope: 'thread' | 'resource';
  threadId: string;
  resourceId: string;
  /** Messages already in the context (the last messages). */
  excludeIds: ReadonlySet<string>;
  minScore: number | undefined;
  abortSignal: AbortSignal | undefined;
  /**
   * Query without the scope filter and keep the hits in scope (falling back to a filtered query when too few are):
   * for a scope that holds most of the index, where a filtered graph search costs more than an unfiltered one.
   */
  checkScopeOnResults?: boolean;
}

/** How many hits of an unfiltered query were in scope (to learn whether the scope covers the index). */
export interface ScopeCoverage {
  returned: number;
  inScope: number;
}

/**
 * Finds the messages most similar to the query and loads each with its neighbours through keyset reads
 * (cost independent of thread length). Messages already in context are skipped; each message appears once,
 * in the group of its best hit. Groups are returned best first.
 */
export async function recallMessages(args: RecallArgs): Promise<{ groups: RecallGroup[]; indexMissing: boolean; coverage?: ScopeCoverage }> {
  // over-fetch instead of filtering on time: equality filters stay cheap on graph indexes
  const scopeKey = args.scope === 'thread' ? 'threadId' : 'resourceId';
  const scopeValue = args.scope === 'thread' ? args.threadId : args.resourceId;
  const wanted = args.topK + args.excludeIds.size;
  const query = (filter: MetadataFilter | undefined) =>
    args.vector.query({
      indexName: args.indexName,
      queryVector: args.queryVector,
      topK: wanted,
      ...(filter ? { filter } : {}),
      ...(args.minScore === undefined ? {} : { minScore: args.minScore }),
      ...(args.abortSignal ? { abortSignal: args.abortSignal } : {}),
    });
  let found: VectorQueryResult[] | undefined;
  let coverage: ScopeCoverage | undefined;
  try {
    if (args.checkScopeOnResults) {
      const unfiltered = await query(undefined);
      const inScope = unfiltered.filter((hit) => hit.metadata?.[scopeKey] === scopeValue);
      coverage = { returned: unfiltered.length, inScope: inScope.length };
      let usable = 0;
      for (const hit of inScope) if (!args.excludeIds.has(hit.id)) usable++;
      // complete when enough hits are in scope, or when the query returned everything it could (nothing was cut)
      if (usable >= args.topK || unfiltered.length < wanted) found = inScope;
    }
    found ??= await query({ [scopeKey]: scopeValue });
  } catch (error) {
    if (NotFoundError.isInstance(error)) return { groups: [], indexMissing: true };
    throw error;
  }
  const hits = found.filter((hit) => !args.excludeIds.has(hit.id)).slice(0, args.topK);
  const neighbourhoods = await Promise.all(
    hits.map(async (hit) => {
      const threadId = String(hit.metadata?.['threadId'] ?? '');
      const createdAt = new Date(Number(hit.metadata?.['createdAt'] ?? 0));
      const options = args.abortSignal ? { abortSignal: args.abortSignal } : {};
      const previousAt = Number(hit.metadata?.['previousAt']);
      if (args.before === 1 && Number.isFinite(previousAt) && previousAt < createdAt.getTime()) {
        // one read from the previous message's time: the window is contiguous, so when the hit is second, the first
        // is its predecessor and the rest follow it (otherwise something moved: the two reads below)
        const window = await args.store.listMessages({ threadId, fromDate: new Date(previousAt), order: 'asc', limit: args.after + 2, ...options });
        if (window[1]?.id === hit.id) return { score: hit.score, hitId: hit.id, messages: window };
      }
      const [earlier, later] = await Promise.all([
        args.before > 0 ? args.store.listMessages({ threadId, before: { createdAt, id: hit.id }, order: 'desc', limit: args.before, ...options }) : [],
        args.store.listMessages({ threadId, fromDate: createdAt, order: 'asc', limit: args.after + 1, ...options }),
      ]);
      const selfIndex = later.findIndex((message) => message.id === hit.id);
      if (selfIndex < 0) return undefined;
      return { score: hit.score, hitId: hit.id, messages: [...earlier.reverse(), ...later.slice(selfIndex, selfIndex + args.after + 1)] };
    }),
  );
  const seen = new Set(args.excludeIds);
  const groups: RecallGroup[] = [];
  for (const neighbourhood of neighbourhoods) {
    if (!neighbourhood) continue;
    const entries = neighbourhood.messages
      .filter((message) => !seen.has(message.id))
      .map((stored) => ({ id: stored.id, threadId: stored.threadId, createdAt: stored.createdAt, message: toModelMessage(stored), stored }));
    for (const entry of entries) seen.add(entry.id);
    if (entries.some((entry) => entry.id === neighbourhood.hitId)) groups.push({ score: neighbourhood.score, hitId: neighbourhood.hitId, entries });
  }
  return { groups, indexMissing: false, ...(coverage ? { coverage } : {}) };
}

const recalledIntro =
  '<recalled_messages>\nThese older messages were recalled because they relate to the new message. They are not the recent history; use them as background.';
const recalledEnd = '</recalled_messages>';

/** The text around recalled messages, for token budgeting. */
export const recalledFrame: string = `${recalledIntro}\nEarlier in this conversation:\n${recalledEnd}`;

/** Renders recalled messages as one system text: per thread, in chronological order, marked as recalled. */
export function renderRecalled(groups: RecallGroup[], threadId: string): string | undefined {
  const byThread = new Map<string, Array<RecallGroup['entries'][number]>>();
  for (const group of groups) {
    for (const entry of group.entries) {
      const list = byThread.get(entry.threadId) ?? [];
      list.push(entry);
      byThread.set(entry.threadId, list);
    }
  }
  if (byThread.size === 0) return undefined;
  const sections: string[] = [];
  const order = [...byThread.keys()].sort((a, b) => (a === threadId ? 1 : b === threadId ? -1 : 0));
  for (const id of order) {
    const entries = byThread.get(id)!.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const heading = id === threadId ? 'Earlier in this conversation:' : `From another conversation (thread ${id}):`;
    sections.push([heading, ...entries.map((entry) => `[${entry.createdAt.toISOString()}] ${entry.stored.role}: ${messageText(entry.stored)}`)].join('\n'));
  }
  return [recalledIntro, ...sections, recalledEnd].join('\n');
}
