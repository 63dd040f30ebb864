/**
 * Assembles the WebAssembly SIMD scan kernel. The module imports its memory (`env.memory`) and exports four
 * functions, all taking byte offsets: `dot_range` / `l2_range (query, base, dimension, _, count, out)` score rows
 * `0..count` laid out from `base`; `dot_gather` / `l2_gather (query, base, dimension, slots, count, out)` score
 * the rows whose slot numbers are listed as i32 at `slots`. Results are f32 written to `out`.
 * `dot_*` writes the dot product, `l2_*` the squared euclidean distance. `i8_dot_range (query, base, stride, _, count, out)`
 * writes the i32 dot products of int8 rows of `stride` bytes (a multiple of 16, zero padded) against an int8 query;
 * `i8_dot_gather (query, base, stride, slots, count, out)` does the same for listed rows.
 */
export function buildScanKernelModule(): Uint8Array {
  const types = [...section(1, vector([functionType([i32, i32, i32, i32, i32, i32], [])]))];
  const imports = section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]]));
  const functions = section(3, vector([[0], [0], [0], [0], [0], [0]]));
  const exportNames = ['dot_range', 'l2_range', 'dot_gather', 'l2_gather', 'i8_dot_range', 'i8_dot_gather'];
  const exports = section(7, vector(exportNames.map((exportName, index) => [...name(exportName), 0x00, index])));
  const bodies = [
    scanBody({ squaredDifference: false, gather: false }),
    scanBody({ squaredDifference: true, gather: false }),
    scanBody({ squaredDifference: false, gather: true }),
    scanBody({ squaredDifference: true, gather: true }),
    int8DotBody(false),
    int8DotBody(true),
  ];
  const code = section(10, vector(bodies.map((body) => [...unsigned(body.length), ...body])));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...functions, ...exports, ...code]);
}

const i32 = 0x7f;
const f32 = 0x7d;
const v128 = 0x7b;

const Local = {
  query: 0,
  base: 1,
  dimension: 2,
  slots: 3,
  count: 4,
  out: 5,
  row: 6,
  rowAddress: 7,
  offset: 8,
  rowBytes: 9,
  end16: 10,
  end4: 11,
  sum: 12,
  acc0: 13,
  acc1: 14,
  acc2: 15,
  acc3: 16,
  difference: 17,
  scalar: 18,
} as const;
type Local = number;

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: Local) => [0x20, local],
  set: (local: Local) => [0x21, local],
  tee: (local: Local) => [0x22, local],
  i32Const: (value: number) => [0x41, ...signed(value)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  i32Load: [0x28, 0x02, 0x00],
  f32Load: (offset: number) => [0x2a, 0x02, ...unsigned(offset)],
  f32Store: [0x38, 0x02, 0x00],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  v128Load: (offset: number) => [0xfd, 0x00, 0x02, ...unsigned(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4ExtractLane: (lane: number) => [0xfd, 0x1f, lane],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Sub: [0xfd, 0xe5, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
  i32Store: [0x36, 0x02, 0x00],
  i32x4ExtractLane: (lane: number) => [0xfd, 0x1b, lane],
  i16x8ExtendLowI8x16: [0xfd, 0x87, 0x01],
  i16x8ExtendHighI8x16: [0xfd, 0x88, 0x01],
  i32x4DotI16x8: [0xfd, 0xba, 0x01],
  i32x4Add: [0xfd, 0xae, 0x01],
};

function int8DotBody(gather: boolean): number[] {
  const rowIndex = gather
    ? [...op.get(Local.slots), ...op.get(Local.row), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load]
    : op.get(Local.row);
  const half = (extend: number[]): number[] => [
    ...op.get(Local.acc0),
    ...op.get(Local.acc1), ...extend, ...op.get(Local.acc2), ...extend, ...op.i32x4DotI16x8,
    ...op.i32x4Add, ...op.set(Local.acc0),
  ];
  const body = [
    ...op.block, ...op.loop,
    ...op.get(Local.row), ...op.get(Local.count), ...op.i32GeU, ...op.brIf(1),
    ...op.get(Local.base), ...rowIndex, ...op.get(Local.dimension), ...op.i32Mul, ...op.i32Add, ...op.set(Local.rowAddress),
    ...op.v128Zero, ...op.set(Local.acc0),
    ...op.i32Const(0), ...op.set(Local.offset),
    ...op.block, ...op.loop,
    ...op.get(Local.offset), ...op.get(Local.dimension), ...op.i32GeU, ...op.brIf(1),
    ...op.get(Local.query), ...op.get(Local.offset), ...op.i32Add, ...op.v128Load(0), ...op.set(Local.acc1),
    ...op.get(Local.rowAddress), ...op.get(Local.offset), ...op.i32Add, ...op.v128Load(0), ...op.set(Local.acc2),
    ...half(op.i16x8ExtendLowI8x16),
    ...half(op.i16x8ExtendHighI8x16),
    ...op.get(Local.offset), ...op.i32Const(16), ...op.i32Add, ...op.set(Local.offset),
    ...op.br(0),
    ...op.end, ...op.end,
    ...op.get(Local.out), ...op.get(Local.row), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add,
    ...op.get(Local.acc0), ...op.i32x4ExtractLane(0), ...op.get(Local.acc0), ...op.i32x4ExtractLane(1), ...op.i32Add,
    ...op.get(Local.acc0), ...op.i32x4ExtractLane(2), ...op.get(Local.acc0), ...op.i32x4ExtractLane(3), ...op.i32Add, ...op.i32Add,
    ...op.i32Store,
    ...op.get(Local.row), ...op.i32Const(1), ...op.i32Add, ...op.set(Local.row),
    ...op.br(0),
    ...op.end, ...op.end,
    ...op.end,
  ];
  return [...vector([[6, i32], [1, f32], [5, v128], [1, f32]]), ...body];
}

function scanBody({ squaredDifference, gather }: { squaredDifference: boolean; gather: boolean }): number[] {
  const vectorTerm = (offset: number): number[] => [
    ...op.get(Local.query), ...op.get(Local.offset), ...op.i32Add, ...op.v128Load(offset),
    ...op.get(Local.rowAddress), ...op.get(Local.offset), ...op.i32Add, ...op.v128Load(offset),
    ...(squaredDifference ? [...op.f32x4Sub, ...op.tee(Local.difference), ...op.get(Local.difference)] : []),
    ...op.f32x4Mul,
  ];
  const scalarTerm = [
    ...op.get(Local.query), ...op.get(Local.offset), ...op.i32Add, ...op.f32Load(0),
    ...op.get(Local.rowAddress), ...op.get(Local.offset), ...op.i32Add, ...op.f32Load(0),
    ...(squaredDifference ? [...op.f32Sub, ...op.tee(Local.scalar), ...op.get(Local.scalar)] : []),
    ...op.f32Mul,
  ];
  const accumulate = (accumulator: Local, offset: number): number[] => [
    ...op.get(accumulator), ...vectorTerm(offset), ...op.f32x4Add, ...op.set(accumulator),
  ];
  const advance = (bytes: number): number[] => [...op.get(Local.offset), ...op.i32Const(bytes), ...op.i32Add, ...op.set(Local.offset)];
  const whileBelow = (limit: Local, body: number[], step: number): number[] => [
    ...op.block, ...op.loop,
    ...op.get(Local.offset), ...op.get(limit), ...op.i32GeU, ...op.brIf(1),
    ...body, ...advance(step), ...op.br(0),
    ...op.end, ...op.end,
  ];
  const rowIndex = gather
    ? [...op.get(Local.slots), ...op.get(Local.row), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.i32Load]
    : op.get(Local.row);
  const body = [
    ...op.get(Local.dimension), ...op.i32Const(2), ...op.i32Shl, ...op.set(Local.rowBytes),
    ...op.get(Local.dimension), ...op.i32Const(-16), ...op.i32And, ...op.i32Const(2), ...op.i32Shl, ...op.set(Local.end16),
    ...op.get(Local.dimension), ...op.i32Const(-4), ...op.i32And, ...op.i32Const(2), ...op.i32Shl, ...op.set(Local.end4),
    ...op.block, ...op.loop,
    ...op.get(Local.row), ...op.get(Local.count), ...op.i32GeU, ...op.brIf(1),
    ...op.get(Local.base), ...rowIndex, ...op.get(Local.rowBytes), ...op.i32Mul, ...op.i32Add, ...op.set(Local.rowAddress),
    ...op.v128Zero, ...op.set(Local.acc0),
    ...op.v128Zero, ...op.set(Local.acc1),
    ...op.v128Zero, ...op.set(Local.acc2),
    ...op.v128Zero, ...op.set(Local.acc3),
    ...op.i32Const(0), ...op.set(Local.offset),
    ...whileBelow(Local.end16, [...accumulate(Local.acc0, 0), ...accumulate(Local.acc1, 16), ...accumulate(Local.acc2, 32), ...accumulate(Local.acc3, 48)], 64),
    ...whileBelow(Local.end4, accumulate(Local.acc0, 0), 16),
    ...op.get(Local.acc0), ...op.get(Local.acc1), ...op.f32x4Add, ...op.get(Local.acc2), ...op.get(Local.acc3), ...op.f32x4Add, ...op.f32x4Add,
    ...op.set(Local.acc0),
    ...op.get(Local.acc0), ...op.f32x4ExtractLane(0), ...op.get(Local.acc0), ...op.f32x4ExtractLane(1), ...op.f32Add,
    ...op.get(Local.acc0), ...op.f32x4ExtractLane(2), ...op.get(Local.acc0), ...op.f32x4ExtractLane(3), ...op.f32Add, ...op.f32Add,
    ...op.set(Local.sum),
    ...whileBelow(Local.rowBytes, [...op.get(Local.sum), ...scalarTerm, ...op.f32Add, ...op.set(Local.sum)], 4),
    ...op.get(Local.out), ...op.get(Local.row), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.get(Local.sum), ...op.f32Store,
    ...op.get(Local.row), ...op.i32Const(1), ...op.i32Add, ...op.set(Local.row),
    ...op.br(0),
    ...op.end, ...op.end,
    ...op.end,
  ];
  const locals = vector([[6, i32], [1, f32], [5, v128], [1, f32]]);
  return [...locals, ...body];
}

function functionType(params: number[], results: number[]): number[] {
  return [0x60, ...vector(params.map((type) => [type])), ...vector(results.map((type) => [type]))];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signed(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}
