import { AbortError } from '@mastra-ts/core';

interface Waiter {
  start: () => void;
}

/**
 * A FIFO of write transactions. One instance per database file per process (see `acquireWriteQueue`), so that two
 * connections of the same process never wait on each other's lock inside SQLite (which would block the event loop
 * that the lock holder needs to finish).
 */
export class WriteQueue {
  #busy = false;
  readonly #waiting: Waiter[] = [];

  /** Runs `task` when every earlier task has settled. A signal aborted while waiting removes the task unrun. */
  run<T>(task: () => Promise<T>, abortSignal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const execute = (): void => {
        abortSignal?.removeEventListener('abort', onAbort);
        if (abortSignal?.aborted) {
          reject(new AbortError({ cause: abortSignal.reason }));
          this.#next();
          return;
        }
        task().then(resolve, reject).finally(() => this.#next());
      };
      const waiter: Waiter = { start: execute };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(waiter);
        if (index < 0) return;
        this.#waiting.splice(index, 1);
        reject(new AbortError({ cause: abortSignal?.reason }));
      };
      if (!this.#busy) {
        this.#busy = true;
        execute();
        return;
      }
      abortSignal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** How many tasks wait behind the running one. */
  get pending(): number {
    return this.#waiting.length;
  }

  #next(): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter.start();
    else this.#busy = false;
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
