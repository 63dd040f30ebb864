import { describe, expect, it } from 'vitest';
import { QuantizedRows } from './quantized-rows.ts';
import { seededVectors } from '@mastra-ts/conformance';

const quantize = (values: ArrayLike<number>): number[] => {
  let largest = 0;
  for (let index = 0; index < values.length; index++) largest = Math.max(largest, Math.abs(values[index]!));
  const inverse = largest === 0 ? 0 : 127 / largest;
  return Array.from(values, (value) => Math.max(-127, Math.min(127, Math.round(value * inverse))));
};

describe('QuantizedRows', () => {
  it('scans exact integer dot products (relaxed-SIMD split query) that match the gather kernel, across growth and copies', () => {
    for (const dimension of [130, 384]) {
      const rows = seededVectors(300, dimension, dimension);
      const query = seededVectors(1, dimension, 7)[0]!;
      const quantized = new QuantizedRows(dimension);
      rows.forEach((row, slot) => quantized.write(slot, row));
      quantized.copy(5, 6);
      quantized.setQuery(query);
      const q = quantize(query);
      const expected = rows.map((row, slot) => {
        const r = quantize(rows[slot === 6 ? 5 : slot]!);
        return r.reduce((sum, value, index) => sum + value * q[index]!, 0);
      });
      expect(Array.from(quantized.scan(rows.length).subarray(0, rows.length))).toEqual(expected);
      quantized.slots.set([299, 0, 6]);
      expect(Array.from(quantized.gather(3).subarray(0, 3))).toEqual([expected[299], expected[0], expected[6]]);
    }
  });
});
