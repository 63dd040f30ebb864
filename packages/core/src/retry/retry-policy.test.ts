import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError } from '../errors/abort-error.ts';
import { APICallError } from '../errors/api-call-error.ts';
import { RetryError } from '../errors/retry-error.ts';
import { callWithRetry, retryAfterMs, retryDelay } from './retry-policy.ts';

const rateLimited = (headers: Record<string, string> = {}): APICallError => new APICallError({ message: 'slow down', url: 'u', statusCode: 429, responseHeaders: headers });

describe('retry policy', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('parses retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250' })).toBe(250);
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4000)).toBe(6000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('backs off exponentially with bounded jitter when no header is given', () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const delay = retryDelay(rateLimited(), attempt, { initialDelayMs: 1000, backoffFactor: 2, jitter: 0.25 })!;
      expect(delay).toBeGreaterThanOrEqual(1000 * 2 ** attempt * 0.75);
      expect(delay).toBeLessThanOrEqual(1000 * 2 ** attempt * 1.25);
    }
    expect(retryDelay(rateLimited(), 10, { jitter: 0, maxDelayMs: 5000 })).toBe(5000);
  });

  it('refuses to wait longer than maxRetryAfterMs', async () => {
    const fn = vi.fn(async () => {
      throw rateLimited({ 'retry-after': '3600' });
    });
    const error = await callWithRetry(fn).catch((caught: unknown) => caught);
    expect(RetryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/asked to retry after more than 60000 ms/);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('retries 5xx and 408/409 but not other 4xx', () => {
    for (const status of [408, 409, 429, 500, 503]) expect(new APICallError({ message: '', url: '', statusCode: status }).isRetryable).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(new APICallError({ message: '', url: '', statusCode: status }).isRetryable).toBe(false);
  });

  it('times out each attempt and retries the timeout', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const pending = callWithRetry(
      (signal) =>
        new Promise<string>((resolve, reject) => {
          calls++;
          if (calls === 2) resolve('second');
          signal?.addEventListener('abort', () => reject(signal.reason));
        }),
      { timeoutMs: 100, initialDelayMs: 10, jitter: 0 },
    );
    await vi.advanceTimersByTimeAsync(110);
    expect(await pending).toBe('second');
  });

  it('stops waiting when the caller aborts', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const pending = callWithRetry(async () => {
      throw rateLimited({ 'retry-after': '30' });
    }, { abortSignal: controller.signal }).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(5);
    controller.abort();
    expect(AbortError.isInstance(await pending)).toBe(true);
  });
});
