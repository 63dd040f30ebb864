/**
 * A push-based, multi-reader async iterable. Every reader sees every value from the start.
 * Readers that break early call `onCancel` (the agent cancels its run).
 */
export class ReplayStream<T> implements AsyncIterable<T> {
  readonly #values: T[] = [];
  #done = false;
  #error: unknown = undefined;
  #failed = false;
  #wake: (() => void) | undefined;
  #waiting: Promise<void> | undefined;
  readonly #onCancel: (() => void) | undefined;

  constructor(onCancel?: () => void) {
    this.#onCancel = onCancel;
  }

  push(value: T): void {
    if (this.#done) return;
    this.#values.push(value);
    this.#notify();
  }

  close(): void {
    this.#done = true;
    this.#notify();
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
    const wake = this.#wake;
    if (wake) {
      this.#wake = undefined;
      this.#waiting = undefined;
      wake();
    }
  }

  #wait(): Promise<void> {
    return (this.#waiting ??= new Promise((resolve) => {
      this.#wake = resolve;
    }));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    let position = 0;
    let finished = false;
    return {
      next: async (): Promise<IteratorResult<T>> => {
        while (!finished) {
          if (position < this.#values.length) return { value: this.#values[position++]!, done: false };
          if (this.#done) {
            finished = true;
            if (this.#failed) throw this.#error;
            break;
          }
          await this.#wait();
        }
        return { value: undefined, done: true };
      },
      return: async (): Promise<IteratorResult<T>> => {
        if (!finished && !this.#done) this.#onCancel?.();
        finished = true;
        return { value: undefined, done: true };
      },
    };
  }

  /** A mapped view (values for which `map` returns undefined are skipped). */
  map<U>(map: (value: T) => U | undefined): AsyncIterable<U> {
    const source = this;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const value of source) {
          const mapped = map(value);
          if (mapped !== undefined) yield mapped;
        }
      },
    };
  }
}
