import { AbortError } from '../errors/abort-error.ts';

/**
 * Reads an async iterator under an abort signal: a read rejects with `AbortError` as soon as the signal aborts, even
 * when the iterator ignores its signal and never settles (it is then told to return, without waiting for it).
 *
 * One abort listener serves every read, added at the first read and removed by `dispose()`, where racing each read
 * separately would add and remove a listener per stream part.
 */
export class AbortableReader<T> {
  readonly #iterator: AsyncIterator<T>;
  readonly #signal: AbortSignal | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #listening = false;

  constructor(iterator: AsyncIterator<T>, signal: AbortSignal | undefined) {
    this.#iterator = iterator;
    this.#signal = signal;
  }

  next(): Promise<IteratorResult<T>> {
    const signal = this.#signal;
    if (signal === undefined) return this.#iterator.next();
    if (signal.aborted) {
      this.#abandon();
      return Promise.reject(new AbortError({ cause: signal.reason }));
    }
    if (!this.#listening) {
      this.#listening = true;
      signal.addEventListener('abort', this.#onAbort);
    }
    const next = this.#iterator.next();
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.#reject = reject;
      next.then(resolve, reject);
    });
  }

  /**
   * Reads to the end, handing each value to `onValue` as it arrives; resolves when the iterator is done, rejects with
   * `AbortError` as soon as the signal aborts, or with the iterator's error. Values are pulled by promise callbacks,
   * without a promise of its own per value.
   */
  forEach(onValue: (value: T) => void): Promise<void> {
    const signal = this.#signal;
    if (signal?.aborted) {
      this.#abandon();
      return Promise.reject(new AbortError({ cause: signal.reason }));
    }
    if (signal !== undefined && !this.#listening) {
      this.#listening = true;
      signal.addEventListener('abort', this.#onAbort);
    }
    const iterator = this.#iterator;
    return new Promise<void>((resolve, reject) => {
      this.#reject = reject;
      const onResult = (result: IteratorResult<T>): void => {
        if (this.#reject !== reject) return;
        if (result.done) {
          resolve();
          return;
        }
        try {
          onValue(result.value);
          if (this.#reject === reject) iterator.next().then(onResult, reject);
        } catch (error) {
          reject(error);
        }
      };
      try {
        iterator.next().then(onResult, reject);
      } catch (error) {
        reject(error);
      }
    });
  }

  /** Removes the abort listener. */
  dispose(): void {
    if (this.#listening) {
      this.#listening = false;
      this.#signal!.removeEventListener('abort', this.#onAbort);
    }
  }

  readonly #onAbort = (): void => {
    const reject = this.#reject;
    this.#reject = undefined;
    this.dispose();
    this.#abandon();
    reject?.(new AbortError({ cause: this.#signal!.reason }));
  };

  #abandon(): void {
    try {
      void this.#iterator.return?.()?.catch(() => {});
    } catch {
      // the iterator is abandoned either way
    }
  }
}
