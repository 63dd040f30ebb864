import type Database from 'better-sqlite3';
import type { Compilable } from 'kysely';
import { withStablePlans } from './stable-plan-sql.ts';

const slotMarker = '\u0000mastra-ts-slot:';

/**
 * A stand-in for the value of parameter `name` in a kysely query compiled once by `PreparedQuery`; typed as the
 * value the query builder expects there.
 */
export function slot<T>(name: string): T {
  return `${slotMarker}${name}` as T;
}

/**
 * A kysely query compiled once (so the table-prefix plugin applies) into SQL with `?` placeholders (equalities as
 * `= +?`, see `withStablePlans`), prepared as a
 * better-sqlite3 statement on first use (the tables exist only after `migrate()`). Callers bind positionally, in
 * the order of `slots`; compiling checks that the query binds exactly those slots in that order, so a builder
 * change that reorders parameters fails loudly instead of binding values to the wrong columns.
 */
export class PreparedQuery {
  readonly sql: string;
  readonly #database: Database.Database;
  #statement: Database.Statement | undefined;

  constructor(database: Database.Database, query: Compilable, slots: readonly string[]) {
    const compiled = query.compile();
    const bound = compiled.parameters.map((parameter) => (typeof parameter === 'string' && parameter.startsWith(slotMarker) ? parameter.slice(slotMarker.length) : `<value ${String(parameter)}>`));
    if (bound.length !== slots.length || bound.some((name, index) => name !== slots[index])) {
      throw new Error(`prepared query binds [${bound.join(', ')}], expected [${slots.join(', ')}]: ${compiled.sql}`);
    }
    this.sql = withStablePlans(compiled.sql);
    this.#database = database;
  }

  /** The prepared statement, made on first use. */
  get statement(): Database.Statement {
    return (this.#statement ??= this.#database.prepare(this.sql));
  }
}

/** Prepared queries that vary by a small set of flags (which filters or columns a call uses), compiled on first use of each variant. */
export class PreparedQueryVariants {
  readonly #variants: (PreparedQuery | undefined)[] = [];
  readonly #compile: (variant: number) => PreparedQuery;

  constructor(compile: (variant: number) => PreparedQuery) {
    this.#compile = compile;
  }

  /** The statement of `variant` (a small non-negative integer, typically a bit set). */
  statement(variant: number): Database.Statement {
    return (this.#variants[variant] ??= this.#compile(variant)).statement;
  }
}
