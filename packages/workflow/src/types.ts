import type { RequestContext } from '@mastra-ts/core';

/** Status of one step in a run result. */
export type WorkflowStepStatus = 'success' | 'failed' | 'suspended' | 'running' | 'waiting' | 'canceled';

/** One step's entry in `result.steps`, shaped like Mastra's `StepResult`. Times are epoch milliseconds. */
export interface WorkflowStepResult {
  status: WorkflowStepStatus;
  /** The step's output (for a loop: the last iteration's; for foreach: every item's, in order). */
  output?: unknown;
  /** The step's input. */
  payload?: unknown;
  error?: Error | undefined;
  startedAt: number;
  endedAt?: number | undefined;
  suspendPayload?: unknown;
  resumePayload?: unknown;
  suspendedAt?: number | undefined;
  resumedAt?: number | undefined;
}

/** Final status of a run. */
export type WorkflowResultStatus = 'success' | 'failed' | 'suspended' | 'canceled';

/** What `run.start()` and `run.resume()` resolve to, shaped like Mastra's `WorkflowResult`. */
export interface WorkflowResult<Output = unknown, State = unknown> {
  status: WorkflowResultStatus;
  runId: string;
  workflowId: string;
  /** The workflow's input. */
  input: unknown;
  /** The validated output, when `status` is `success`. */
  result?: Output | undefined;
  /** The error that failed the run, when `status` is `failed`. */
  error?: Error | undefined;
  /** Top-level steps by id (nested workflow steps by dotted path). */
  steps: Record<string, WorkflowStepResult>;
  /** The run's state after the last committed step. */
  state: State;
  /** Paths of the suspended steps, e.g. `[['approve']]` or `[['nested', 'approve']]`. */
  suspended?: string[][] | undefined;
  /** The suspend payload of the first suspended step. */
  suspendPayload?: unknown;
}

/** Per-call options of `start`. */
export interface StartOptions<Input = unknown, State = unknown> {
  inputData: Input;
  /** The state the run starts with (validated against `stateSchema`). */
  initialState?: State;
  requestContext?: RequestContext;
  /** Aborting it cancels the run (it ends `canceled`, durably). */
  abortSignal?: AbortSignal;
}

/** Options of `resume`. */
export interface ResumeOptions<ResumeData = unknown> {
  /**
   * The step to resume: a step object, its id, a dotted path (`nested.approve`) or a path array
   * (`['nested', 'approve']`). Optional when exactly one step is suspended.
   */
  step?: string | string[] | { id: string };
  resumeData?: ResumeData;
  /** The foreach item to resume, when the suspended step runs inside `.foreach`. */
  forEachIndex?: number;
  requestContext?: RequestContext;
  /** Aborting it cancels the run (it ends `canceled`, durably). */
  abortSignal?: AbortSignal;
}
