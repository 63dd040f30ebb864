const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes a vector as a BLOB of IEEE-754 float32 values, little-endian, 4 bytes per dimension. */
export function encodeFloat32Blob(vector: Float32Array | readonly number[]): Buffer {
  const floats = vector instanceof Float32Array ? vector : Float32Array.from(vector);
  if (littleEndian) return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
  const bytes = Buffer.allocUnsafe(floats.length * 4);
  for (let index = 0; index < floats.length; index++) bytes.writeFloatLE(floats[index]!, index * 4);
  return bytes;
}

/** Decodes a float32 little-endian BLOB into `target` at element `offset` (or a new array). */
export function decodeFloat32Blob(blob: Uint8Array, target: Float32Array = new Float32Array(blob.byteLength / 4), offset = 0): Float32Array {
  if (littleEndian) {
    new Uint8Array(target.buffer, target.byteOffset + offset * 4, blob.byteLength).set(blob);
    return target;
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let index = 0; index < blob.byteLength / 4; index++) target[offset + index] = view.getFloat32(index * 4, true);
  return target;
}
