/** Deterministic synthetic data for tests and benchmarks: Gaussian clusters, like real embeddings. */
export function clusteredVectors({ count, dimension, clusters = 32, spread = 0.35, seed = 1 }: { count: number; dimension: number; clusters?: number; spread?: number; seed?: number }): Float32Array[] {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return (((value ^ (value >>> 14)) >>> 0) + 0.5) / 4_294_967_296;
  };
  const gaussian = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const centers = Array.from({ length: clusters }, () => Float32Array.from({ length: dimension }, gaussian));
  return Array.from({ length: count }, () => {
    const center = centers[Math.floor(uniform() * clusters)]!;
    return Float32Array.from(center, (value) => value + spread * gaussian());
  });
}
