/** Where one reader of a `ReplayStream` is, and its pending read when it waits for a value. */
interface Reader {
  position: number;
  finished: boolean;
  resolve: ((result: IteratorResult<never>) => void) | undefined;
  reject: ((error: unknown) => void) | undefined;
  pending: Promise<IteratorResult<never>> | undefined;
}

const doneResult: IteratorResult<never> = Object.freeze({ value: undefined, done: true }) as IteratorResult<never>;

/**
 * A push-based, multi-reader async iterable. Every reader sees every value from the start.
 * Readers that break early call `onCancel` (the agent cancels its run).
 *
 * A waiting read is settled directly by `push`, without an async function in between: a stream part
 * reaches the reader in one promise reaction.
 */
export class ReplayStream<T> implements AsyncIterable<T> {
  readonly #values: T[] = [];
  #done = false;
  #error: unknown = undefined;
  #failed = false;
  #waiting: Reader[] = [];
  readonly #onCancel: (() => void) | undefined;

  constructor(onCancel?: () => void) {
    this.#onCancel = onCancel;
  }

  push(value: T): void {
    if (this.#done) return;
    this.#values.push(value);
    if (this.#waiting.length > 0) this.#notify();
  }

  close(): void {
    this.#done = true;
    if (this.#waiting.length > 0) this.#notify();
  }

  fail(error: unknown): void {
    this.#failed = true;
    this.#error = error;
    this.close();
  }

  get closed(): boolean {
    return this.#done;
  }

  #notify(): void {
    // settling a read runs no reader code synchronously, so no reader re-registers while this loop runs
    const waiting = this.#waiting;
    for (let index = 0; index < waiting.length; index++) {
      const reader = waiting[index]!;
      const { resolve, reject } = reader;
      reader.resolve = undefined;
      reader.reject = undefined;
      reader.pending = undefined;
      if (reader.finished) resolve!(doneResult);
      else if (reader.position < this.#values.length) resolve!({ value: this.#values[reader.position++] as never, done: false });
      else {
        reader.finished = true;
        if (this.#failed) reject!(this.#error);
        else resolve!(doneResult);
      }
    }
    waiting.length = 0;
  }

  #next(reader: Reader): Promise<IteratorResult<T>> {
    if (reader.pending) return reader.pending.then(() => this.#next(reader));
    if (reader.finished) return Promise.resolve(doneResult);
    if (reader.position < this.#values.length) return Promise.resolve({ value: this.#values[reader.position++]!, done: false });
    if (this.#done) {
      reader.finished = true;
      return this.#failed ? Promise.reject(this.#error) : Promise.resolve(doneResult);
    }
    const pending = new Promise<IteratorResult<never>>((resolve, reject) => {
      reader.resolve = resolve;
      reader.reject = reject;
    });
    reader.pending = pending;
    this.#waiting.push(reader);
    return pending;
  }

  #return(reader: Reader): Promise<IteratorResult<T>> {
    if (!reader.finished && !this.#done) this.#onCancel?.();
    reader.finished = true;
    const resolve = reader.resolve;
    if (resolve) {
      reader.resolve = undefined;
      reader.reject = undefined;
      reader.pending = undefined;
      this.#waiting = this.#waiting.filter((waiting) => waiting !== reader);
      resolve(doneResult);
    }
    return Promise.resolve(doneResult);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const reader: Reader = { position: 0, finished: false, resolve: undefined, reject: undefined, pending: undefined };
    return {
      next: () => this.#next(reader),
      return: () => this.#return(reader),
    };
  }

  /** A mapped view (values for which `map` returns undefined are skipped). */
  map<U>(map: (value: T) => U | undefined): AsyncIterable<U> {
    return new MappedIterable(this, map);
  }
}

/** A view of an async iterable through `map`, skipping undefined; breaking out of it returns the source. */
class MappedIterable<T, U> implements AsyncIterable<U> {
  readonly #source: AsyncIterable<T>;
  readonly #map: (value: T) => U | undefined;

  constructor(source: AsyncIterable<T>, map: (value: T) => U | undefined) {
    this.#source = source;
    this.#map = map;
  }

  [Symbol.asyncIterator](): AsyncIterator<U> {
    const source = this.#source[Symbol.asyncIterator]();
    const map = this.#map;
    return {
      next: async (): Promise<IteratorResult<U>> => {
        for (;;) {
          const result = await source.next();
          if (result.done) return doneResult;
          const mapped = map(result.value);
          if (mapped !== undefined) return { value: mapped, done: false };
        }
      },
      return: async (): Promise<IteratorResult<U>> => {
        await source.return?.();
        return doneResult;
      },
    };
  }
}
