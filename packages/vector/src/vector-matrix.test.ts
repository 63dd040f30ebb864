import { describe, expect, it } from 'vitest';
import type { ScanKernelName } from './kernels/scan-kernel.ts';
import { defaultScanKernel, scanKernelModule } from './kernels/scan-kernel.ts';
import { VectorMatrix } from './vector-matrix.ts';

const kernels: ScanKernelName[] = ['wasm-simd', 'js-unrolled8', 'js-unrolled4', 'js-plain'];

function reference(query: number[], row: number[], squared: boolean): number {
  let sum = 0;
  for (let index = 0; index < query.length; index++) sum += squared ? (query[index]! - row[index]!) ** 2 : query[index]! * row[index]!;
  return sum;
}

describe('VectorMatrix kernels', () => {
  it('compiles the SIMD module on this runtime and picks it by default', () => {
    expect(scanKernelModule()).toBeInstanceOf(WebAssembly.Module);
    expect(defaultScanKernel()).toBe('wasm-simd');
  });

  for (const kernel of kernels) {
    it(`${kernel}: scan and gather agree with a float64 reference for every dimension remainder`, () => {
      let state = 3;
      const random = (): number => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
      for (const dimension of [1, 3, 4, 5, 15, 16, 17, 31, 33, 64, 67, 384]) {
        const matrix = new VectorMatrix({ dimension, kernel, initialCapacity: 8 });
        const rows = Array.from({ length: 70 }, () => Array.from({ length: dimension }, random));
        rows.forEach((row, slot) => {
          matrix.ensureCapacity(slot + 1);
          matrix.write(slot, row, false);
        });
        const query = Array.from({ length: dimension }, random);
        matrix.setQuery(query, false);
        const stored = rows.map((row) => row.map(Math.fround));
        const storedQuery = query.map(Math.fround);
        for (const squared of [false, true]) {
          const out = matrix.scan(-1, rows.length, squared);
          stored.forEach((row, slot) => expect(out[slot]).toBeCloseTo(reference(storedQuery, row, squared), 3));
          const picks = [69, 0, 33, 33, 7];
          picks.forEach((slot, index) => (matrix.slots[index] = slot));
          const gathered = matrix.gather(5, picks.length, squared);
          picks.forEach((slot, index) => expect(gathered[index]).toBeCloseTo(reference(stored[5]!, stored[slot]!, squared), 3));
        }
      }
    });
  }

  it('keeps rows across growth and normalizes for cosine', () => {
    const matrix = new VectorMatrix({ dimension: 3, initialCapacity: 1 });
    expect(matrix.write(0, [3, 4, 0], true)).toBe(5);
    expect(Array.from(matrix.view(0))).toEqual([Math.fround(0.6), Math.fround(0.8), 0]);
    matrix.ensureCapacity(100_000);
    expect(matrix.capacity).toBeGreaterThanOrEqual(100_000);
    expect(Array.from(matrix.view(0))).toEqual([Math.fround(0.6), Math.fround(0.8), 0]);
    expect(matrix.write(1, [0, 0, 0], true)).toBe(0);
    expect(Array.from(matrix.view(1))).toEqual([0, 0, 0]);
    expect(matrix.equals(0, [6, 8, 0], true)).toBe(true);
    expect(matrix.equals(0, [6, 8, 1], true)).toBe(false);
  });
});
