/** FNV-1a over the 32-bit words of a float32 vector: identifies a persisted embedding without storing it twice. */
export function hashFloat32(values: Float32Array): number {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let hash = 0x811c9dc5;
  for (let index = 0; index < words.length; index++) hash = Math.imul(hash ^ words[index]!, 0x01000193);
  return hash >>> 0;
}
