import { AbortError } from '@mastra-ts/core';

interface Waiter {
  start: () => void;
}

/**
 * A FIFO of write transactions. One instance per database file per process (see `acquireWriteQueue`), so that two
 * connections of the same process never wait on each other's lock inside SQLite (which would block the event loop
 * that the lock holder needs to finish). A task may be synchronous (a better-sqlite3 transaction run start to end);
 * a task never starts in its caller's turn, so a signal aborted right after the call still stops it.
 */
export class WriteQueue {
  #busy = false;
  #draining = false;
  #again = false;
  readonly #waiting: Waiter[] = [];

  /** Runs `task` when every earlier task has settled. A signal aborted while waiting removes the task unrun. */
  run<T>(task: () => T | Promise<T>, abortSignal?: AbortSignal): Promise<T> {
    if (!this.#busy) {
      this.#busy = true;
      return Promise.resolve().then(() => this.#startUnlessAborted(task, abortSignal));
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          abortSignal?.removeEventListener('abort', onAbort);
          this.#startUnlessAborted(task, abortSignal).then(resolve, reject);
        },
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(waiter);
        if (index < 0) return;
        this.#waiting.splice(index, 1);
        reject(new AbortError({ cause: abortSignal?.reason }));
      };
      abortSignal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** How many tasks wait behind the running one. */
  get pending(): number {
    return this.#waiting.length;
  }

  #startUnlessAborted<T>(task: () => T | Promise<T>, abortSignal: AbortSignal | undefined): Promise<T> {
    if (abortSignal?.aborted) {
      this.#next();
      return Promise.reject(new AbortError({ cause: abortSignal.reason }));
    }
    return this.#start(task);
  }

  #start<T>(task: () => T | Promise<T>): Promise<T> {
    let result: T | Promise<T>;
    try {
      result = task();
    } catch (error) {
      this.#next();
      return Promise.reject(error);
    }
    if (!(result instanceof Promise)) {
      this.#next();
      return Promise.resolve(result);
    }
    return result.then(
      (value) => {
        this.#next();
        return value;
      },
      (error: unknown) => {
        this.#next();
        throw error;
      },
    );
  }

  // a loop, not recursion: synchronous tasks queued behind an async one start one after the other without
  // growing the stack
  #next(): void {
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = true;
    try {
      do {
        this.#again = false;
        const waiter = this.#waiting.shift();
        if (!waiter) {
          this.#busy = false;
          return;
        }
        waiter.start();
      } while (this.#again);
    } finally {
      this.#draining = false;
    }
  }
}

interface QueueEntry {
  queue: WriteQueue;
  references: number;
}

const registryKey = Symbol.for('@mastra-ts/storage-sqlite/write-queues');
const registry: Map<string, QueueEntry> = ((globalThis as Record<symbol, unknown>)[registryKey] ??= new Map<string, QueueEntry>()) as Map<string, QueueEntry>;

/** The process-wide queue of a database file; `key` is its resolved path. Pair with `releaseWriteQueue`. */
export function acquireWriteQueue(key: string): WriteQueue {
  let entry = registry.get(key);
  if (!entry) registry.set(key, (entry = { queue: new WriteQueue(), references: 0 }));
  entry.references++;
  return entry.queue;
}

/** Drops one reference to the queue of `key`. */
export function releaseWriteQueue(key: string): void {
  const entry = registry.get(key);
  if (!entry) return;
  if (--entry.references <= 0) registry.delete(key);
}
