import { EventQueue, RunEvents, type WorkflowEventListener, type WorkflowStreamEvent } from './events.ts';
import type { ExecutableWorkflow } from './run-execution.ts';
import type { ResumeOptions, StartOptions, WorkflowResult } from './types.ts';
import type { WorkflowExecutor } from './workflow-executor.ts';

/** What `run.stream()` returns: iterate it (or `fullStream`) for events; `result` settles with the run. */
export interface WorkflowRunOutput<Output = unknown, State = unknown> extends AsyncIterable<WorkflowStreamEvent> {
  /** Every event of this execution, ending after `workflow-finish`. */
  fullStream: AsyncIterable<WorkflowStreamEvent>;
  /** The run's result, as `start()` returns it. */
  result: Promise<WorkflowResult<Output, State>>;
}

/**
 * One run of a workflow. Created by `workflow.createRun()`; the same run id can be opened again from another
 * `createRun({ runId })` (in this or another process) to resume or cancel it.
 */
export class Run<Input = unknown, Output = unknown, State = unknown> {
  readonly runId: string;
  readonly workflowId: string;
  readonly resourceId: string | undefined;
  readonly #executor: WorkflowExecutor;
  readonly #workflow: ExecutableWorkflow;
  readonly #events = new RunEvents();

  constructor(executor: WorkflowExecutor, workflow: ExecutableWorkflow, runId: string, resourceId: string | undefined) {
    this.#executor = executor;
    this.#workflow = workflow;
    this.runId = runId;
    this.workflowId = workflow.id;
    this.resourceId = resourceId;
  }

  /**
   * Starts the run and resolves when it is terminal or suspended. Rejects with `TypeValidationError` for invalid
   * `inputData` (nothing is stored then) and with `ConflictError` when this run id was already started.
   */
  start(options: StartOptions<Input, State>): Promise<WorkflowResult<Output, State>> {
    return this.#executor.start(this.#workflow, { runId: this.runId, resourceId: this.resourceId }, options, this.#events) as Promise<WorkflowResult<Output, State>>;
  }

  /** Starts the run without waiting for it (Mastra's `startAsync`); follow it with `watch()` or `getRunById`. */
  async startAsync(options: StartOptions<Input, State>): Promise<{ runId: string }> {
    this.start(options).catch(() => undefined);
    return { runId: this.runId };
  }

  /**
   * Resumes a suspended step with `resumeData` (validated against the step's `resumeSchema`). Of two concurrent
   * resumes of one run, exactly one proceeds; the other rejects with `ConflictError`.
   */
  resume<ResumeData = unknown>(options: ResumeOptions<ResumeData> = {}): Promise<WorkflowResult<Output, State>> {
    return this.#executor.resume(this.#workflow, this.runId, options, this.#events) as Promise<WorkflowResult<Output, State>>;
  }

  /** Same as `resume` (Mastra's `resumeAsync`). */
  resumeAsync<ResumeData = unknown>(options: ResumeOptions<ResumeData> = {}): Promise<WorkflowResult<Output, State>> {
    return this.resume(options);
  }

  /** Cancels the run: running steps see their `abortSignal` fire and the run ends `canceled`. */
  cancel(): Promise<void> {
    return this.#executor.cancel(this.runId);
  }

  /** Starts the run and returns its events as they happen, plus the result. */
  stream(options: StartOptions<Input, State>): WorkflowRunOutput<Output, State> {
    return this.#streamOf(() => this.start(options));
  }

  /** Resumes the run and returns its events as they happen, plus the result. */
  resumeStream<ResumeData = unknown>(options: ResumeOptions<ResumeData> = {}): WorkflowRunOutput<Output, State> {
    return this.#streamOf(() => this.resume(options));
  }

  /** Calls `listener` with every event of this run's executions from now on; returns the unsubscribe function. */
  watch(listener: WorkflowEventListener): () => void {
    const unsubscribe = this.#events.subscribe(listener);
    return () => {
      unsubscribe();
    };
  }

  #streamOf(begin: () => Promise<WorkflowResult<Output, State>>): WorkflowRunOutput<Output, State> {
    let unsubscribe: () => void = () => undefined;
    const queue = new EventQueue<WorkflowStreamEvent>(() => unsubscribe());
    unsubscribe = this.#events.subscribe((event) => {
      queue.push(event);
      if (event.type === 'workflow-finish') queue.close();
    });
    const result = begin().finally(() => {
      unsubscribe();
      queue.close();
    });
    result.catch(() => undefined);
    return {
      fullStream: queue,
      result,
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    };
  }
}
