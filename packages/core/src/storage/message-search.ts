import type { JSONValue } from '../shared/json-value.ts';
import type { MessageSearchHit } from './memory-store.ts';

/** Longest term kept; longer runs of letters (hashes, base64) are not words anyone searches for. */
const maxTermLength = 64;

/**
 * The text a message contributes to keyword search: the text parts of user and assistant messages (tool traffic and
 * system prompts are left out, as they are for embeddings).
 */
export function messageSearchText(message: { role: string; content: JSONValue }): string {
  if (message.role !== 'user' && message.role !== 'assistant') return '';
  const content = message.content;
  if (typeof content === 'string') return content.trim();
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (part !== null && typeof part === 'object' && !Array.isArray(part) && part['type'] === 'text' && typeof part['text'] === 'string') texts.push(part['text']);
  }
  return texts.join('\n').trim();
}

/**
 * The distinct search terms of a text, in order of first appearance: NFKC-normalised, lower-cased runs of letters
 * and digits (any script), at most 64 characters. Stores index these and `MemoryStore.searchMessages` takes them,
 * so a query and the messages it should find are cut the same way.
 */
export function searchTerms(text: string): string[] {
  const words = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return [];
  const terms = new Set<string>();
  for (const word of words) if (word.length <= maxTermLength) terms.add(word);
  return [...terms];
}

/** The search terms of a message (`searchTerms(messageSearchText(message))`). */
export function messageSearchTerms(message: { role: string; content: JSONValue }): string[] {
  return searchTerms(messageSearchText(message));
}

/**
 * The weight of a term found in `documentFrequency` of `documents` messages: BM25's inverse document frequency
 * (Lucene's form, always positive), so a rarer term counts for more.
 */
export function termWeight(documents: number, documentFrequency: number): number {
  return Math.log(1 + (documents - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * Whether a term is rare enough to search: in at most `maxDocumentFrequency` messages (the bound on a search's
 * work) and in at most 1% of them (but always when in one or two).
 */
export function isSearchableTerm(documents: number, documentFrequency: number, maxDocumentFrequency: number): boolean {
  return documentFrequency > 0 && documentFrequency <= maxDocumentFrequency && documentFrequency <= Math.max(2, documents * 0.01);
}

/** Default of `SearchMessagesQuery.maxDocumentFrequency`. */
export const defaultMaxDocumentFrequency = 50;

/** Most query terms a search looks at (the first ones). */
export const maxQueryTerms = 64;

/** A message containing a searched term, as a store found it. */
export interface SearchPosting {
  term: string;
  id: string;
  threadId: string;
  resourceId?: string | undefined;
  createdAt: Date;
}

/**
 * Ranks the postings of the searched terms: each message scores the sum of its terms' `weights`; best first, ties
 * to the newest. Stores call this after collecting the postings of the terms `isSearchableTerm` accepts.
 */
export function rankSearchHits(postings: Iterable<SearchPosting>, weights: ReadonlyMap<string, number>, limit: number): MessageSearchHit[] {
  const hits = new Map<string, MessageSearchHit>();
  for (const posting of postings) {
    const weight = weights.get(posting.term) ?? 0;
    const hit = hits.get(posting.id);
    if (hit) {
      if (!hit.matched.includes(posting.term)) {
        hit.score += weight;
        hit.matched.push(posting.term);
      }
      continue;
    }
    hits.set(posting.id, {
      id: posting.id,
      threadId: posting.threadId,
      ...(posting.resourceId === undefined ? {} : { resourceId: posting.resourceId }),
      createdAt: posting.createdAt,
      score: weight,
      matched: [posting.term],
    });
  }
  return [...hits.values()].sort(compareSearchHits).slice(0, Math.max(0, limit));
}

/** The order of search hits: higher score first, then the newest, then the greater id (so the order is total). */
export function compareSearchHits(a: MessageSearchHit, b: MessageSearchHit): number {
  return b.score - a.score || b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The distinct query terms a search looks at. */
export function queryTerms(terms: readonly string[]): string[] {
  return [...new Set(terms)].slice(0, maxQueryTerms);
}
