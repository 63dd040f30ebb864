import { describe, expect, it } from 'vitest';
import { clusteredVectors } from '../test-vectors.ts';
import { HnswKernel } from './hnsw-kernel.ts';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
};
const unit = (row: Float32Array): Float32Array => {
  const norm = Math.sqrt(dot(row, row));
  return row.map((value) => value / norm);
};

describe('HnswKernel', () => {
  const rows = clusteredVectors({ count: 200, dimension: 200, seed: 4 }).map(unit);

  it('approximates query and pair distances from int8 rows within the quantisation error, for dot products and euclidean', () => {
    for (const squared of [false, true]) {
      const kernel = new HnswKernel({ dimension: 200, m0: 8, squared });
      rows.forEach((row, slot) => kernel.write(slot, row));
      const expected = (a: Float32Array, b: Float32Array): number => (squared ? dot(a, a) - 2 * dot(a, b) + dot(b, b) : -dot(a, b));
      kernel.setQuery(rows[7]!);
      for (let slot = 0; slot < rows.length; slot++) {
        expect(Math.abs(kernel.distance(slot) - expected(rows[7]!, rows[slot]!))).toBeLessThan(0.03);
        expect(Math.abs(kernel.pair(3, slot) - expected(rows[3]!, rows[slot]!))).toBeLessThan(0.03);
      }
      kernel.list.set([1, 2, 3]);
      expect(Array.from(kernel.distances(3).subarray(0, 3))).toEqual([1, 2, 3].map((slot) => kernel.distance(slot)));
    }
  });

  it('keeps rows and links when it grows past its first capacity', () => {
    const kernel = new HnswKernel({ dimension: 200, m0: 8, squared: false });
    kernel.write(0, rows[0]!);
    kernel.words[kernel.linkWord(0)] = 1;
    kernel.words[kernel.linkWord(0) + 1] = 150;
    kernel.setQuery(rows[0]!);
    const before = kernel.distance(0);
    for (let slot = 1; slot < rows.length; slot++) kernel.write(slot, rows[slot]!);
    expect(kernel.capacity).toBeGreaterThanOrEqual(200);
    kernel.setQuery(rows[0]!);
    expect(kernel.distance(0)).toBe(before);
    expect([kernel.words[kernel.linkWord(0)], kernel.words[kernel.linkWord(0) + 1]]).toEqual([1, 150]);
  });

  it('searches layer 0 closest first, skipping tombstones in live mode and asking the predicate in accept mode', () => {
    const kernel = new HnswKernel({ dimension: 200, m0: 8, squared: false });
    rows.forEach((row, slot) => kernel.write(slot, row));
    for (let slot = 0; slot < rows.length; slot++) {
      const start = kernel.linkWord(slot);
      kernel.words[start] = 2;
      kernel.words[start + 1] = (slot + 1) % rows.length;
      kernel.words[start + 2] = (slot + rows.length - 1) % rows.length;
    }
    kernel.setQuery(rows[10]!);
    const all = kernel.search(0, rows.length, 'all');
    expect(all).toBe(rows.length);
    const distances = Array.from(kernel.out.subarray(0, all));
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(kernel.list[0]).toBe(10);
    kernel.setDeleted(10, true);
    expect(kernel.search(0, 5, 'live')).toBe(5);
    expect(Array.from(kernel.list.subarray(0, 5))).not.toContain(10);
    kernel.accept = (slot) => slot % 2 === 1;
    const odd = kernel.search(0, 5, 'accept');
    expect(Array.from(kernel.list.subarray(0, odd)).every((slot) => slot % 2 === 1)).toBe(true);
  });

  it('answers an unfiltered search from its sorted list exactly as from its two heaps, at every ef and for both metrics', () => {
    // mode `all` with ef <= 256 runs the sorted-list search; `live` (no tombstones here: the same nodes qualify) runs
    // the heap search, as does `all` above 256: all three must expand the same nodes and keep the same results
    const count = 600;
    const many = clusteredVectors({ count, dimension: 64, seed: 11 }).map(unit);
    for (const squared of [false, true]) {
      const kernel = new HnswKernel({ dimension: 64, m0: 12, squared });
      many.forEach((row, slot) => kernel.write(slot, row));
      let state = 7;
      const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % count;
      for (let slot = 0; slot < count; slot++) {
        const start = kernel.linkWord(slot);
        kernel.words[start] = 12;
        for (let link = 1; link <= 12; link++) kernel.words[start + link] = next();
      }
      const run = (ef: number, mode: 'all' | 'live'): [number[], number[]] => {
        const found = kernel.search(0, ef, mode);
        return [Array.from(kernel.list.subarray(0, found)), Array.from(kernel.out.subarray(0, found))];
      };
      for (let query = 0; query < 40; query++) {
        kernel.setQuery(many[next()]!);
        for (const ef of [1, 2, 5, 16, 80, 256]) expect(run(ef, 'all')).toEqual(run(ef, 'live'));
        // the walk scores rows four at a time: the same distances as one at a time
        const [slots, distances] = run(80, 'all');
        expect(distances).toEqual(slots.map((slot) => kernel.distance(slot)));
        const wide = run(400, 'all');
        expect(wide).toEqual(run(400, 'live'));
        expect(wide[1]).toEqual([...wide[1]].sort((a, b) => a - b));
      }
    }
  });
});
