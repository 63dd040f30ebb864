import { describe, expect, it } from 'vitest';
import { isSearchableTerm, messageSearchTerms, rankSearchHits, searchTerms, termWeight } from './message-search.ts';

describe('message search terms', () => {
  it('cuts words of any script, lower-cased and NFKC-normalised, each once, in order', () => {
    expect(searchTerms('Café CAFE\u0301 café! ﬁle Straße 東京 2026-11-26')).toEqual(['café', 'file', 'straße', '東京', '2026', '11', '26']);
    expect(searchTerms('   ... !!! ')).toEqual([]);
  });

  it('drops runs longer than 64 characters (hashes, base64), not the words around them', () => {
    expect(searchTerms(`token ${'a'.repeat(65)} end ${'b'.repeat(64)}`)).toEqual(['token', 'end', 'b'.repeat(64)]);
  });

  it('takes the text parts of user and assistant messages only', () => {
    expect(messageSearchTerms({ role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'image', image: 'x' }, { type: 'text', text: 'world' }] })).toEqual(['hello', 'world']);
    expect(messageSearchTerms({ role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c', toolName: 'weather', input: { city: 'Oslo' } }] })).toEqual([]);
    expect(messageSearchTerms({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c', toolName: 'weather', output: 'Oslo' }] })).toEqual([]);
    expect(messageSearchTerms({ role: 'system', content: 'Be brief' })).toEqual([]);
  });

  it('weighs rarer terms higher, and calls terms searchable only when rare both absolutely and relatively', () => {
    expect(termWeight(1000, 1)).toBeGreaterThan(termWeight(1000, 10));
    expect(termWeight(1000, 999)).toBeGreaterThan(0);
    expect(isSearchableTerm(100_000, 50, 50)).toBe(true);
    expect(isSearchableTerm(100_000, 51, 50)).toBe(false);
    // in 11 of 1,000 messages: more than 1%
    expect(isSearchableTerm(1000, 11, 50)).toBe(false);
    expect(isSearchableTerm(1000, 10, 50)).toBe(true);
    // a small store still searches a word in one or two messages
    expect(isSearchableTerm(100, 2, 50)).toBe(true);
    expect(isSearchableTerm(100, 3, 50)).toBe(false);
    expect(isSearchableTerm(100, 0, 50)).toBe(false);
  });

  it('ranks by summed weights, ties to the newest, counting a term once per message', () => {
    const at = (seconds: number) => new Date(seconds * 1000);
    const weights = new Map([
      ['rare', 3],
      ['common', 1],
    ]);
    const hits = rankSearchHits(
      [
        { term: 'common', id: 'old', threadId: 't', createdAt: at(1) },
        { term: 'common', id: 'new', threadId: 't', createdAt: at(2) },
        { term: 'rare', id: 'both', threadId: 't', resourceId: 'u', createdAt: at(0) },
        { term: 'common', id: 'both', threadId: 't', resourceId: 'u', createdAt: at(0) },
        { term: 'common', id: 'both', threadId: 't', resourceId: 'u', createdAt: at(0) },
      ],
      weights,
      10,
    );
    expect(hits.map((hit) => [hit.id, hit.score])).toEqual([
      ['both', 4],
      ['new', 1],
      ['old', 1],
    ]);
    expect(hits[0]).toMatchObject({ resourceId: 'u', matched: ['rare', 'common'] });
    expect('resourceId' in hits[1]!).toBe(false);
    expect(rankSearchHits([], weights, 10)).toEqual([]);
  });
});
