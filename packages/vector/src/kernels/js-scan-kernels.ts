/**
 * A JavaScript scan over a shared `Float32Array`. Offsets are float indices. `gather` lists the row numbers to
 * score (`undefined` scans rows `0..count`). Each row's value (dot product, or squared euclidean distance when
 * `squared`) is written to `out[i]`.
 */
export type JsScanKernel = (
  floats: Float32Array,
  query: number,
  base: number,
  dimension: number,
  gather: Int32Array | undefined,
  count: number,
  out: Float32Array,
  squared: boolean,
) => void;

/** One multiply-add per iteration: the baseline. */
export const plainScanKernel: JsScanKernel = (floats, query, base, dimension, gather, count, out, squared) => {
  for (let row = 0; row < count; row++) {
    const start = base + (gather === undefined ? row : gather[row]!) * dimension;
    let sum = 0;
    if (squared) {
      for (let index = 0; index < dimension; index++) {
        const difference = floats[query + index]! - floats[start + index]!;
        sum += difference * difference;
      }
    } else {
      for (let index = 0; index < dimension; index++) sum += floats[query + index]! * floats[start + index]!;
    }
    out[row] = sum;
  }
};

/** Four independent accumulators per row. */
export const unrolled4ScanKernel: JsScanKernel = (floats, query, base, dimension, gather, count, out, squared) => {
  const end = dimension - (dimension % 4);
  for (let row = 0; row < count; row++) {
    const start = base + (gather === undefined ? row : gather[row]!) * dimension;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let index = 0;
    if (squared) {
      for (; index < end; index += 4) {
        const d0 = floats[query + index]! - floats[start + index]!;
        const d1 = floats[query + index + 1]! - floats[start + index + 1]!;
        const d2 = floats[query + index + 2]! - floats[start + index + 2]!;
        const d3 = floats[query + index + 3]! - floats[start + index + 3]!;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
      for (; index < dimension; index++) {
        const difference = floats[query + index]! - floats[start + index]!;
        s0 += difference * difference;
      }
    } else {
      for (; index < end; index += 4) {
        s0 += floats[query + index]! * floats[start + index]!;
        s1 += floats[query + index + 1]! * floats[start + index + 1]!;
        s2 += floats[query + index + 2]! * floats[start + index + 2]!;
        s3 += floats[query + index + 3]! * floats[start + index + 3]!;
      }
      for (; index < dimension; index++) s0 += floats[query + index]! * floats[start + index]!;
    }
    out[row] = s0 + s1 + (s2 + s3);
  }
};

/** Eight independent accumulators per row. */
export const unrolled8ScanKernel: JsScanKernel = (floats, query, base, dimension, gather, count, out, squared) => {
  const end = dimension - (dimension % 8);
  for (let row = 0; row < count; row++) {
    const start = base + (gather === undefined ? row : gather[row]!) * dimension;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    let index = 0;
    if (squared) {
      for (; index < end; index += 8) {
        const a = query + index;
        const b = start + index;
        const d0 = floats[a]! - floats[b]!;
        const d1 = floats[a + 1]! - floats[b + 1]!;
        const d2 = floats[a + 2]! - floats[b + 2]!;
        const d3 = floats[a + 3]! - floats[b + 3]!;
        const d4 = floats[a + 4]! - floats[b + 4]!;
        const d5 = floats[a + 5]! - floats[b + 5]!;
        const d6 = floats[a + 6]! - floats[b + 6]!;
        const d7 = floats[a + 7]! - floats[b + 7]!;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
        s4 += d4 * d4;
        s5 += d5 * d5;
        s6 += d6 * d6;
        s7 += d7 * d7;
      }
      for (; index < dimension; index++) {
        const difference = floats[query + index]! - floats[start + index]!;
        s0 += difference * difference;
      }
    } else {
      for (; index < end; index += 8) {
        const a = query + index;
        const b = start + index;
        s0 += floats[a]! * floats[b]!;
        s1 += floats[a + 1]! * floats[b + 1]!;
        s2 += floats[a + 2]! * floats[b + 2]!;
        s3 += floats[a + 3]! * floats[b + 3]!;
        s4 += floats[a + 4]! * floats[b + 4]!;
        s5 += floats[a + 5]! * floats[b + 5]!;
        s6 += floats[a + 6]! * floats[b + 6]!;
        s7 += floats[a + 7]! * floats[b + 7]!;
      }
      for (; index < dimension; index++) s0 += floats[query + index]! * floats[start + index]!;
    }
    out[row] = s0 + s1 + (s2 + s3) + (s4 + s5 + (s6 + s7));
  }
};
