/** A run's event, as the workflow package emits it (`{ type, runId, from: 'WORKFLOW', payload }`). */
export type WorkflowEvent = { type: string; runId?: string; from?: string; payload?: unknown } & Record<string, unknown>;

interface RunLog {
  events: WorkflowEvent[];
  listeners: Set<() => void>;
  done: boolean;
  expiresAt: number;
}

const maxEventsPerRun = 10_000;
const keepFinishedMs = 5 * 60_000;

/**
 * Keeps the events of runs this server started, so that `/observe` can replay them from an offset
 * and then follow the run live. Finished runs are kept for a few minutes.
 */
export class WorkflowEventHub {
  readonly #runs = new Map<string, RunLog>();

  /** Starts recording a run; returns the recorder the run's listener calls. */
  open(runId: string): { push(event: WorkflowEvent): void; close(): void } {
    this.#sweep();
    let log = this.#runs.get(runId);
    if (!log || log.done) {
      log = { events: log?.events ?? [], listeners: new Set(), done: false, expiresAt: Number.POSITIVE_INFINITY };
      this.#runs.set(runId, log);
    }
    const current = log;
    const notify = (): void => {
      for (const listener of current.listeners) listener();
    };
    return {
      push(event) {
        if (current.events.length < maxEventsPerRun) current.events.push(event);
        notify();
      },
      close() {
        current.done = true;
        current.expiresAt = Date.now() + keepFinishedMs;
        notify();
      },
    };
  }

  /** How many events the run has recorded. */
  size(runId: string): number {
    return this.#runs.get(runId)?.events.length ?? 0;
  }

  /** Whether the hub has anything for this run. */
  has(runId: string): boolean {
    return this.#runs.has(runId);
  }

  /** The run's events from `offset`, then live ones until the run ends or `signal` aborts. */
  async *observe(runId: string, offset: number, signal: AbortSignal): AsyncIterable<WorkflowEvent> {
    const log = this.#runs.get(runId);
    if (!log) return;
    let index = Math.max(0, offset);
    let wake: (() => void) | undefined;
    const listener = (): void => wake?.();
    log.listeners.add(listener);
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (index < log.events.length) yield log.events[index++]!;
        if (log.done || signal.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      log.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }

  #sweep(): void {
    const now = Date.now();
    for (const [runId, log] of this.#runs) if (log.done && log.expiresAt < now) this.#runs.delete(runId);
  }
}
