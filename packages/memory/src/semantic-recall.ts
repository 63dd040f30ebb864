import { NotFoundError, searchTerms, type MemoryStore, type MessageSearchHit, type MetadataFilter, type StorageMessage, type VectorQueryResult, type VectorStore } from '@mastra-ts/core';
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
  /** The vector query's candidate list (`VectorQueryArgs.efSearch`). */
  efSearch?: number | undefined;
  abortSignal: AbortSignal | undefined;
  /**
   * Query without the scope filter and keep the hits in scope (falling back to a filtered query when too few are):
   * for a scope that holds most of the index, where a filtered graph search costs more than an unfiltered one.
   */
  checkScopeOnResults?: boolean;
  /** Keyword search's hits (`searchKeywords`, started early so that it overlaps the query's embedding). */
  keywordHits?: readonly MessageSearchHit[] | undefined;
}

/**
 * Starts the keyword search of recall: the store's `searchMessages` for `text`'s terms in the scope, or undefined when
 * keyword search is off or the store has none. `limit` must cover the messages already in context, which are
 * dropped from its hits.
 */
export function searchKeywords(args: {
  store: MemoryStore;
  text: string;
  keywords: { maxDocumentFrequency: number } | undefined;
  scope: 'thread' | 'resource';
  threadId: string;
  resourceId: string;
  limit: number;
  abortSignal: AbortSignal | undefined;
}): Promise<MessageSearchHit[]> | undefined {
  if (!args.keywords || !args.store.searchMessages) return undefined;
  const terms = searchTerms(args.text);
  if (terms.length === 0) return undefined;
  return args.store.searchMessages({
    terms,
    ...(args.scope === 'thread' ? { threadId: args.threadId } : { resourceId: args.resourceId }),
    limit: args.limit,
    maxDocumentFrequency: args.keywords.maxDocumentFrequency,
    ...(args.abortSignal ? { abortSignal: args.abortSignal } : {}),
  });
}

/** A message to recall, from either ranking. */
interface RecallHit {
  id: string;
  threadId: string;
  createdAt: Date;
  /** The time of the message before it in its thread, when the vector metadata carries it. */
  previousAt?: number;
  score: number;
}

/** Reciprocal rank fusion's constant: a hit at rank r in a list adds 1 / (k + r). */
const fusionK = 60;

/** How many hits of an unfiltered query were in scope (to learn whether the scope covers the index). */
export interface ScopeCoverage {
  returned: number;
  inScope: number;
}

/**
 * Finds the messages most similar to the query (by vector, fused with keyword search when the store has it) and
 * loads each with its neighbours through keyset reads (cost independent of thread length). Messages already in
 * context are skipped; each message appears once, in the group of its best hit. Groups are returned best first.
 */
export async function recallMessages(args: RecallArgs): Promise<{ groups: RecallGroup[]; indexMissing: boolean; coverage?: ScopeCoverage }> {
  const scopeKey = args.scope === 'thread' ? 'threadId' : 'resourceId';
  const scopeValue = args.scope === 'thread' ? args.threadId : args.resourceId;
  const wanted = args.topK + args.excludeIds.size;
  const vector = await queryVectors(args, scopeKey, scopeValue, wanted);
  const keywordHits = args.keywordHits ?? [];
  const fromVectors: RecallHit[] = [];
  for (const hit of vector.found) {
    if (args.excludeIds.has(hit.id)) continue;
    const previousAt = Number(hit.metadata?.['previousAt']);
    fromVectors.push({
      id: hit.id,
      threadId: String(hit.metadata?.['threadId'] ?? ''),
      createdAt: new Date(Number(hit.metadata?.['createdAt'] ?? 0)),
      ...(Number.isFinite(previousAt) ? { previousAt } : {}),
      score: hit.score,
    });
  }
  const fromKeywords = keywordHits.filter((hit) => !args.excludeIds.has(hit.id));
  const hits = fromKeywords.length === 0 ? fromVectors.slice(0, args.topK) : fuse(fromVectors, fromKeywords).slice(0, args.topK);
  const neighbourhoods = await Promise.all(hits.map((hit) => loadNeighbourhood(args, hit)));
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
  return { groups, indexMissing: vector.indexMissing, ...(vector.coverage ? { coverage: vector.coverage } : {}) };
}

/**
 * The vector ranking. Over-fetches instead of filtering on time (equality filters stay cheap on graph indexes). With
 * `checkScopeOnResults`, queries without the scope filter first and keeps the hits in scope.
 */
async function queryVectors(
  args: RecallArgs,
  scopeKey: 'threadId' | 'resourceId',
  scopeValue: string,
  wanted: number,
): Promise<{ found: VectorQueryResult[]; indexMissing: boolean; coverage?: ScopeCoverage }> {
  const query = (filter: MetadataFilter | undefined) =>
    args.vector.query({
      indexName: args.indexName,
      queryVector: args.queryVector,
      topK: wanted,
      ...(filter ? { filter } : {}),
      ...(args.minScore === undefined ? {} : { minScore: args.minScore }),
      ...(args.efSearch === undefined ? {} : { efSearch: args.efSearch }),
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
    if (NotFoundError.isInstance(error)) return { found: [], indexMissing: true };
    throw error;
  }
  return { found, indexMissing: false, ...(coverage ? { coverage } : {}) };
}

/**
 * Reciprocal rank fusion of the vector and keyword rankings: each hit scores the sum of 1 / (60 + rank) over the
 * lists it is in, so a message both find comes first, and a rare word's match can outrank a vague vector match.
 */
function fuse(fromVectors: readonly RecallHit[], fromKeywords: readonly MessageSearchHit[]): RecallHit[] {
  const fused = new Map<string, RecallHit>();
  fromVectors.forEach((hit, rank) => fused.set(hit.id, { ...hit, score: 1 / (fusionK + rank + 1) }));
  fromKeywords.forEach((hit, rank) => {
    const score = 1 / (fusionK + rank + 1);
    const known = fused.get(hit.id);
    if (known) known.score += score;
    else fused.set(hit.id, { id: hit.id, threadId: hit.threadId, createdAt: hit.createdAt, score });
  });
  // a stable sort: equal scores keep the vector ranking's order, then the keyword ranking's
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/** A hit with its neighbours, read through keyset queries (cost independent of thread length). */
async function loadNeighbourhood(args: RecallArgs, hit: RecallHit): Promise<{ score: number; hitId: string; messages: StorageMessage[] } | undefined> {
  const { threadId, createdAt, previousAt } = hit;
  const options = args.abortSignal ? { abortSignal: args.abortSignal } : {};
  if (args.before === 1 && previousAt !== undefined && previousAt < createdAt.getTime()) {
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
