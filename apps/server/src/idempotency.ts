import type { ServerState } from './route.ts';

const ttlMs = 5 * 60_000;
const maxEntries = 1_000;

/**
 * Runs `work` once per `key`: a retried POST with the same runId gets the in-flight or recent result
 * instead of running again. Failures are forgotten, so a retry after a failure runs again.
 */
export function idempotent<T>(state: ServerState, key: string, work: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const existing = state.idempotency.get(key);
  if (existing && existing.expiresAt > now) return existing.promise as Promise<T>;
  if (state.idempotency.size >= maxEntries) {
    for (const [entryKey, entry] of state.idempotency) {
      if (entry.expiresAt <= now || state.idempotency.size >= maxEntries) state.idempotency.delete(entryKey);
      if (state.idempotency.size < maxEntries * 0.9) break;
    }
  }
  const promise = work();
  state.idempotency.set(key, { promise, expiresAt: now + ttlMs });
  promise.catch(() => {
    if (state.idempotency.get(key)?.promise === promise) state.idempotency.delete(key);
  });
  return promise;
}
