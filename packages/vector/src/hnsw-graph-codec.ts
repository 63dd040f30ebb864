import { StorageError, type VectorMetric } from '@mastra-ts/core';

/** Everything an `HnswIndex` needs besides the live vectors, which persistence keeps as documents. */
export interface HnswGraphState {
  dimension: number;
  metric: VectorMetric;
  m: number;
  slotCount: number;
  entry: number;
  maxLevel: number;
  randomState: number;
  /** Id of each slot (tombstones included). */
  ids: string[];
  /** `hashFloat32` of each slot's embedding, to detect documents changed after the graph was saved. */
  hashes: Uint32Array;
  levels: Uint8Array;
  deleted: Uint8Array;
  /** `slotCount * (2m + 1)`: count, then neighbours, per slot. */
  links0: Int32Array;
  /** Upper layers of every slot with level > 0, in slot order: `level * (m + 1)` each. */
  upper: Int32Array;
  /** Rows (as stored, unit length for cosine) of tombstoned slots, in slot order: they still route searches. */
  tombstoneRows: Float32Array;
  tombstoneNorms: Float64Array;
}

const magic = 0x57_53_4e_48;
const version = 1;
const headerWords = 12;
const metrics: readonly VectorMetric[] = ['cosine', 'dotproduct', 'euclidean'];
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const pad8 = (bytes: number): number => (bytes + 7) & ~7;

function fail(message: string): never {
  throw new StorageError({ store: 'vector', operation: 'loadGraph', message });
}

/** Encodes the graph into one little-endian blob (sections 8-byte aligned, so decoding is a few copies). */
export function encodeHnswGraph(state: HnswGraphState): Uint8Array {
  if (!littleEndian) fail('graph blobs are little-endian; this platform is big-endian: rebuild the index instead');
  const idBytes = new TextEncoder().encode(JSON.stringify(state.ids));
  const sections: ArrayBufferView[] = [idBytes, state.hashes, state.levels, state.deleted, state.links0, state.upper, state.tombstoneRows, state.tombstoneNorms];
  const headerBytes = headerWords * 4;
  const total = sections.reduce((sum, section) => sum + pad8(section.byteLength), headerBytes);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const header = [magic, version, state.dimension, metrics.indexOf(state.metric), state.m, state.slotCount, state.entry, state.maxLevel, state.randomState, idBytes.byteLength, state.upper.length, state.tombstoneNorms.length];
  header.forEach((value, index) => view.setInt32(index * 4, value | 0, true));
  let offset = headerBytes;
  for (const section of sections) {
    bytes.set(new Uint8Array(section.buffer, section.byteOffset, section.byteLength), offset);
    offset += pad8(section.byteLength);
  }
  return bytes;
}

/** Decodes a blob written by `encodeHnswGraph`; throws `StorageError` when it is not one. */
export function decodeHnswGraph(blob: Uint8Array): HnswGraphState {
  if (!littleEndian) fail('graph blobs are little-endian; this platform is big-endian: rebuild the index instead');
  if (blob.byteLength < headerWords * 4) fail(`graph blob of ${blob.byteLength} bytes is too short: rebuild the index`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const word = (index: number): number => view.getInt32(index * 4, true);
  if (word(0) !== magic || word(1) !== version) fail(`graph blob has an unknown format (magic ${word(0)}, version ${word(1)}): rebuild the index`);
  const dimension = word(2);
  const metric = metrics[word(3)];
  if (metric === undefined) fail(`graph blob names unknown metric ${word(3)}`);
  const m = word(4);
  const slotCount = word(5);
  const upperLength = word(10);
  const tombstones = word(11);
  let offset = headerWords * 4;
  const take = (byteLength: number): ArrayBuffer => {
    if (offset + byteLength > blob.byteLength) fail('graph blob is truncated: rebuild the index');
    const copy = blob.slice(offset, offset + byteLength).buffer;
    offset += pad8(byteLength);
    return copy;
  };
  const ids = JSON.parse(new TextDecoder().decode(take(word(9)))) as string[];
  if (!Array.isArray(ids) || ids.length !== slotCount) fail('graph blob ids do not match its slot count');
  return {
    dimension,
    metric,
    m,
    slotCount,
    entry: word(6),
    maxLevel: word(7),
    randomState: word(8) >>> 0,
    ids,
    hashes: new Uint32Array(take(slotCount * 4)),
    levels: new Uint8Array(take(slotCount)),
    deleted: new Uint8Array(take(slotCount)),
    links0: new Int32Array(take(slotCount * (2 * m + 1) * 4)),
    upper: new Int32Array(take(upperLength * 4)),
    tombstoneRows: new Float32Array(take(tombstones * dimension * 4)),
    tombstoneNorms: new Float64Array(take(tombstones * 8)),
  };
}
