import { TypeValidationError } from '../errors/type-validation-error.ts';
import type { VectorMetric, VectorQueryArgs } from './vector-store.ts';

const indexNamePattern = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
const metrics: readonly VectorMetric[] = ['cosine', 'dotproduct', 'euclidean'];

function fail(field: string, value: unknown, message: string): never {
  throw new TypeValidationError({ value, context: 'vector store arguments', issues: [{ path: [field], message }] });
}

/** Throws unless the name is an identifier (letters, digits, `_`, `-`; at most 63). */
export function assertValidIndexName(indexName: string): void {
  if (typeof indexName !== 'string' || !indexNamePattern.test(indexName)) {
    fail('indexName', indexName, `"${String(indexName)}" is not a valid index name: use letters, digits, _ and - (at most 63, starting with a letter or _)`);
  }
}

/** Validates `createIndex` arguments and returns the metric (default cosine). */
export function validateCreateIndexArgs(args: { indexName: string; dimension: number; metric?: VectorMetric }): VectorMetric {
  assertValidIndexName(args.indexName);
  if (!Number.isInteger(args.dimension) || args.dimension < 1 || args.dimension > 65_536) {
    fail('dimension', args.dimension, `dimension must be an integer from 1 to 65536, got ${String(args.dimension)}`);
  }
  const metric = args.metric ?? 'cosine';
  if (!metrics.includes(metric)) fail('metric', metric, `metric must be one of ${metrics.join(', ')}, got "${String(metric)}"`);
  return metric;
}

/** Validates `upsert` arguments against the index dimension. */
export function validateUpsertArgs(
  args: { vectors: number[][]; metadata?: unknown[]; ids?: string[]; documents?: string[] },
  dimension: number,
): void {
  if (!Array.isArray(args.vectors)) fail('vectors', args.vectors, 'vectors must be an array of number arrays');
  for (const [field, list] of [['metadata', args.metadata], ['ids', args.ids], ['documents', args.documents]] as const) {
    if (list !== undefined && list.length !== args.vectors.length) {
      fail(field, list.length, `${field} has ${list.length} entries but vectors has ${args.vectors.length}: give one per vector`);
    }
  }
  args.vectors.forEach((vector, index) => assertVector(vector, dimension, `vectors.${index}`));
  if (args.ids) {
    const seen = new Set<string>();
    for (const id of args.ids) {
      if (typeof id !== 'string' || id.length === 0) fail('ids', id, 'ids must be non-empty strings');
      if (seen.has(id)) fail('ids', id, `id "${id}" appears twice in one upsert`);
      seen.add(id);
    }
  }
}

/** The largest `efSearch` (a graph walk's candidate list) a query or an index setting may ask for. */
export const maxEfSearch = 10_000;

/** What is wrong with an `efSearch` value, or undefined when it is an integer from 1 to `maxEfSearch`. */
export function efSearchProblem(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= maxEfSearch
    ? undefined
    : `efSearch must be an integer from 1 to ${maxEfSearch}, got ${String(value)}: it is how many candidates a graph index keeps per query`;
}

/** Returns the query vector (from `queryVector` or `vector`), validated against the dimension. */
export function resolveQueryVector(args: VectorQueryArgs, dimension: number): number[] {
  const vector = args.queryVector ?? args.vector;
  if (vector === undefined) fail('queryVector', vector, 'pass the query as queryVector (or vector)');
  assertVector(vector, dimension, 'queryVector');
  if (args.topK !== undefined && (!Number.isInteger(args.topK) || args.topK < 1)) fail('topK', args.topK, `topK must be a positive integer, got ${String(args.topK)}`);
  const efSearch = args.efSearch === undefined ? undefined : efSearchProblem(args.efSearch);
  if (efSearch !== undefined) fail('efSearch', args.efSearch, efSearch);
  return vector;
}

function assertVector(vector: unknown, dimension: number, field: string): asserts vector is number[] {
  if (!Array.isArray(vector) && !(vector instanceof Float32Array) && !(vector instanceof Float64Array)) fail(field, vector, 'expected an array of numbers');
  if (vector.length !== dimension) fail(field, vector.length, `expected ${dimension} dimensions, got ${vector.length}`);
  for (let index = 0; index < vector.length; index++) {
    if (!Number.isFinite(vector[index])) fail(`${field}.${index}`, vector[index], 'expected a finite number');
  }
}

/** Converts a raw metric value into a higher-is-better score. */
export function scoreFromDistance(metric: VectorMetric, value: number): number {
  return metric === 'euclidean' ? 1 / (1 + value) : value;
}
