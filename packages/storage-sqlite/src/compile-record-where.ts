import { assertValidFieldPath, compileMetadataFilter, TypeValidationError } from '@mastra-ts/core';
import type { JSONValue, RecordFieldCondition } from '@mastra-ts/core';
import { sql, type RawBuilder, type SqlBool } from 'kysely';

type Sql = RawBuilder<unknown>;

const operators = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$not']);
const comparisons = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;

/**
 * The SQLite JSON path of a validated dotted field path, e.g. `user.age` → `$."user"."age"`. It is always bound as a
 * parameter; the segments were checked by `assertValidFieldPath`, so no quote can reach it.
 */
export function toJsonPath(field: string): string {
  return '$' + assertValidFieldPath(field).map((segment) => `."${segment}"`).join('');
}

/**
 * Compiles a records `where` into one SQL condition on the `data` column, with the same semantics as core's
 * in-memory reference: an array field matches `$eq`/`$in`/comparisons when any element does, `$ne` holds on a
 * missing field, types never coerce (`1` ≠ `"1"` ≠ `true`). Keys and values are bound parameters.
 */
export function compileRecordWhere(where: Record<string, RecordFieldCondition> | undefined): RawBuilder<SqlBool> {
  if (where === undefined) return sql<SqlBool>`1`;
  compileMetadataFilter(where as Record<string, unknown>);
  const parts: Sql[] = [];
  for (const [field, condition] of Object.entries(where)) {
    if (condition === undefined) continue;
    parts.push(compileCondition(toJsonPath(field), condition, field));
  }
  if (parts.length === 0) return sql<SqlBool>`1`;
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

function isOperatorObject(condition: unknown): condition is Record<string, unknown> {
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return false;
  const keys = Object.keys(condition);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function compileCondition(path: string, condition: unknown, field: string): Sql {
  if (!isOperatorObject(condition)) return equalsOrContains(path, condition as JSONValue);
  const parts: Sql[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    if (operand === undefined) continue;
    if (!operators.has(operator)) invalid(field, `unknown operator ${operator}: expected one of ${[...operators].join(', ')}`, operand);
    switch (operator) {
      case '$eq':
        parts.push(equalsOrContains(path, operand as JSONValue));
        break;
      case '$ne':
        parts.push(sql`not ${equalsOrContains(path, operand as JSONValue)}`);
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (typeof operand !== 'number' && typeof operand !== 'string') invalid(field, `${operator} takes a number or a string`, operand);
        parts.push(anyElement(path, (type, value) => compare(type, value, comparisons[operator], operand)));
        break;
      case '$in':
      case '$nin': {
        if (!Array.isArray(operand)) invalid(field, `${operator} takes an array`, operand);
        const any = operand.length === 0 ? sql`0` : sql`(${sql.join(operand.map((value) => equalsOrContains(path, value as JSONValue)), sql` or `)})`;
        parts.push(operator === '$in' ? any : sql`not ${any}`);
        break;
      }
      case '$exists':
        parts.push(operand ? sql`(json_type(data, ${path}) is not null)` : sql`(json_type(data, ${path}) is null)`);
        break;
      case '$not':
        parts.push(sql`not ${compileCondition(path, operand, field)}`);
        break;
    }
  }
  if (parts.length === 0) return sql`1`;
  return sql`(${sql.join(parts, sql` and `)})`;
}

function invalid(field: string, message: string, value: unknown): never {
  throw new TypeValidationError({ value, context: 'records where', issues: [{ path: ['where', field], message }] });
}

/** `(type, value)` of the field equals `expected` exactly; never NULL. */
function typedEquals(type: Sql, value: Sql, expected: JSONValue): Sql {
  if (expected === null) return sql`coalesce(${type} = 'null', 0)`;
  if (expected === true) return sql`coalesce(${type} = 'true', 0)`;
  if (expected === false) return sql`coalesce(${type} = 'false', 0)`;
  if (typeof expected === 'number') return sql`coalesce(${type} in ('integer', 'real') and ${value} = ${expected}, 0)`;
  if (typeof expected === 'string') return sql`coalesce(${type} = 'text' and ${value} = ${expected}, 0)`;
  const kind = Array.isArray(expected) ? 'array' : 'object';
  return sql`coalesce(${type} = ${kind} and ${value} = json(${JSON.stringify(expected)}), 0)`;
}

function equalsOrContains(path: string, expected: JSONValue): Sql {
  const direct = typedEquals(sql`json_type(data, ${path})`, sql`json_extract(data, ${path})`, expected);
  if (Array.isArray(expected)) return direct;
  return sql`(${direct} or ${containsElement(path, (type, value) => typedEquals(type, value, expected))})`;
}

function containsElement(path: string, test: (type: Sql, value: Sql) => Sql): Sql {
  return sql`coalesce(json_type(data, ${path}) = 'array' and exists (select 1 from json_each(data, ${path}) as element where ${test(sql`element.type`, sql`element.value`)}), 0)`;
}

function anyElement(path: string, test: (type: Sql, value: Sql) => Sql): Sql {
  return sql`(${test(sql`json_type(data, ${path})`, sql`json_extract(data, ${path})`)} or ${containsElement(path, test)})`;
}

function compare(type: Sql, value: Sql, operator: string, bound: number | string): Sql {
  const typeTest = typeof bound === 'number' ? sql`${type} in ('integer', 'real')` : sql`${type} = 'text'`;
  return sql`coalesce(${typeTest} and ${value} ${sql.raw(operator)} ${bound}, 0)`;
}
