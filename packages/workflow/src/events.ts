/** Types of the events a run emits (Mastra 1.x `WorkflowStreamEvent` types). */
export type WorkflowEventType =
  | 'workflow-start'
  | 'workflow-step-start'
  | 'workflow-step-result'
  | 'workflow-step-suspended'
  | 'workflow-step-waiting'
  | 'workflow-step-progress'
  | 'workflow-step-output'
  | 'workflow-canceled'
  | 'workflow-finish';

/**
 * One run event, as `@mastra/client-js` reads it from the `\x1E`-framed workflow stream:
 * `{ type, runId, from: 'WORKFLOW', payload }`.
 */
export interface WorkflowStreamEvent {
  type: WorkflowEventType;
  runId: string;
  from: 'WORKFLOW';
  payload: Record<string, unknown>;
}

/** A listener of run events. */
export type WorkflowEventListener = (event: WorkflowStreamEvent) => void;

/** Fans run events out to listeners; costs nothing while nobody listens. */
export class RunEvents {
  readonly #listeners = new Set<WorkflowEventListener>();

  get active(): boolean {
    return this.#listeners.size > 0;
  }

  subscribe(listener: WorkflowEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: WorkflowStreamEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // a failing listener must not fail the run
      }
    }
  }
}

/** A push-based queue read as an async iterable; `close()` ends the iteration after the queued events. */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #closed = false;
  #onReturn: (() => void) | undefined;

  constructor(onReturn?: () => void) {
    this.#onReturn = onReturn;
  }

  push(item: T): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter({ value: item, done: false });
    } else this.#items.push(item);
  }

  close(): void {
    this.#closed = true;
    const waiter = this.#waiter;
    if (waiter && this.#items.length === 0) {
      this.#waiter = undefined;
      waiter({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift() as T, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.#waiter = resolve;
        });
      },
      return: () => {
        this.#closed = true;
        this.#items.length = 0;
        this.#onReturn?.();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
