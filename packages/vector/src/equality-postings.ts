import type { JSONObject, MetadataFilter } from '@mastra-ts/core';

/** A metadata value an equality posting list is kept for. */
export type EqualityValue = string | number | boolean;

/** A top-level `field = value` condition that every entry matching a filter satisfies. */
export type MetadataEquality = readonly [field: string, value: EqualityValue];

/** Fields indexed per table at most: each costs one posting entry per row. */
const maxIndexedFields = 8;
const noSlots: ReadonlySet<number> = new Set();

/**
 * Posting lists (slots by value) for the top-level metadata fields that filtered queries compare for equality, so
 * that a query filtered to one thread or one user reads that thread's rows instead of testing every row. A field is
 * indexed on its first equality query (one pass over the rows), then kept current by every write. A list holds
 * exactly the rows that the compiled filter's equality on that field accepts: the field equals the value or is an
 * array holding it, a Date counting as its time in milliseconds (as `compileMetadataFilter` compares it), and NaN
 * never posted (it equals nothing). So a filter made of one equality alone needs no per-row test.
 */
export class EqualityPostings {
  readonly #fields = new Map<string, Map<EqualityValue, Set<number>>>();

  /** Indexed field names (for tests and diagnostics). */
  get fields(): string[] {
    return [...this.#fields.keys()];
  }

  add(slot: number, metadata: JSONObject | undefined): void {
    if (metadata === undefined || this.#fields.size === 0) return;
    for (const [field, postings] of this.#fields) post(postings, slot, metadata[field]);
  }

  remove(slot: number, metadata: JSONObject | undefined): void {
    if (metadata === undefined || this.#fields.size === 0) return;
    for (const [field, postings] of this.#fields) {
      for (const value of postedValues(metadata[field])) {
        const slots = postings.get(value);
        if (slots === undefined) continue;
        slots.delete(slot);
        if (slots.size === 0) postings.delete(value);
      }
    }
  }

  /**
   * The slots that may match all `equalities` (the shortest posting list among them), indexing a field first if
   * needed from `metadata[0, count)`; `undefined` when no equality can use a list (too many fields indexed already).
   */
  candidates(equalities: readonly MetadataEquality[], metadata: ReadonlyArray<JSONObject | undefined>, count: number): ReadonlySet<number> | undefined {
    let best: ReadonlySet<number> | undefined;
    for (const [field, value] of equalities) {
      const postings = this.#fields.get(field) ?? this.#index(field, metadata, count);
      if (postings === undefined) continue;
      const slots = postings.get(value) ?? noSlots;
      if (best === undefined || slots.size < best.size) best = slots;
    }
    return best;
  }

  #index(field: string, metadata: ReadonlyArray<JSONObject | undefined>, count: number): Map<EqualityValue, Set<number>> | undefined {
    if (this.#fields.size >= maxIndexedFields) return undefined;
    const postings = new Map<EqualityValue, Set<number>>();
    for (let slot = 0; slot < count; slot++) {
      const row = metadata[slot];
      if (row !== undefined) post(postings, slot, row[field]);
    }
    this.#fields.set(field, postings);
    return postings;
  }
}

function post(postings: Map<EqualityValue, Set<number>>, slot: number, value: unknown): void {
  for (const posted of postedValues(value)) {
    let slots = postings.get(posted);
    if (slots === undefined) postings.set(posted, (slots = new Set()));
    slots.add(slot);
  }
}

function isEqualityValue(value: unknown): value is EqualityValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

const none: EqualityValue[] = [];

/** The key a metadata value is posted under: itself, a Date's time (the filter compares Dates by it), none for NaN. */
function postingKey(value: unknown): EqualityValue | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return postingKey(value.getTime());
  return undefined;
}

function postedValues(value: unknown): readonly EqualityValue[] {
  const key = postingKey(value);
  if (key !== undefined) return [key];
  if (!Array.isArray(value)) return none;
  const keys: EqualityValue[] = [];
  for (const element of value) {
    const elementKey = postingKey(element);
    if (elementKey !== undefined) keys.push(elementKey);
  }
  return keys;
}

/**
 * The top-level `field: value` and `field: { $eq: value }` conditions of a filter (also inside a top-level `$and`),
 * for string, number and boolean values on plain field names: every entry the filter matches satisfies each of them.
 */
export function equalitiesOf(filter: MetadataFilter | undefined): MetadataEquality[] {
  return readEqualities(filter).equalities;
}

/**
 * The filter's equalities (`equalitiesOf`), and whether they are the whole filter: then an entry matches exactly when
 * it satisfies all of them, and the posting lists decide without testing rows.
 */
export function readEqualities(filter: MetadataFilter | undefined): { equalities: MetadataEquality[]; complete: boolean } {
  const equalities: MetadataEquality[] = [];
  let complete = true;
  const visit = (part: unknown): void => {
    if (typeof part !== 'object' || part === null || Array.isArray(part)) {
      complete = false;
      return;
    }
    for (const [key, condition] of Object.entries(part)) {
      // the compiled filter skips an undefined condition
      if (condition === undefined) continue;
      if (key === '$and') {
        if (Array.isArray(condition)) for (const item of condition) visit(item);
        else complete = false;
        continue;
      }
      if (key.startsWith('$') || key.includes('.')) {
        complete = false;
        continue;
      }
      if (isEqualityValue(condition)) equalities.push([key, condition]);
      else if (typeof condition === 'object' && condition !== null && !Array.isArray(condition) && !(condition instanceof Date)) {
        const operators = Object.keys(condition);
        const expected = (condition as { $eq?: unknown }).$eq;
        if (operators.length === 1 && operators[0] === '$eq' && isEqualityValue(expected)) equalities.push([key, expected]);
        else complete = false;
      } else complete = false;
    }
  };
  visit(filter);
  return { equalities, complete };
}
