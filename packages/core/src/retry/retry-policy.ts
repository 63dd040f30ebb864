import { AbortError } from '../errors/abort-error.ts';
import { APICallError } from '../errors/api-call-error.ts';
import { RetryError } from '../errors/retry-error.ts';

/** How model calls are retried. Every field has a default. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 2; 0 disables retrying). */
  maxRetries?: number;
  /** Delay before the first retry in ms (default 1000). */
  initialDelayMs?: number;
  /** Multiplier per retry (default 2). */
  backoffFactor?: number;
  /** Longest computed backoff in ms (default 20000). */
  maxDelayMs?: number;
  /**
   * The longest `retry-after` / `retry-after-ms` the policy honours (default 60000). A longer one
   * is not waited for: the call fails at once, since waiting minutes inside a request helps no one.
   */
  maxRetryAfterMs?: number;
  /** Fraction of random spread applied to computed backoff (default 0.25: ±25%). Never applied to `retry-after`. */
  jitter?: number;
  /** Aborts each attempt after this many ms (no default: attempts are not timed out). */
  timeoutMs?: number;
  /** Called before waiting for a retry (attempt number from 1, the delay, the error), e.g. to log or count it. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Internal options of one retried call. */
export interface RetryCallOptions extends RetryPolicy {
  abortSignal?: AbortSignal | undefined;
}

/**
 * Calls `fn` and retries it while the error is retryable (`APICallError.isRetryable`),
 * with exponential backoff and jitter, honouring `retry-after-ms` and `retry-after` headers.
 * `fn` receives the abort signal of the attempt (the caller's, combined with `timeoutMs`).
 */
export async function callWithRetry<T>(fn: (abortSignal: AbortSignal | undefined) => PromiseLike<T>, options: RetryCallOptions = {}): Promise<T> {
  const maxRetries = options.maxRetries ?? 2;
  const errors: unknown[] = [];
  for (let attempt = 0; ; attempt++) {
    const timed = options.timeoutMs === undefined ? undefined : attemptSignal(options.abortSignal, options.timeoutMs);
    const signal = timed === undefined ? options.abortSignal : timed.signal;
    try {
      return await fn(signal);
    } catch (error) {
      if (options.abortSignal?.aborted) throw error;
      const normalized = signal !== options.abortSignal && signal?.aborted ? new AbortError({ message: `Model call timed out after ${options.timeoutMs} ms`, cause: error }) : error;
      const retryable = APICallError.isInstance(normalized) ? normalized.isRetryable : AbortError.isInstance(normalized) && options.timeoutMs !== undefined;
      if (maxRetries === 0) throw normalized;
      errors.push(normalized);
      if (!retryable) {
        if (errors.length === 1) throw normalized;
        throw new RetryError({ reason: 'errorNotRetryable', errors, message: `Failed after ${attempt + 1} attempts with a non-retryable error: ${messageOf(normalized)}` });
      }
      if (attempt >= maxRetries) {
        throw new RetryError({ reason: 'maxRetriesExceeded', errors, message: `Failed after ${attempt + 1} attempts. Last error: ${messageOf(normalized)}` });
      }
      const delayMs = retryDelay(normalized, attempt, options);
      if (delayMs === undefined) {
        throw new RetryError({ reason: 'maxRetriesExceeded', errors, message: `The provider asked to retry after more than ${options.maxRetryAfterMs ?? 60_000} ms; giving up. Last error: ${messageOf(normalized)}` });
      }
      options.onRetry?.({ attempt: attempt + 1, delayMs, error: normalized });
      await sleep(delayMs, options.abortSignal);
    } finally {
      timed?.dispose();
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const noop = (): void => {};

/** The signal of one attempt: the caller's, plus a timer (setTimeout, so fake timers drive it in tests). */
export function attemptSignal(signal: AbortSignal | undefined, timeoutMs: number | undefined): { signal: AbortSignal | undefined; dispose: () => void } {
  if (timeoutMs === undefined) return { signal, dispose: noop };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  const timer = setTimeout(() => controller.abort(new AbortError({ message: `timed out after ${timeoutMs} ms` })), timeoutMs);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The delay before retry number `attempt + 1`, or undefined when the provider asks for longer than allowed. */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy = {}): number | undefined {
  const headerDelay = APICallError.isInstance(error) ? retryAfterMs(error.responseHeaders) : undefined;
  if (headerDelay !== undefined) {
    return headerDelay <= (policy.maxRetryAfterMs ?? 60_000) ? headerDelay : undefined;
  }
  const base = Math.min((policy.initialDelayMs ?? 1000) * (policy.backoffFactor ?? 2) ** attempt, policy.maxDelayMs ?? 20_000);
  const jitter = policy.jitter ?? 0.25;
  return Math.max(0, Math.round(base * (1 - jitter + Math.random() * 2 * jitter)));
}

/** Parses `retry-after-ms` (ms) or `retry-after` (seconds or an HTTP date) from lower-case headers. */
export function retryAfterMs(headers: Record<string, string> | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers['retry-after-ms'];
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers['retry-after'];
  if (retryAfter === undefined) return undefined;
  const seconds = Number.parseFloat(retryAfter);
  if (Number.isFinite(seconds) && /^\s*\d+(\.\d+)?\s*$/.test(retryAfter)) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with `AbortError` when the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError({ cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortError({ cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
