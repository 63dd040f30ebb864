import { AbortError } from '../errors/abort-error.ts';

/**
 * Settles like `promise`, or rejects as soon as `signal` aborts (with `reason()`, an `AbortError` by default), even
 * when the work behind `promise` ignores the signal. `onAbort` runs once on abort, e.g. to tell an iterator to return.
 * The abort listener is removed when `promise` settles first.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  { reason = () => new AbortError({ cause: signal?.reason }), onAbort }: { reason?: () => unknown; onAbort?: () => void } = {},
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    onAbort?.();
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      promise.catch(() => {});
      onAbort?.();
      reject(reason());
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
