import { AbortError } from '@mastra-ts/core';

/**
 * One upstream async iterable fanned out to any number of subscribers, each replaying from the first item.
 * The upstream is read to its end whoever subscribes; `abortUpstream` fires when every subscriber has left early.
 */
export class SharedStream<T> {
  readonly items: T[] = [];
  #done = false;
  #failed = false;
  #error: unknown;
  #subscribers = 0;
  #wakers: Array<() => void> = [];
  readonly #abortUpstream: (reason: unknown) => void;
  readonly #onEnd: (ok: boolean, items: T[]) => void;

  /** `onEnd` runs as soon as the upstream ends (before subscribers see the end): `ok` is false when it threw. */
  constructor(upstream: AsyncIterable<T>, { abortUpstream, onEnd }: { abortUpstream: (reason: unknown) => void; onEnd: (ok: boolean, items: T[]) => void }) {
    this.#abortUpstream = abortUpstream;
    this.#onEnd = onEnd;
    void this.#pump(upstream);
  }

  /** Registers a subscriber now (so the upstream is not aborted before it starts reading). */
  subscribe(abortSignal: AbortSignal | undefined): AsyncIterable<T> {
    this.#subscribers++;
    return { [Symbol.asyncIterator]: () => this.#iterate(abortSignal) };
  }

  async #pump(upstream: AsyncIterable<T>): Promise<void> {
    try {
      for await (const item of upstream) {
        this.items.push(item);
        this.#wake();
      }
    } catch (error) {
      this.#failed = true;
      this.#error = error;
    }
    this.#done = true;
    try {
      this.#onEnd(!this.#failed, this.items);
    } finally {
      this.#wake();
    }
  }

  async *#iterate(abortSignal: AbortSignal | undefined): AsyncGenerator<T> {
    let index = 0;
    const onAbort = (): void => this.#wake();
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (abortSignal?.aborted) throw new AbortError({ cause: abortSignal.reason });
        if (index < this.items.length) {
          yield this.items[index++]!;
          continue;
        }
        if (this.#done) {
          if (this.#failed) throw this.#error;
          return;
        }
        await new Promise<void>((resolve) => this.#wakers.push(resolve));
      }
    } finally {
      abortSignal?.removeEventListener('abort', onAbort);
      this.#subscribers--;
      if (this.#subscribers === 0 && !this.#done) this.#abortUpstream(new AbortError({ message: 'every consumer of the shared stream stopped reading' }));
    }
  }

  #wake(): void {
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }
}
