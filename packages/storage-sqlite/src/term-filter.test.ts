import { describe, expect, it } from 'vitest';
import { searchToken } from './search-tokens.ts';
import { TermFilter } from './term-filter.ts';

describe('TermFilter', () => {
  it('holds every token added, and answers "maybe" for about 1 % of the others at its capacity', () => {
    const filter = new TermFilter(50_000);
    expect(filter.capacity).toBeGreaterThanOrEqual(50_000);
    const added = Array.from({ length: filter.capacity }, (_, index) => searchToken(`word${index}`));
    for (const token of added) filter.add(token);
    // distinct tokens: adding one again does not count (a few are false positives of the ones before, and uncounted)
    for (const token of added.slice(0, 1000)) filter.add(token);
    expect(filter.count).toBeLessThanOrEqual(added.length);
    expect(filter.count).toBeGreaterThan(added.length * 0.99);
    expect(added.every((token) => filter.mayHold(token))).toBe(true);
    let falsePositives = 0;
    const others = 100_000;
    for (let index = 0; index < others; index++) if (filter.mayHold(searchToken(`other${index}`))) falsePositives++;
    expect(falsePositives / others).toBeLessThan(0.02);
    // 10 bits per token of capacity, rounded up to a power of two
    const bits = filter.bytes * 8;
    expect(bits & (bits - 1)).toBe(0);
    expect(bits).toBeGreaterThanOrEqual(filter.capacity * 10);
    expect(bits).toBeLessThan((filter.capacity + 1) * 10);
  });

  it('takes tokens of any shape (hashed first) and sizes itself to a power of two, 64 Ki bits at least', () => {
    const filter = new TermFilter(0);
    expect(filter.bytes).toBe(8192);
    for (const token of ['plain', 'tNOTHEX000000000', '', 'ü']) {
      expect(filter.mayHold(token)).toBe(false);
      filter.add(token);
      expect(filter.mayHold(token)).toBe(true);
    }
  });
});
