const planSensitiveParameter = /( = |\blimit |\boffset )\?/gi;

/**
 * Rewrites `= ?`, `limit ?` and `offset ?` of a statement to `= +?`, `limit +?` and `offset +?`, so that SQLite
 * plans the statement once instead of on every run.
 *
 * SQLite 3.54 (the version better-sqlite3 13 bundles, built with STAT4) marks such parameters as able to change the
 * query plan when the statement has an ORDER BY or a join, and `sqlite3_clear_bindings()`, which better-sqlite3 calls
 * after every run, then expires the statement: each execution is parsed and planned again. That costs 8–20 µs, more
 * than reading the last 10 messages of a thread. A unary plus makes the parameter an expression: the value, the
 * comparison's affinity (the column's) and the index used stay the same, and the plan no longer depends on the bound
 * value. `query-plan.test.ts` checks that every hot query still uses its index.
 */
export function withStablePlans(sql: string): string {
  return sql.replace(planSensitiveParameter, '$1+?');
}
