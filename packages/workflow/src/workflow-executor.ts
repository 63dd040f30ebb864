import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  AbortError,
  ConflictError,
  InMemoryWorkflowStore,
  NotFoundError,
  type RequestContext,
  safeValidate,
  TypeValidationError,
  type JSONValue,
  type Schema,
  type WorkflowRunRecord,
  type WorkflowRunStatus,
  type WorkflowStepResultRecord,
  type WorkflowStore,
} from '@mastra-ts/core';
import { RunEvents, type WorkflowEventListener } from './events.ts';
import type { FlowEntry } from './graph.ts';
import { RunExecution, type ExecutableWorkflow, type ExecutionHost, type RunSnapshot } from './run-execution.ts';
import { deserializeError, type SerializedError } from './serialized-error.ts';
import { stepKind, type AnyStep } from './step.ts';
import type { ResumeOptions, StartOptions, WorkflowResult, WorkflowStepResult } from './types.ts';

/** Settings of `createWorkflowExecutor`. */
export interface WorkflowExecutorSettings {
  /** Where runs, step results and leases are stored (default: a new `InMemoryWorkflowStore`). */
  store?: WorkflowStore;
  /** This executor's lease owner id (default: `hostname:pid:random`). Unique per process. */
  owner?: string;
  /** How long a lease lasts without renewal, in ms (default 30000). Renewed every third of it while a run executes. */
  leaseMs?: number;
  /** The clock, in epoch ms (default `Date.now`). */
  now?: () => number;
  /** Workflows this executor can recover, by id. */
  workflows?: ReadonlyArray<ExecutableWorkflow> | Readonly<Record<string, ExecutableWorkflow>>;
  /** Passed to steps as `mastra`. */
  mastra?: unknown;
}

/** A run continued by `recoverRuns`. */
export interface RecoveredRun {
  runId: string;
  workflowId: string;
  /** Settles when the recovered run is terminal or suspended. */
  result: Promise<WorkflowResult>;
}

/** A stored run, read back from the store (`workflow.getRunById`). */
export interface WorkflowRunInfo {
  runId: string;
  workflowId: string;
  resourceId?: string | undefined;
  status: WorkflowRunStatus;
  input: unknown;
  state: unknown;
  result?: unknown;
  error?: Error | undefined;
  /** Latest result per step path. */
  steps: Record<string, WorkflowStepResult>;
  suspended?: string[][] | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Runs workflows durably on a `WorkflowStore`: one instance per process and store. Commits each step with the run
 * snapshot under optimistic concurrency, holds a renewed lease on every run it executes, and `recoverRuns()`
 * continues runs whose lease expired (a crashed process) from their last committed step.
 */
export class WorkflowExecutor implements ExecutionHost {
  readonly store: WorkflowStore;
  readonly owner: string;
  readonly leaseMs: number;
  mastra: unknown;
  readonly #now: () => number;
  readonly #workflows = new Map<string, ExecutableWorkflow>();
  readonly #active = new Map<string, RunExecution>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(settings: WorkflowExecutorSettings = {}) {
    if (settings.leaseMs !== undefined && !(settings.leaseMs > 0)) {
      throw new TypeError(`WorkflowExecutor: leaseMs must be a positive number of milliseconds, got ${String(settings.leaseMs)}`);
    }
    this.store = settings.store ?? new InMemoryWorkflowStore();
    this.owner = settings.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = settings.leaseMs ?? 30_000;
    this.#now = settings.now ?? (() => Date.now());
    this.mastra = settings.mastra;
    const workflows = settings.workflows === undefined ? [] : Array.isArray(settings.workflows) ? settings.workflows : Object.values(settings.workflows);
    for (const workflow of workflows as ExecutableWorkflow[]) this.register(workflow);
  }

  now(): number {
    return this.#now();
  }

  /** Makes a workflow (and the workflows nested in it) recoverable by this executor. */
  register(workflow: ExecutableWorkflow): this {
    this.#workflows.set(workflow.id, workflow);
    return this;
  }

  /** Number of runs this executor is executing now. */
  get activeRuns(): number {
    return this.#active.size;
  }

  /** @internal Starts a run. */
  async start(workflow: ExecutableWorkflow, ids: { runId: string; resourceId?: string | undefined }, options: StartOptions, events: RunEvents): Promise<WorkflowResult> {
    this.register(workflow);
    const input = await validateOrThrow(workflow.inputSchema, options.inputData, `workflow "${workflow.id}" input`);
    let state: unknown = options.initialState ?? {};
    if (workflow.stateSchema !== undefined) {
      const parsed = await safeValidate(workflow.stateSchema, state, `workflow "${workflow.id}" initialState`);
      if (parsed.success) state = parsed.value;
      else if (options.initialState !== undefined) throw parsed.error;
    }
    const requestContext = options.requestContext;
    const snapshot: RunSnapshot = { v: 1, input: input ?? null, state, ...(requestContext && requestContext.size > 0 ? { requestContext: jsonSafeContext(requestContext) } : {}) };
    const now = this.#now();
    let record: WorkflowRunRecord;
    try {
      record = await this.store.createRun({
        runId: ids.runId,
        workflowId: workflow.id,
        status: 'running',
        snapshot: snapshot as unknown as JSONValue,
        resourceId: ids.resourceId,
        version: 0,
        leaseOwner: this.owner,
        leaseExpiresAt: new Date(now + this.leaseMs),
        createdAt: new Date(now),
        updatedAt: new Date(now),
      });
    } catch (error) {
      if (!ConflictError.isInstance(error)) throw error;
      const existing = await this.store.getRun(ids.runId);
      if (existing?.status !== 'pending') {
        throw new ConflictError({
          entity: 'workflow run',
          id: ids.runId,
          message: `workflow run "${ids.runId}" was already started (status ${existing?.status ?? 'unknown'}): create a new run, or resume it if it is suspended`,
        });
      }
      record = await this.store.updateRun({
        runId: ids.runId,
        expectedVersion: existing.version,
        status: 'running',
        snapshot: snapshot as unknown as JSONValue,
        lease: { owner: this.owner, expiresAt: new Date(now + this.leaseMs) },
        updatedAt: new Date(now),
      });
    }
    return this.#execute(new RunExecution({ host: this, workflow, record, snapshot, events, requestContext }), options.abortSignal);
  }

  /** @internal Persists a `pending` run (what `createRunAsync` and the server's create-run do). */
  async createPendingRun(workflow: ExecutableWorkflow, ids: { runId: string; resourceId?: string | undefined }): Promise<void> {
    this.register(workflow);
    const now = new Date(this.#now());
    await this.store.createRun({
      runId: ids.runId,
      workflowId: workflow.id,
      status: 'pending',
      snapshot: { v: 1, input: null, state: {} },
      resourceId: ids.resourceId,
      version: 0,
      createdAt: now,
      updatedAt: now,
    });
  }

  /**
   * @internal Resumes a suspended run. Compare-and-set on the suspended state: of two concurrent resumes, one
   * proceeds and the other gets `ConflictError`.
   */
  async resume(workflow: ExecutableWorkflow, runId: string, options: ResumeOptions, events: RunEvents): Promise<WorkflowResult> {
    this.register(workflow);
    const record = await this.store.getRun(runId);
    if (record === null || record.workflowId !== workflow.id) throw new NotFoundError({ entity: 'workflow run', id: runId, message: `No run "${runId}" of workflow "${workflow.id}" in the store` });
    if (record.status !== 'suspended') {
      throw new ConflictError({ entity: 'workflow run', id: runId, message: `workflow run "${runId}" is ${record.status}, not suspended: only a suspended run can be resumed (was it resumed already?)` });
    }
    const memo = await this.#loadMemo(runId);
    const target = pickResumeTarget(runId, memo, options);
    const step = findStepByPath(workflow, target.stepPath);
    const resumeData = await validateOrThrow(step?.resumeSchema, options.resumeData, `resume data of step "${target.stepPath}"`);
    const snapshot = record.snapshot as unknown as RunSnapshot;
    snapshot.resumes = { ...snapshot.resumes, [`${target.stepPath}#${target.iteration}`]: { data: resumeData } };
    snapshot.suspended = undefined;
    if (options.requestContext !== undefined && options.requestContext.size > 0) snapshot.requestContext = jsonSafeContext(options.requestContext);
    const now = this.#now();
    const updated = await this.store.updateRun({
      runId,
      expectedVersion: record.version,
      status: 'running',
      snapshot: snapshot as unknown as JSONValue,
      lease: { owner: this.owner, expiresAt: new Date(now + this.leaseMs) },
      updatedAt: new Date(now),
    });
    return this.#execute(new RunExecution({ host: this, workflow, record: updated, snapshot, events, memo, requestContext: options.requestContext }), options.abortSignal);
  }

  /** @internal Cancels a run: here if this executor runs it, else in the store (the owning executor stops at its next commit). */
  async cancel(runId: string): Promise<void> {
    const active = this.#active.get(runId);
    if (active !== undefined) {
      active.cancel();
      return;
    }
    const record = await this.store.getRun(runId);
    if (record === null) throw new NotFoundError({ entity: 'workflow run', id: runId });
    if (record.status === 'success' || record.status === 'failed' || record.status === 'canceled') return;
    await this.store.updateRun({ runId, expectedVersion: record.version, status: 'canceled', lease: null, updatedAt: new Date(this.#now()) });
  }

  /**
   * Claims runs whose lease expired (their executor crashed or was stopped) and continues each from its last
   * committed step: completed steps are not executed again; a step that was in flight runs again with the same
   * idempotency key. Runs of workflows this executor does not know are released for others to claim.
   */
  async recoverRuns(
    options: { workflowId?: string; limit?: number; abortSignal?: AbortSignal; /** Receives the events of every recovered run. */ onEvent?: WorkflowEventListener } = {},
  ): Promise<RecoveredRun[]> {
    const claimed = await this.store.claimExpiredRuns({
      owner: this.owner,
      now: new Date(this.#now()),
      leaseMs: this.leaseMs,
      ...(options.workflowId === undefined ? {} : { workflowId: options.workflowId }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
    });
    const recovered: RecoveredRun[] = [];
    for (const record of claimed) {
      const workflow = this.#workflows.get(record.workflowId);
      if (workflow === undefined) {
        await this.store.updateRun({ runId: record.runId, expectedVersion: record.version, lease: null, updatedAt: new Date(this.#now()) }).catch(() => undefined);
        continue;
      }
      // this executor's own run whose lease lapsed (a blocked event loop): the old execution stops, the new one replays
      this.#active.get(record.runId)?.abandon(new ConflictError({ entity: 'workflow run', id: record.runId, message: `workflow run "${record.runId}" was reclaimed after its lease expired` }));
      const events = new RunEvents();
      if (options.onEvent) events.subscribe(options.onEvent);
      const result = this.#loadMemo(record.runId).then((memo) =>
        this.#execute(new RunExecution({ host: this, workflow, record, snapshot: record.snapshot as unknown as RunSnapshot, events, memo })),
      );
      result.catch(() => undefined);
      recovered.push({ runId: record.runId, workflowId: record.workflowId, result });
    }
    return recovered;
  }

  /** A stored run with its step results, or null. */
  async getRun(runId: string, options: { abortSignal?: AbortSignal } = {}): Promise<WorkflowRunInfo | null> {
    const record = await this.store.getRun(runId, options);
    if (record === null) return null;
    const snapshot = record.snapshot as unknown as RunSnapshot;
    const steps: Record<string, WorkflowStepResult> = {};
    for (const step of await this.store.listStepResults(runId, options)) {
      steps[step.stepPath] = {
        status: step.status === 'skipped' ? 'success' : step.status,
        ...(step.status === 'suspended' ? { suspendPayload: step.output } : { output: step.output }),
        ...(step.error === undefined ? {} : { error: deserializeError(step.error as unknown as SerializedError) }),
        startedAt: step.startedAt.getTime(),
        endedAt: step.endedAt.getTime(),
      };
    }
    return {
      runId,
      workflowId: record.workflowId,
      resourceId: record.resourceId,
      status: record.status,
      input: snapshot.input,
      state: snapshot.state,
      ...(snapshot.result === undefined ? {} : { result: snapshot.result }),
      ...(snapshot.error === undefined ? {} : { error: deserializeError(snapshot.error) }),
      ...(snapshot.suspended === undefined ? {} : { suspended: snapshot.suspended }),
      steps,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  /**
   * Stops every run this executor executes without writing anything more, then releases their leases so another
   * executor can recover them at once. Their `start()` promises reject with `AbortError`.
   */
  async dispose(): Promise<void> {
    this.#stopTimer();
    const executions = [...this.#active.values()];
    this.#active.clear();
    await Promise.all(executions.map((execution) => execution.stop(new AbortError({ message: `executor "${this.owner}" was disposed: the run continues on recovery` }))));
  }

  /** @internal */
  release(execution: RunExecution): void {
    if (this.#active.get(execution.runId) === execution) this.#active.delete(execution.runId);
  }

  #execute(execution: RunExecution, abortSignal?: AbortSignal): Promise<WorkflowResult> {
    this.#active.set(execution.runId, execution);
    let detach: (() => void) | undefined;
    if (abortSignal !== undefined) {
      const onAbort = (): void => execution.cancel();
      if (abortSignal.aborted) onAbort();
      else {
        abortSignal.addEventListener('abort', onAbort, { once: true });
        detach = () => abortSignal.removeEventListener('abort', onAbort);
      }
    }
    if (this.#timer === undefined) {
      const interval = Math.max(1, Math.floor(this.leaseMs / 3));
      this.#timer = setInterval(() => {
        if (this.#active.size === 0) return this.#stopTimer();
        const now = this.#now();
        for (const active of this.#active.values()) if (now - active.lastWriteAt >= interval) active.renewLease().catch(() => undefined);
      }, interval);
      this.#timer.unref?.();
    }
    return detach === undefined ? execution.execute() : execution.execute().finally(detach);
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #loadMemo(runId: string): Promise<Map<string, WorkflowStepResultRecord>> {
    const memo = new Map<string, WorkflowStepResultRecord>();
    for (const step of await this.store.listStepResults(runId)) memo.set(`${step.stepPath}#${step.iteration}`, step);
    return memo;
  }
}

/** The request context values that survive JSON (what a recovered run gets back); functions and the like are dropped. */
function jsonSafeContext(context: RequestContext): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of context) {
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) safe[key] = JSON.parse(json);
    } catch {
      // not serializable: kept for this execution only
    }
  }
  return safe;
}

async function validateOrThrow(schema: Schema | undefined, value: unknown, context: string): Promise<unknown> {
  if (schema === undefined) return value;
  const result = await safeValidate(schema, value, context);
  if (!result.success) throw result.error;
  return result.value;
}

function pickResumeTarget(runId: string, memo: Map<string, WorkflowStepResultRecord>, options: ResumeOptions): WorkflowStepResultRecord {
  let candidates = [...memo.values()].filter((step) => step.status === 'suspended');
  const requested = options.step === undefined ? undefined : typeof options.step === 'string' ? options.step : Array.isArray(options.step) ? options.step.join('.') : options.step.id;
  if (requested !== undefined) {
    candidates = candidates.filter((step) => {
      const plain = step.stepPath.replace(/\[\d+\]/g, '');
      return step.stepPath === requested || plain === requested || plain.endsWith(`.${requested}`);
    });
  }
  if (options.forEachIndex !== undefined) candidates = candidates.filter((step) => step.iteration === options.forEachIndex);
  candidates.sort((a, b) => (a.stepPath === b.stepPath ? a.iteration - b.iteration : a.stepPath < b.stepPath ? -1 : 1));
  const available = [...memo.values()].filter((step) => step.status === 'suspended').map((step) => (step.iteration === 0 ? step.stepPath : `${step.stepPath}[${step.iteration}]`));
  if (candidates.length === 0) {
    throw new NotFoundError({
      entity: 'suspended step',
      id: requested ?? '(none given)',
      available,
      message: `workflow run "${runId}" has no suspended step ${requested === undefined ? '' : `"${requested}"`}${options.forEachIndex === undefined ? '' : ` at forEachIndex ${options.forEachIndex}`}: suspended steps are ${available.map((path) => `"${path}"`).join(', ') || 'none'}`,
    });
  }
  if (requested === undefined && new Set(candidates.map((step) => step.stepPath)).size > 1) {
    throw new TypeValidationError({
      value: options.step,
      context: `resume of workflow run "${runId}"`,
      issues: [{ path: ['step'], message: `several steps are suspended (${available.join(', ')}): pass step to say which one to resume` }],
    });
  }
  return candidates[0]!;
}

/** The step at a dotted path (iteration brackets ignored), descending into nested workflows. */
export function findStepByPath(workflow: ExecutableWorkflow, path: string): AnyStep | undefined {
  const segments = path.replace(/\[\d+\]/g, '').split('.');
  let current: ExecutableWorkflow | undefined = workflow;
  let found: AnyStep | undefined;
  for (const segment of segments) {
    if (current === undefined) return undefined;
    found = current.graph.nodes.flatMap((node) => stepsOfEntry(node.entry)).find((step) => step.id === segment);
    if (found === undefined) return undefined;
    current = found[stepKind] === 'workflow' ? (found as unknown as ExecutableWorkflow) : undefined;
  }
  return found;
}

/** The steps one flow entry runs. */
export function stepsOfEntry(entry: FlowEntry): AnyStep[] {
  switch (entry.type) {
    case 'step':
    case 'loop':
    case 'foreach':
      return [entry.step];
    case 'parallel':
      return entry.steps;
    case 'conditional':
      return entry.branches.map((branch) => branch.step);
    default:
      return [];
  }
}

const sharedExecutors = new WeakMap<WorkflowStore, WorkflowExecutor>();
let defaultStore: WorkflowStore | undefined;

/** The executor shared by every workflow using `store` in this process (the default in-memory store when undefined). */
export function sharedExecutor(store: WorkflowStore | undefined): WorkflowExecutor {
  const key = store ?? (defaultStore ??= new InMemoryWorkflowStore());
  let executor = sharedExecutors.get(key);
  if (executor === undefined) {
    executor = new WorkflowExecutor({ store: key });
    sharedExecutors.set(key, executor);
  }
  return executor;
}

/** Creates an executor; see `WorkflowExecutor`. */
export function createWorkflowExecutor(settings: WorkflowExecutorSettings = {}): WorkflowExecutor {
  return new WorkflowExecutor(settings);
}

