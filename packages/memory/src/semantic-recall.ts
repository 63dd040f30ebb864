import { NotFoundError, type MemoryStore, type MetadataFilter, type StorageMessage, type VectorStore } from '@mastra-ts/core';
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
}

/**
 * Finds the messages most similar to the query and loads each with its neighbours through keyset reads
 * (cost independent of thread length). Messages already in context are skipped; each message appears once,
 * in the group of its best hit. Groups are returned best first.
 */
export async function recallMessages(args: RecallArgs): Promise<{ groups: RecallGroup[]; indexMissing: boolean }> {
  // over-fetch instead of filtering on time: equality filters stay cheap on graph indexes
  const filter: MetadataFilter = args.scope === 'thread' ? { threadId: args.threadId } : { resourceId: args.resourceId };
  let found;
  try {
    found = await args.vector.query({
      indexName: args.indexName,
      queryVector: args.queryVector,
      topK: args.topK + args.excludeIds.size,
      filter,
      ...(args.minScore === undefined ? {} : { minScore: args.minScore }),
      ...(args.abortSignal ? { abortSignal: args.abortSignal } : {}),
    });
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
  return { groups, indexMissing: false };
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
