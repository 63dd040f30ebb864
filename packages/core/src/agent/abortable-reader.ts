import { AbortError } from '../errors/abort-error.ts';

/**
 * Reads an async iterator under an abort signal: reading rejects with `AbortError` as soon as the signal aborts, even
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

  /**
   * Reads on, handing each value to `onValue` as it arrives, until `onValue` returns true (resolves true; the iterator
   * stays open for another read) or the iterator is done (resolves false). Rejects with `AbortError` as soon as the
   * signal aborts, or with the iterator's error. Values are pulled by promise callbacks, without a promise of its own
   * per value.
   */
  forEach(onValue: (value: T) => boolean | void): Promise<boolean> {
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
    return new Promise<boolean>((resolve, reject) => {
      this.#reject = reject;
      const onResult = (result: IteratorResult<T>): void => {
        if (this.#reject !== reject) return;
        if (result.done) {
          this.#reject = undefined;
          resolve(false);
          return;
        }
        try {
          if (onValue(result.value) === true) {
            this.#reject = undefined;
            resolve(true);
          } else if (this.#reject === reject) iterator.next().then(onResult, reject);
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
