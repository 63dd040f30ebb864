import { AbortError } from '@mastra-ts/core';

interface Flight<V> {
  promise: Promise<V>;
  controller: AbortController;
  waiters: number;
}

/**
 * Deduplicates concurrent work by key: while a call for a key is in flight, later calls join it.
 * A failure rejects every waiter and is not remembered. A waiter that aborts leaves alone; the work's
 * signal aborts when every waiter has left.
 */
export class SingleFlight<V> {
  readonly #flights = new Map<string, Flight<V>>();

  /** Number of keys in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /** True when work for `key` is in flight. */
  has(key: string): boolean {
    return this.#flights.has(key);
  }

  /**
   * Runs `work` for `key`, or joins the run in flight. `isCurrent()` tells the work whether it is still the
   * flight of its key (false after `forget`), so it can skip storing a result that was invalidated meanwhile.
   */
  run(key: string, work: (abortSignal: AbortSignal, isCurrent: () => boolean) => Promise<V>, abortSignal?: AbortSignal): Promise<V> {
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      const controller = new AbortController();
      const created: Flight<V> = { promise: undefined as unknown as Promise<V>, controller, waiters: 0 };
      const isCurrent = (): boolean => this.#flights.get(key) === created;
      created.promise = Promise.resolve()
        .then(() => work(controller.signal, isCurrent))
        .finally(() => {
          if (this.#flights.get(key) === created) this.#flights.delete(key);
        });
      created.promise.catch(() => {});
      this.#flights.set(key, created);
      flight = created;
    }
    return this.#join(flight, abortSignal);
  }

  /** Detaches the flight of `key`: later calls start a new one; current waiters still get its result. */
  forget(key: string): void {
    this.#flights.delete(key);
  }

  forgetAll(): void {
    this.#flights.clear();
  }

  #join(flight: Flight<V>, abortSignal: AbortSignal | undefined): Promise<V> {
    flight.waiters++;
    if (abortSignal === undefined) return flight.promise;
    if (abortSignal.aborted) {
      this.#leave(flight, abortSignal.reason);
      return Promise.reject(new AbortError({ cause: abortSignal.reason }));
    }
    return new Promise<V>((resolve, reject) => {
      const onAbort = (): void => {
        this.#leave(flight, abortSignal.reason);
        reject(new AbortError({ cause: abortSignal.reason }));
      };
      abortSignal.addEventListener('abort', onAbort, { once: true });
      flight.promise.then(
        (value) => {
          abortSignal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          abortSignal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  #leave(flight: Flight<V>, reason: unknown): void {
    flight.waiters--;
    if (flight.waiters === 0) flight.controller.abort(reason);
  }
}
