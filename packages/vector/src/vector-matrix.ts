import { StorageError } from '@mastra-ts/core';
import { plainScanKernel, unrolled4ScanKernel, unrolled8ScanKernel, type JsScanKernel } from './kernels/js-scan-kernels.ts';
import { defaultScanKernel, scanKernelModule, type ScanKernelName } from './kernels/scan-kernel.ts';

interface WasmScanExports {
  dot_range(query: number, base: number, dimension: number, slots: number, count: number, out: number): void;
  l2_range(query: number, base: number, dimension: number, slots: number, count: number, out: number): void;
  dot_gather(query: number, base: number, dimension: number, slots: number, count: number, out: number): void;
  l2_gather(query: number, base: number, dimension: number, slots: number, count: number, out: number): void;
}

const pageBytes = 65_536;
const maxPages = 65_536;
const minimumScratch = 4096;
const jsKernels: Record<Exclude<ScanKernelName, 'wasm-simd'>, JsScanKernel> = {
  'js-plain': plainScanKernel,
  'js-unrolled4': unrolled4ScanKernel,
  'js-unrolled8': unrolled8ScanKernel,
};

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/**
 * Rows of `dimension` float32 values in one contiguous, growable WebAssembly memory, plus a query slot and scratch
 * buffers, so every kernel (wasm or JS) reads the same bytes without copying. Row numbers are "slots".
 */
export class VectorMatrix {
  readonly dimension: number;
  readonly kernel: ScanKernelName;
  /** View over the whole memory; replaced when the memory grows. */
  floats: Float32Array;
  /** Scratch list of slots for `gather`; replaced when the memory grows. */
  slots: Int32Array;
  /** Scratch output of `scan`/`gather`; replaced when the memory grows. */
  out: Float32Array;
  #capacity = 0;
  readonly #memory: WebAssembly.Memory;
  readonly #wasm: WasmScanExports | undefined;
  readonly #js: JsScanKernel | undefined;
  readonly #rowsOffset: number;
  #slotsOffset = 0;
  #outOffset = 0;

  constructor({ dimension, kernel = defaultScanKernel(), initialCapacity = 256 }: { dimension: number; kernel?: ScanKernelName; initialCapacity?: number }) {
    this.dimension = dimension;
    this.kernel = kernel;
    this.#rowsOffset = align16(dimension * 4);
    this.#memory = new WebAssembly.Memory({ initial: 1, maximum: maxPages });
    if (kernel === 'wasm-simd') {
      const module = scanKernelModule();
      if (module === null) throw new StorageError({ store: 'vector', operation: 'createIndex', message: 'kernel "wasm-simd" needs WebAssembly SIMD, which this runtime lacks: use kernel "js-unrolled8"' });
      this.#wasm = new WebAssembly.Instance(module, { env: { memory: this.#memory } }).exports as unknown as WasmScanExports;
    } else {
      this.#js = jsKernels[kernel];
    }
    this.floats = new Float32Array(0);
    this.slots = new Int32Array(0);
    this.out = new Float32Array(0);
    this.ensureCapacity(initialCapacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Grows to hold at least `rows` rows, keeping existing rows. Views must be re-read afterwards. */
  ensureCapacity(rows: number): void {
    if (rows <= this.#capacity && this.floats.length > 0) return;
    let capacity = Math.max(this.#capacity, 64);
    while (capacity < rows) capacity *= 2;
    const scratch = Math.max(capacity, minimumScratch);
    const slotsOffset = align16(this.#rowsOffset + capacity * this.dimension * 4);
    const outOffset = slotsOffset + align16(scratch * 4);
    const needed = outOffset + scratch * 4;
    const pages = Math.ceil(needed / pageBytes);
    const current = this.#memory.buffer.byteLength / pageBytes;
    if (pages > maxPages) {
      throw new StorageError({ store: 'vector', operation: 'upsert', message: `${rows} rows of dimension ${this.dimension} exceed the 4 GiB of one index: split the data over several indexes` });
    }
    if (pages > current) this.#memory.grow(pages - current);
    this.#capacity = capacity;
    this.#slotsOffset = slotsOffset;
    this.#outOffset = outOffset;
    this.floats = new Float32Array(this.#memory.buffer);
    this.slots = new Int32Array(this.#memory.buffer, slotsOffset, scratch);
    this.out = new Float32Array(this.#memory.buffer, outOffset, scratch);
  }

  /** Float index where the row of `slot` starts. */
  rowStart(slot: number): number {
    return (this.#rowsOffset >> 2) + slot * this.dimension;
  }

  /** Writes a row (scaled to unit length when `normalize`); returns the original euclidean norm. */
  write(slot: number, values: ArrayLike<number>, normalize: boolean): number {
    return this.#writeAt(this.rowStart(slot), values, normalize);
  }

  /** Writes the query row read by `scan`/`gather` with `querySlot = -1`. */
  setQuery(values: ArrayLike<number>, normalize: boolean): void {
    this.#writeAt(0, values, normalize);
  }

  #writeAt(start: number, values: ArrayLike<number>, normalize: boolean): number {
    const dimension = this.dimension;
    if (values instanceof Float32Array && values.length === dimension) {
      const floats = this.floats;
      floats.set(values, start);
      const end = start + dimension;
      let squares = 0;
      for (let index = start; index < end; index++) squares += floats[index]! * floats[index]!;
      const norm = Math.sqrt(squares);
      if (normalize) {
        const scale = norm === 0 ? 0 : 1 / norm;
        for (let index = start; index < end; index++) floats[index] = floats[index]! * scale;
      }
      return norm;
    }
    let squares = 0;
    for (let index = 0; index < dimension; index++) squares += values[index]! * values[index]!;
    const norm = Math.sqrt(squares);
    const scale = normalize ? (norm === 0 ? 0 : 1 / norm) : 1;
    const floats = this.floats;
    for (let index = 0; index < dimension; index++) floats[start + index] = values[index]! * scale;
    return norm;
  }

  /** True when writing `values` at `slot` would store exactly the row already there. */
  equals(slot: number, values: ArrayLike<number>, normalize: boolean): boolean {
    const dimension = this.dimension;
    let squares = 0;
    for (let index = 0; index < dimension; index++) squares += values[index]! * values[index]!;
    const norm = Math.sqrt(squares);
    const scale = normalize ? (norm === 0 ? 0 : 1 / norm) : 1;
    const floats = this.floats;
    const start = this.rowStart(slot);
    for (let index = 0; index < dimension; index++) if (floats[start + index] !== Math.fround(values[index]! * scale)) return false;
    return true;
  }

  copy(from: number, to: number): void {
    const start = this.rowStart(from);
    this.floats.copyWithin(this.rowStart(to), start, start + this.dimension);
  }

  /** A view of a row (valid until the memory grows). */
  view(slot: number): Float32Array {
    const start = this.rowStart(slot);
    return this.floats.subarray(start, start + this.dimension);
  }

  /** Scores rows `0..count` against the query (`-1`) or another row; returns `out` (first `count` entries valid). */
  scan(querySlot: number, count: number, squared: boolean): Float32Array {
    this.ensureCapacity(count);
    const query = querySlot < 0 ? 0 : this.#rowsOffset + querySlot * this.dimension * 4;
    if (this.#wasm) {
      (squared ? this.#wasm.l2_range : this.#wasm.dot_range)(query, this.#rowsOffset, this.dimension, 0, count, this.#outOffset);
    } else {
      this.#js!(this.floats, query >> 2, this.#rowsOffset >> 2, this.dimension, undefined, count, this.out, squared);
    }
    return this.out;
  }

  /** Scores the rows listed in `slots[0..count]`; returns `out`. */
  gather(querySlot: number, count: number, squared: boolean): Float32Array {
    const query = querySlot < 0 ? 0 : this.#rowsOffset + querySlot * this.dimension * 4;
    if (this.#wasm) {
      (squared ? this.#wasm.l2_gather : this.#wasm.dot_gather)(query, this.#rowsOffset, this.dimension, this.#slotsOffset, count, this.#outOffset);
    } else {
      this.#js!(this.floats, query >> 2, this.#rowsOffset >> 2, this.dimension, this.slots, count, this.out, squared);
    }
    return this.out;
  }
}
