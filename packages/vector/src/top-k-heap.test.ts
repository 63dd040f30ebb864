import { describe, expect, it } from 'vitest';
import { TopKHeap } from './top-k-heap.ts';

describe('TopKHeap', () => {
  it('keeps the k highest keys, ties broken by the smaller id, like a full sort', () => {
    let state = 9;
    const random = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) % 20;
    const ids = Array.from({ length: 500 }, (_, index) => `id-${String(index).padStart(3, '0')}`).reverse();
    const keys = ids.map(() => random());
    for (const k of [1, 5, 37, 500, 800]) {
      const heap = new TopKHeap(k, ids);
      keys.forEach((key, slot) => heap.push(slot, key));
      const expected = keys
        .map((key, slot) => ({ slot, key }))
        .sort((a, b) => b.key - a.key || (ids[a.slot]! < ids[b.slot]! ? -1 : 1))
        .slice(0, k);
      expect(heap.sorted()).toEqual(expected);
      expect(heap.size).toBe(Math.min(k, 500));
    }
  });
});

describe('TopKHeap.offerAll', () => {
  it('keeps what pushing every key one by one keeps, with ties, negated squared distances and a slot list', () => {
    const ids = Array.from({ length: 200 }, (_, index) => `id${String(199 - index).padStart(3, '0')}`);
    const out = Float32Array.from({ length: 200 }, (_, index) => Math.round(Math.sin(index * 1.7) * 4) / 4);
    const slots = Int32Array.from({ length: 150 }, (_, index) => (index * 7) % 200);
    for (const squared of [false, true]) {
      for (const list of [undefined, slots]) {
        const count = list === undefined ? out.length : list.length;
        const bulk = new TopKHeap(9, ids);
        bulk.offerAll(out, count, squared, list);
        const single = new TopKHeap(9, ids);
        for (let index = 0; index < count; index++) single.push(list === undefined ? index : list[index]!, squared ? -out[index]! : out[index]!);
        expect(bulk.sorted()).toEqual(single.sorted());
        expect(bulk.size).toBe(9);
      }
    }
  });
});
