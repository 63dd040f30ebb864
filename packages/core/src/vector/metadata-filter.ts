import { TypeValidationError } from '../errors/type-validation-error.ts';

type Scalar = string | number | boolean | null;

/** Operators on one field. */
export interface FieldOperators {
  $eq?: unknown;
  $ne?: unknown;
  $gt?: string | number | Date;
  $gte?: string | number | Date;
  $lt?: string | number | Date;
  $lte?: string | number | Date;
  $in?: unknown[];
  $nin?: unknown[];
  $exists?: boolean;
  $not?: FieldOperators | Scalar;
}

/**
 * A Mongo-style metadata filter: `{ category: 'news', year: { $gte: 2020 }, $or: [{ a: 1 }, { 'b.c': { $in: [1, 2] } }] }`.
 * Keys are field names or dotted paths into nested objects. A field holding an array matches `$eq`/`$in`
 * when any element does.
 */
export type MetadataFilter = {
  $and?: MetadataFilter[];
  $or?: MetadataFilter[];
  $nor?: MetadataFilter[];
  $not?: MetadataFilter;
} & { [field: string]: unknown };

/** A compiled predicate over a metadata object. */
export type MetadataPredicate = (metadata: Record<string, unknown> | undefined) => boolean;

const fieldOperators = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$not']);

/** Compiles a filter into a predicate once, so scans do not re-interpret it per row. Invalid filters throw `TypeValidationError`. */
export function compileMetadataFilter(filter: MetadataFilter | undefined): MetadataPredicate {
  if (filter == null || Object.keys(filter).length === 0) return () => true;
  return compileObject(filter, []);
}

/** True when `metadata` matches `filter`. Prefer `compileMetadataFilter` in loops. */
export function matchesMetadataFilter(metadata: Record<string, unknown> | undefined, filter: MetadataFilter | undefined): boolean {
  return compileMetadataFilter(filter)(metadata);
}

function invalid(path: PropertyKey[], message: string, value: unknown): never {
  throw new TypeValidationError({ value, issues: [{ path, message }], context: 'metadata filter' });
}

function compileObject(filter: MetadataFilter, path: PropertyKey[]): MetadataPredicate {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) invalid(path, 'expected an object', filter);
  const predicates: MetadataPredicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (condition === undefined) continue;
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(condition)) invalid([...path, key], `${key} takes an array of filters`, condition);
      const parts = condition.map((item, index) => compileObject(item as MetadataFilter, [...path, key, index]));
      predicates.push(
        key === '$and'
          ? (metadata) => parts.every((part) => part(metadata))
          : key === '$or'
            ? (metadata) => parts.some((part) => part(metadata))
            : (metadata) => !parts.some((part) => part(metadata)),
      );
    } else if (key === '$not') {
      const inner = compileObject(condition as MetadataFilter, [...path, key]);
      predicates.push((metadata) => !inner(metadata));
    } else if (key.startsWith('$')) {
      invalid([...path, key], `unknown operator ${key}: use $and, $or, $nor, $not at the top level or a field name`, condition);
    } else {
      const segments = key.split('.');
      if (segments.some((segment) => segment.length === 0)) invalid([...path, key], 'empty segment in field path', key);
      const test = compileCondition(condition, [...path, key]);
      predicates.push((metadata) => test(readPath(metadata, segments)));
    }
  }
  if (predicates.length === 1) return predicates[0]!;
  return (metadata) => {
    for (const predicate of predicates) if (!predicate(metadata)) return false;
    return true;
  };
}

type ValueTest = (value: unknown) => boolean;

function isOperatorObject(condition: unknown): condition is FieldOperators {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition) || condition instanceof Date) return false;
  const keys = Object.keys(condition);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function compileCondition(condition: unknown, path: PropertyKey[]): ValueTest {
  if (!isOperatorObject(condition)) return (value) => equalsOrContains(value, condition);
  const tests: ValueTest[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if (operand === undefined) continue;
    if (!fieldOperators.has(operator)) invalid([...path, operator], `unknown operator ${operator}: expected one of ${[...fieldOperators].join(', ')}`, operand);
    switch (operator) {
      case '$eq':
        tests.push((value) => equalsOrContains(value, operand));
        break;
      case '$ne':
        tests.push((value) => !equalsOrContains(value, operand));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const bound = normalizeComparable(operand);
        if (bound === undefined) invalid([...path, operator], `${operator} takes a number, string or Date`, operand);
        tests.push((value) => anyElement(value, (element) => compare(operator, element, bound)));
        break;
      }
      case '$in':
      case '$nin': {
        if (!Array.isArray(operand)) invalid([...path, operator], `${operator} takes an array`, operand);
        const test: ValueTest = (value) => operand.some((candidate) => equalsOrContains(value, candidate));
        tests.push(operator === '$in' ? test : (value) => !test(value));
        break;
      }
      case '$exists':
        tests.push(operand ? (value) => value !== undefined : (value) => value === undefined);
        break;
      case '$not': {
        const inner = compileCondition(operand, [...path, operator]);
        tests.push((value) => !inner(value));
        break;
      }
    }
  }
  return (value) => tests.every((test) => test(value));
}

function readPath(metadata: Record<string, unknown> | undefined, segments: string[]): unknown {
  let current: unknown = metadata;
  for (const segment of segments) {
    if (current == null || typeof current !== 'object') return undefined;
    current = Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return current;
}

function anyElement(value: unknown, test: (element: unknown) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) : test(value);
}

function equalsOrContains(value: unknown, expected: unknown): boolean {
  if (deepEqual(value, expected)) return true;
  return Array.isArray(value) && !Array.isArray(expected) && value.some((element) => deepEqual(element, expected));
}

function normalizeComparable(value: unknown): number | string | undefined {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value instanceof Date) return value.getTime();
  return undefined;
}

function compare(operator: string, raw: unknown, bound: number | string): boolean {
  let value: unknown = raw instanceof Date ? raw.getTime() : raw;
  if (typeof bound === 'number' && typeof value === 'string' && typeof raw === 'string') {
    const parsed = Date.parse(raw);
    if (!Number.isNaN(parsed) && /^\d{4}-\d{2}-\d{2}/.test(raw)) value = parsed;
  }
  if (typeof value !== typeof bound) return false;
  const left = value as number | string;
  switch (operator) {
    case '$gt':
      return left > bound;
    case '$gte':
      return left >= bound;
    case '$lt':
      return left < bound;
    default:
      return left <= bound;
  }
}

function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (left instanceof Date || right instanceof Date) {
    const a = left instanceof Date ? left.getTime() : left;
    const b = right instanceof Date ? right.getTime() : right;
    return a === b;
  }
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  if (Array.isArray(left)) {
    const other = right as unknown[];
    return left.length === other.length && left.every((item, index) => deepEqual(item, other[index]));
  }
  const leftKeys = Object.keys(left);
  const rightKeys = Object.keys(right);
  return (
    leftKeys.length === rightKeys.length &&
    leftKeys.every((key) => deepEqual((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]))
  );
}
