import { describe, expect, it } from 'vitest';
import { searchToken, termsHash } from './search-tokens.ts';

describe('search tokens', () => {
  it('are 17 lower-case ASCII characters, the same for the same term and different for different ones', () => {
    const terms = ['café', 'cafe', '東京', 'a', 'b', 'ab', 'ba', '2026', 'x'.repeat(64)];
    const tokens = terms.map(searchToken);
    for (const token of tokens) expect(token).toMatch(/^t[0-9a-f]{16}$/);
    expect(new Set(tokens).size).toBe(terms.length);
    expect(searchToken('café')).toBe(tokens[0]);
  });

  it('no two of 200,000 distinct terms share a token', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 200_000; index++) seen.add(searchToken(`w${index.toString(36)}`));
    expect(seen.size).toBe(200_000);
  });

  it('hash a term list by its terms and their order', () => {
    expect(termsHash(['a', 'b'])).toBe(termsHash(['a', 'b']));
    expect(termsHash(['a', 'b'])).not.toBe(termsHash(['ab']));
    expect(termsHash(['a', 'b'])).not.toBe(termsHash(['b', 'a']));
  });
});
