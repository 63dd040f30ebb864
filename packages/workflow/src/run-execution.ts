import {
  AbortError,
  ConflictError,
  raceAbort,
  RequestContext,
  safeValidate,
  TypeValidationError,
  type JSONValue,
  type Schema,
  type UpdateWorkflowRunArgs,
  type WorkflowRunRecord,
  type WorkflowRunStatus,
  type WorkflowStepResultRecord,
} from '@mastra-ts/core';
import type { RunEvents, WorkflowEventType } from './events.ts';
import type { ConditionContext, ConditionFunction, DynamicValue, FlowEntry, WorkflowGraph } from './graph.ts';
import { serializeError, type SerializedError } from './serialized-error.ts';
import { stepKind, type AnyStep, type StepExecuteContext } from './step.ts';
import type { WorkflowResult, WorkflowResultStatus, WorkflowStepResult } from './types.ts';

/** The executor's JSON snapshot of a run, stored in `WorkflowRunRecord.snapshot`. */
export interface RunSnapshot {
  v: 1;
  input: unknown;
  state: unknown;
  requestContext?: Record<string, unknown> | undefined;
  /** Resume data by step key (`path#iteration`), kept until the resumed step commits. */
  resumes?: Record<string, unknown> | undefined;
  /** Branch choices, loop decisions and bails by key, so a replay takes the same path. */
  decisions?: Record<string, unknown> | undefined;
  /** Wake times (epoch ms) of sleeps by key. */
  sleeps?: Record<string, number> | undefined;
  result?: unknown;
  error?: SerializedError | undefined;
  failedStep?: string | undefined;
  suspended?: string[][] | undefined;
}

/** What a run execution needs from the executor that owns it. */
export interface ExecutionHost {
  readonly owner: string;
  readonly leaseMs: number;
  readonly mastra: unknown;
  now(): number;
  store: import('@mastra-ts/core').WorkflowStore;
  release(execution: RunExecution): void;
}

/** The workflow as the executor sees it (the builder implements it). */
export interface ExecutableWorkflow {
  readonly id: string;
  readonly inputSchema?: Schema | undefined;
  readonly outputSchema?: Schema | undefined;
  readonly stateSchema?: Schema | undefined;
  readonly retryConfig?: { attempts?: number; delay?: number } | undefined;
  readonly graph: WorkflowGraph;
  /** The `Mastra` instance the workflow is registered with, passed to steps. */
  readonly mastra?: unknown;
}

interface Scope {
  workflow: ExecutableWorkflow;
  prefix: string;
  segments: string[];
  input: unknown;
  outputs: Map<string, unknown>;
  getStepResult: StepExecuteContext['getStepResult'];
  getInitData: StepExecuteContext['getInitData'];
}

function createScope(workflow: ExecutableWorkflow, prefix: string, segments: string[], input: unknown): Scope {
  const outputs = new Map<string, unknown>();
  return {
    workflow,
    prefix,
    segments,
    input,
    outputs,
    getStepResult: ((target: string | { id: string }) => outputs.get(typeof target === 'string' ? target : target.id)) as StepExecuteContext['getStepResult'],
    getInitData: (() => input) as StepExecuteContext['getInitData'],
  };
}

type Outcome = { ok: true; output: unknown } | { ok: false };
const SUSPENDED: Outcome = { ok: false };

class BailSignal {
  readonly value: unknown;
  constructor(value: unknown) {
    this.value = value;
  }
}

class FencedError extends Error {}

/** One execution of a run (a start, a resume or a recovery) by one executor, until the run is terminal or suspended. */
export class RunExecution {
  readonly runId: string;
  readonly workflow: ExecutableWorkflow;
  readonly #host: ExecutionHost;
  readonly #events: RunEvents;
  readonly #snapshot: RunSnapshot;
  readonly #memo: Map<string, WorkflowStepResultRecord> | undefined;
  readonly #controller = new AbortController();
  readonly #requestContext: RequestContext;
  readonly steps: Record<string, WorkflowStepResult> = {};
  #version: number;
  #pending: WorkflowStepResultRecord[] = [];
  #snapshotDirty = false;
  #writing: Promise<void> | undefined;
  #suspended: string[][] = [];
  #suspendPayload: unknown;
  #failedStep: string | undefined;
  #fenced: unknown;
  #canceled = false;
  readonly #waiters = new Set<(reason: unknown) => void>();
  readonly #abortRun: () => void;
  lastWriteAt: number;

  constructor(options: {
    host: ExecutionHost;
    workflow: ExecutableWorkflow;
    record: WorkflowRunRecord;
    snapshot: RunSnapshot;
    events: RunEvents;
    memo?: Map<string, WorkflowStepResultRecord> | undefined;
    requestContext?: RequestContext | undefined;
  }) {
    this.#host = options.host;
    this.workflow = options.workflow;
    this.runId = options.record.runId;
    this.#version = options.record.version;
    this.#snapshot = options.snapshot;
    this.#events = options.events;
    this.#memo = options.memo;
    this.#requestContext = options.requestContext ?? new RequestContext(options.snapshot.requestContext ?? {});
    this.lastWriteAt = options.host.now();
    this.#abortRun = () => this.cancel();
    const signal = this.#controller.signal;
    signal.addEventListener(
      'abort',
      () => {
        const reason = abortReason(signal);
        for (const reject of this.#waiters) reject(reason);
        this.#waiters.clear();
      },
      { once: true },
    );
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Cancels the run: running steps see their abort signal fire, and the run ends `canceled`. */
  cancel(): void {
    this.#canceled = true;
    this.#controller.abort(new AbortError({ message: `workflow run "${this.runId}" was canceled` }));
  }

  /** Stops without writing anything: another executor owns the run now, or this executor is shutting down. */
  abandon(reason: unknown): void {
    this.#fenced ??= reason;
    this.#controller.abort(reason);
  }

  /** Stops without further commits and releases the lease, so another executor can recover the run at once. */
  async stop(reason: unknown): Promise<void> {
    this.abandon(reason);
    await this.#writing?.catch(() => undefined);
    await this.#host.store
      .updateRun({ runId: this.runId, expectedVersion: this.#version, lease: null, updatedAt: new Date(this.#host.now()) })
      .catch(() => undefined);
  }

  /** Runs the workflow from the start, replaying committed steps, until it is terminal or suspended. */
  async execute(): Promise<WorkflowResult> {
    const scope = createScope(this.workflow, '', [], this.#snapshot.input);
    this.#emit('workflow-start', { workflowId: this.workflow.id });
    let status: WorkflowResultStatus;
    let result: unknown;
    let error: unknown;
    try {
      const outcome = await this.#runGraph(this.workflow.graph, this.#snapshot.input, scope);
      if (outcome.ok) {
        status = 'success';
        result = await this.#validate(this.workflow.outputSchema, outcome.output, `workflow "${this.workflow.id}" output`);
      } else status = 'suspended';
    } catch (caught) {
      if (caught instanceof BailSignal) {
        status = 'success';
        result = caught.value;
      } else if (this.#fenced !== undefined) {
        return this.#handleFenced();
      } else if (this.#canceled) {
        status = 'canceled';
      } else {
        status = 'failed';
        error = caught;
      }
    }
    if (this.#fenced !== undefined) return this.#handleFenced();
    if (this.#canceled && status !== 'success') status = 'canceled';
    if (status === 'failed') this.#controller.abort(new AbortError({ message: `workflow run "${this.runId}" failed: stopping its other steps` }));
    return this.#finish(status, result, error);
  }

  async #finish(status: WorkflowResultStatus, result: unknown, error: unknown): Promise<WorkflowResult> {
    const snapshot = this.#snapshot;
    if (status === 'success') snapshot.result = result;
    if (status === 'failed') {
      snapshot.error = serializeError(error);
      snapshot.failedStep = this.#failedStep;
    }
    snapshot.suspended = status === 'suspended' ? this.#suspended : undefined;
    this.#snapshotDirty = true;
    try {
      await this.#flush(status);
    } catch (caught) {
      if (this.#fenced !== undefined || ConflictError.isInstance(caught)) {
        this.#fenced ??= caught;
        return this.#handleFenced();
      }
      this.#host.release(this);
      throw caught;
    }
    this.#host.release(this);
    const final: WorkflowResult = {
      status,
      runId: this.runId,
      workflowId: this.workflow.id,
      input: snapshot.input,
      steps: this.steps,
      state: snapshot.state,
    };
    if (status === 'success') final.result = result;
    if (status === 'failed') final.error = error instanceof Error ? error : new Error(String(error));
    if (status === 'suspended') {
      final.suspended = this.#suspended;
      final.suspendPayload = this.#suspendPayload;
    }
    if (status === 'canceled') this.#emit('workflow-canceled', {});
    this.#emit('workflow-finish', {
      workflowStatus: status,
      ...(status === 'success' ? { finalWorkflowResult: final } : {}),
      output: { usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } },
      metadata: status === 'failed' ? { error: snapshot.error, errorMessage: snapshot.error?.message } : {},
    });
    return final;
  }

  async #handleFenced(): Promise<WorkflowResult> {
    this.#host.release(this);
    const record = await this.#host.store.getRun(this.runId).catch(() => null);
    if (record?.status === 'canceled') {
      this.#emit('workflow-canceled', {});
      this.#emit('workflow-finish', { workflowStatus: 'canceled', output: { usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 } }, metadata: {} });
      return { status: 'canceled', runId: this.runId, workflowId: this.workflow.id, input: this.#snapshot.input, steps: this.steps, state: this.#snapshot.state };
    }
    if (ConflictError.isInstance(this.#fenced) || AbortError.isInstance(this.#fenced)) throw this.#fenced;
    throw new ConflictError({
      entity: 'workflow run',
      id: this.runId,
      message: `workflow run "${this.runId}" is no longer held by executor "${this.#host.owner}" (now ${record?.status ?? 'deleted'}, lease owner ${record?.leaseOwner ?? 'none'}): another executor continues it`,
    });
  }

  // ---- graph walking -------------------------------------------------------------------------------------------

  async #runGraph(graph: WorkflowGraph, input: unknown, scope: Scope): Promise<Outcome> {
    const nodes = graph.nodes;
    if (nodes.length === 0) return { ok: true, output: input };
    if (graph.chain) {
      let current = input;
      for (const node of nodes) {
        const outcome = await this.#runEntry(node.entry, current, scope);
        if (!outcome.ok) return outcome;
        current = outcome.output;
      }
      return { ok: true, output: current };
    }
    return this.#runDag(graph, input, scope);
  }

  #runDag(graph: WorkflowGraph, input: unknown, scope: Scope): Promise<Outcome> {
    const nodes = graph.nodes;
    const remaining = nodes.map((node) => node.dependsOn.length);
    const outputs = new Map<number, unknown>();
    let running = 0;
    let suspended = false;
    let settled = false;
    return new Promise<Outcome>((resolve, reject) => {
      const finish = (): void => {
        settled = true;
        if (suspended || graph.sinks.some((sink) => !outputs.has(sink))) resolve(SUSPENDED);
        else if (graph.sinks.length === 1) resolve({ ok: true, output: outputs.get(graph.sinks[0]!) });
        else resolve({ ok: true, output: Object.fromEntries(graph.sinks.map((sink) => [nodes[sink]!.id, outputs.get(sink)])) });
      };
      const launch = (index: number): void => {
        const node = nodes[index]!;
        const nodeInput =
          node.dependsOn.length === 0 ? input
          : node.dependsOn.length === 1 ? outputs.get(node.dependsOn[0]!)
          : Object.fromEntries(node.dependsOn.map((dependency) => [nodes[dependency]!.id, outputs.get(dependency)]));
        running++;
        this.#runEntry(node.entry, nodeInput, scope).then(
          (outcome) => {
            running--;
            if (settled) return;
            if (outcome.ok) {
              outputs.set(index, outcome.output);
              for (const dependent of node.dependents) if (--remaining[dependent]! === 0) launch(dependent);
            } else suspended = true;
            if (running === 0) finish();
          },
          (error: unknown) => {
            running--;
            if (settled) return;
            settled = true;
            reject(error);
          },
        );
      };
      for (const root of graph.roots) launch(root);
    });
  }

  async #runEntry(entry: FlowEntry, input: unknown, scope: Scope): Promise<Outcome> {
    switch (entry.type) {
      case 'step':
        return this.#runStep(entry.step, input, scope, 0, true);
      case 'parallel':
        return this.#runAll(entry.steps, input, scope);
      case 'conditional':
        return this.#runBranch(entry, input, scope);
      case 'loop':
        return this.#runLoop(entry, input, scope);
      case 'foreach':
        return this.#runForeach(entry, input, scope);
      case 'sleep':
      case 'sleepUntil':
        return this.#runSleep(entry, input, scope);
    }
  }

  async #runAll(steps: AnyStep[], input: unknown, scope: Scope): Promise<Outcome> {
    const outcomes = await Promise.all(steps.map((step) => this.#runStep(step, input, scope, 0, true)));
    if (outcomes.some((outcome) => !outcome.ok)) return SUSPENDED;
    const output: Record<string, unknown> = {};
    steps.forEach((step, index) => {
      output[step.id] = (outcomes[index] as { output: unknown }).output;
    });
    return { ok: true, output };
  }

  async #runBranch(entry: Extract<FlowEntry, { type: 'conditional' }>, input: unknown, scope: Scope): Promise<Outcome> {
    const key = `${scope.prefix}${entry.id}#0`;
    let chosen = this.#snapshot.decisions?.[key] as number[] | undefined;
    if (chosen === undefined) {
      const results = await Promise.all(entry.branches.map((branch) => branch.condition(this.#conditionContext(input, scope, 0))));
      chosen = results.flatMap((taken, index) => (taken ? [index] : []));
      this.#decide(key, chosen);
    }
    return this.#runAll(chosen.map((index) => entry.branches[index]!.step), input, scope);
  }

  async #runLoop(entry: Extract<FlowEntry, { type: 'loop' }>, input: unknown, scope: Scope): Promise<Outcome> {
    let current = input;
    for (let iteration = 0; ; iteration++) {
      const outcome = await this.#runStep(entry.step, current, scope, iteration, true);
      if (!outcome.ok) return outcome;
      current = outcome.output;
      const key = `${scope.prefix}${entry.step.id}#${iteration}`;
      let again = this.#snapshot.decisions?.[key] as boolean | undefined;
      if (again === undefined) {
        const condition = await (entry.condition as ConditionFunction)(this.#conditionContext(current, scope, iteration + 1));
        again = entry.loopType === 'dowhile' ? Boolean(condition) : !condition;
        this.#decide(key, again);
      }
      if (!again) return { ok: true, output: current };
    }
  }

  async #runForeach(entry: Extract<FlowEntry, { type: 'foreach' }>, input: unknown, scope: Scope): Promise<Outcome> {
    const path = scope.prefix + entry.step.id;
    if (!Array.isArray(input)) {
      this.#failedStep = path;
      throw new TypeValidationError({ value: input, context: `foreach step "${path}" input`, issues: [{ path: [], message: `expected an array to iterate over, got ${input === null ? 'null' : typeof input}: map the previous output to an array first` }] });
    }
    const startedAt = Date.now();
    const entryResult: WorkflowStepResult = { status: 'running', payload: input, startedAt };
    this.steps[path] = entryResult;
    const outputs: unknown[] = new Array(input.length);
    let suspended = false;
    let next = 0;
    let completed = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (next < input.length && !failed) {
        const index = next++;
        const outcome = await this.#runStep(entry.step, input[index], scope, index, false).catch((error: unknown) => {
          failed = true;
          throw error;
        });
        if (!outcome.ok) {
          suspended = true;
          continue;
        }
        outputs[index] = outcome.output;
        completed++;
        if (this.#events.active) {
          this.#emit('workflow-step-progress', { id: path, completedCount: completed, totalCount: input.length, currentIndex: index, iterationStatus: 'success', iterationOutput: outcome.output });
        }
      }
    };
    const concurrency = Math.max(1, Math.min(entry.concurrency, input.length));
    await Promise.all(Array.from({ length: concurrency }, worker));
    entryResult.endedAt = Date.now();
    if (suspended) {
      entryResult.status = 'suspended';
      return SUSPENDED;
    }
    entryResult.status = 'success';
    entryResult.output = outputs;
    scope.outputs.set(entry.step.id, outputs);
    return { ok: true, output: outputs };
  }

  async #runSleep(entry: Extract<FlowEntry, { type: 'sleep' | 'sleepUntil' }>, input: unknown, scope: Scope): Promise<Outcome> {
    const path = scope.prefix + entry.id;
    const key = `${path}#0`;
    const recorded = this.#memo?.get(key);
    const startedAt = this.#host.now();
    if (recorded?.status === 'success') {
      this.steps[path] = { status: 'success', payload: input, output: input, startedAt: recorded.startedAt.getTime(), endedAt: recorded.endedAt.getTime() };
      return { ok: true, output: input };
    }
    let wakeAt = this.#snapshot.sleeps?.[key];
    if (wakeAt === undefined) {
      const context = this.#conditionContext(input, scope, 0);
      if (entry.type === 'sleep') {
        const duration = typeof entry.duration === 'function' ? await (entry.duration as DynamicValue<number>)(context) : entry.duration;
        wakeAt = startedAt + Math.max(0, Number(duration) || 0);
      } else {
        const date = entry.date instanceof Date ? entry.date : await (entry.date as DynamicValue<Date>)(context);
        wakeAt = new Date(date).getTime();
      }
      (this.#snapshot.sleeps ??= {})[key] = wakeAt;
      this.#snapshotDirty = true;
      await this.#flush();
    }
    this.steps[path] = { status: 'waiting', payload: input, startedAt };
    this.#emit('workflow-step-waiting', { id: path, payload: input, startedAt, status: 'waiting' });
    const remaining = wakeAt - this.#host.now();
    if (remaining > 0) await abortableDelay(remaining, this.#controller.signal);
    delete this.#snapshot.sleeps![key];
    this.#snapshotDirty = true;
    const endedAt = this.#host.now();
    await this.#commit({ runId: this.runId, stepPath: path, iteration: 0, status: 'success', output: null, attempt: 0, startedAt: new Date(startedAt), endedAt: new Date(endedAt) });
    this.steps[path] = { status: 'success', payload: input, output: input, startedAt, endedAt };
    this.#emit('workflow-step-result', { id: path, stepCallId: key, status: 'success', output: input, payload: input, endedAt });
    return { ok: true, output: input };
  }

  // ---- one step ------------------------------------------------------------------------------------------------

  async #runStep(step: AnyStep, input: unknown, scope: Scope, iteration: number, record: boolean): Promise<Outcome> {
    if (step[stepKind] === 'workflow') return this.#runNested(step as unknown as ExecutableWorkflow & AnyStep, input, scope, iteration, record);
    const path = scope.prefix + step.id;
    const key = `${path}#${iteration}`;
    const recorded = this.#memo?.get(key);
    const resumes = this.#snapshot.resumes;
    const resuming = resumes !== undefined && key in resumes;
    if (recorded !== undefined && !resuming) {
      const decision = this.#snapshot.decisions?.[key];
      if (recorded.status === 'success') {
        if (record) this.steps[path] = { status: 'success', output: recorded.output, payload: input, startedAt: recorded.startedAt.getTime(), endedAt: recorded.endedAt.getTime() };
        scope.outputs.set(step.id, recorded.output);
        if (decision === 'bail') throw new BailSignal(recorded.output);
        return { ok: true, output: recorded.output };
      }
      if (recorded.status === 'suspended') {
        if (record) this.steps[path] = { status: 'suspended', payload: input, suspendPayload: recorded.output, startedAt: recorded.startedAt.getTime(), suspendedAt: recorded.endedAt.getTime() };
        this.#markSuspended(scope, step.id, recorded.output);
        return SUSPENDED;
      }
    }
    let parsedInput = step.inputSchema === undefined ? input : this.#check(step.inputSchema, input, 'input', path);
    if (parsedInput instanceof Promise) parsedInput = await parsedInput;
    const resumeData = resuming ? (resumes[key] as { data?: unknown }).data : undefined;
    const retries = step.retries ?? scope.workflow.retryConfig?.attempts ?? 0;
    const baseDelay = scope.workflow.retryConfig?.delay ?? 0;
    const startedAt = this.#host.now();
    const stepResult: WorkflowStepResult = { status: 'running', payload: input, startedAt };
    if (resuming) {
      stepResult.resumePayload = resumeData;
      stepResult.resumedAt = startedAt;
      if (recorded?.status === 'suspended') stepResult.suspendPayload = recorded.output;
    }
    if (record) this.steps[path] = stepResult;
    if (this.#events.active) this.#emit('workflow-step-start', { id: path, stepCallId: key, status: 'running', payload: input, startedAt });
    const idempotencyKey = `${this.runId}:${path}:${iteration}`;
    for (let attempt = 0; ; attempt++) {
      let suspension: { payload: unknown } | undefined;
      let bail: BailSignal | undefined;
      const runSignal = this.#controller.signal;
      let signal = runSignal;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let unlink: (() => void) | undefined;
      if (step.timeoutMs !== undefined) {
        const stepController = new AbortController();
        const onRunAbort = (): void => stepController.abort(runSignal.reason);
        runSignal.addEventListener('abort', onRunAbort, { once: true });
        unlink = () => runSignal.removeEventListener('abort', onRunAbort);
        const timeoutMs = step.timeoutMs;
        timer = setTimeout(() => stepController.abort(new AbortError({ message: `step "${path}" timed out after ${timeoutMs} ms: raise its timeoutMs or make it faster` })), timeoutMs);
        signal = stepController.signal;
      }
      try {
        const context: StepExecuteContext = {
          inputData: parsedInput,
          resumeData,
          state: this.#snapshot.state,
          setState: (next: unknown) => {
            const apply = (value: unknown): void => {
              this.#snapshot.state = value;
              context.state = value;
              this.#snapshotDirty = true;
            };
            const schema = this.workflow.stateSchema;
            const checked = schema === undefined ? { value: next } : schema['~standard'].validate(next);
            if (!(checked instanceof Promise) && checked.issues === undefined) {
              apply(checked.value);
              return Promise.resolve();
            }
            const pending = this.#validate(schema, next, `workflow "${this.workflow.id}" state (set by step "${path}")`, path).then(apply);
            if (checked instanceof Promise) return pending;
            // invalid state fails the step even when the call is not awaited
            pending.catch(() => undefined);
            throw new TypeValidationError({
              value: next,
              context: `workflow "${this.workflow.id}" state (set by step "${path}")`,
              issues: checked.issues.map((issue) => ({ message: issue.message, path: (issue.path ?? []).map((segment) => (typeof segment === 'object' && segment !== null ? segment.key : segment)) })),
            });
          },
          getStepResult: scope.getStepResult,
          getInitData: scope.getInitData,
          suspend: async (payload?: unknown) => {
            suspension = { payload };
            return undefined as never;
          },
          bail: (value: unknown) => {
            bail = new BailSignal(value);
            throw bail;
          },
          abort: this.#abortRun,
          runId: this.runId,
          workflowId: this.workflow.id,
          mastra: this.workflow.mastra ?? this.#host.mastra,
          abortSignal: signal,
          idempotencyKey,
          attempt,
          retryCount: attempt,
          iteration,
          requestContext: this.#requestContext,
          writer: {
            write: async (chunk: unknown) => {
              if (this.#events.active) this.#emit('workflow-step-output', { id: path, stepCallId: key, output: chunk });
            },
          },
        };
        const output = await (signal === runSignal ? this.#race(step.execute(context)) : raceAbort(step.execute(context), signal, { reason: () => abortReason(signal) }));
        if (suspension !== undefined) {
          const suspendPayload = await this.#validate(step.suspendSchema, suspension.payload, `step "${path}" suspend payload`, path);
          const endedAt = this.#host.now();
          if (resuming) delete resumes[key];
          this.#snapshotDirty ||= resuming;
          await this.#commit({ runId: this.runId, stepPath: path, iteration, status: 'suspended', output: toJson(suspendPayload), attempt, startedAt: new Date(startedAt), endedAt: new Date(endedAt) });
          stepResult.status = 'suspended';
          stepResult.suspendPayload = suspendPayload;
          stepResult.suspendedAt = endedAt;
          this.#markSuspended(scope, step.id, suspendPayload);
          if (this.#events.active) {
            this.#emit('workflow-step-suspended', { id: path, stepCallId: key, status: 'suspended', payload: input, suspendPayload });
            this.#emit('workflow-step-result', { id: path, stepCallId: key, status: 'suspended', payload: input, suspendPayload, endedAt });
          }
          return SUSPENDED;
        }
        let parsedOutput = step.outputSchema === undefined ? output : this.#check(step.outputSchema, output, 'output', path);
        if (parsedOutput instanceof Promise) parsedOutput = await parsedOutput;
        const endedAt = this.#host.now();
        if (resuming) {
          delete resumes[key];
          this.#snapshotDirty = true;
        }
        await this.#commit({ runId: this.runId, stepPath: path, iteration, status: 'success', output: toJson(parsedOutput), attempt, startedAt: new Date(startedAt), endedAt: new Date(endedAt) });
        stepResult.status = 'success';
        stepResult.output = parsedOutput;
        stepResult.endedAt = endedAt;
        scope.outputs.set(step.id, parsedOutput);
        if (this.#events.active) this.#emit('workflow-step-result', { id: path, stepCallId: key, status: 'success', output: parsedOutput, payload: input, endedAt });
        return { ok: true, output: parsedOutput };
      } catch (error) {
        if (bail !== undefined && error === bail) {
          const endedAt = this.#host.now();
          this.#decide(key, 'bail');
          await this.#commit({ runId: this.runId, stepPath: path, iteration, status: 'success', output: toJson(bail.value), attempt, startedAt: new Date(startedAt), endedAt: new Date(endedAt) });
          stepResult.status = 'success';
          stepResult.output = bail.value;
          stepResult.endedAt = endedAt;
          throw bail;
        }
        if (this.#fenced !== undefined || error instanceof FencedError) throw error;
        if (this.#controller.signal.aborted) {
          stepResult.status = 'canceled';
          stepResult.endedAt = this.#host.now();
          throw error;
        }
        const deterministic = TypeValidationError.isInstance(error);
        if (!deterministic && attempt < retries) {
          const delay = Math.min(baseDelay * 2 ** attempt, 60_000);
          if (delay > 0) await abortableDelay(delay, this.#controller.signal);
          continue;
        }
        const endedAt = this.#host.now();
        this.#failedStep ??= path;
        await this.#commit({ runId: this.runId, stepPath: path, iteration, status: 'failed', error: serializeError(error) as unknown as JSONValue, attempt, startedAt: new Date(startedAt), endedAt: new Date(endedAt) }).catch(() => undefined);
        stepResult.status = 'failed';
        stepResult.error = error instanceof Error ? error : new Error(String(error));
        stepResult.endedAt = endedAt;
        if (this.#events.active) this.#emit('workflow-step-result', { id: path, stepCallId: key, status: 'failed', payload: input, error: serializeError(error), endedAt });
        throw error;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        unlink?.();
      }
    }
  }

  async #runNested(workflow: ExecutableWorkflow & AnyStep, input: unknown, scope: Scope, iteration: number, record: boolean): Promise<Outcome> {
    const path = scope.prefix + workflow.id;
    const parsedInput = await this.#validate(workflow.inputSchema, input, `nested workflow "${path}" input`, path);
    const startedAt = this.#host.now();
    const stepResult: WorkflowStepResult = { status: 'running', payload: input, startedAt };
    if (record) this.steps[path] = stepResult;
    const stepCallId = `${path}#${iteration}`;
    this.#emit('workflow-step-start', { id: path, stepCallId, status: 'running', payload: input, startedAt });
    const child = createScope(workflow, `${path}${iteration > 0 ? `[${iteration}]` : ''}.`, [...scope.segments, workflow.id], parsedInput);
    let output: unknown;
    try {
      const outcome = await this.#runGraph(workflow.graph, parsedInput, child);
      if (!outcome.ok) {
        stepResult.status = 'suspended';
        this.#emit('workflow-step-suspended', { id: path, stepCallId, status: 'suspended', payload: input });
        return SUSPENDED;
      }
      output = outcome.output;
    } catch (error) {
      if (!(error instanceof BailSignal)) {
        stepResult.status = this.#controller.signal.aborted ? 'canceled' : 'failed';
        if (stepResult.status === 'failed') stepResult.error = error instanceof Error ? error : new Error(String(error));
        stepResult.endedAt = this.#host.now();
        this.#emit('workflow-step-result', { id: path, stepCallId, status: stepResult.status, payload: input, endedAt: stepResult.endedAt });
        throw error;
      }
      output = error.value;
    }
    const parsedOutput = await this.#validate(workflow.outputSchema, output, `nested workflow "${path}" output`, path);
    stepResult.status = 'success';
    stepResult.output = parsedOutput;
    stepResult.endedAt = this.#host.now();
    scope.outputs.set(workflow.id, parsedOutput);
    this.#emit('workflow-step-result', { id: path, stepCallId, status: 'success', output: parsedOutput, payload: input, endedAt: stepResult.endedAt });
    return { ok: true, output: parsedOutput };
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  #markSuspended(scope: Scope, stepId: string, payload: unknown): void {
    if (this.#suspended.length === 0) this.#suspendPayload = payload;
    const path = [...scope.segments, stepId];
    if (!this.#suspended.some((existing) => existing.join('.') === path.join('.'))) this.#suspended.push(path);
  }

  #decide(key: string, value: unknown): void {
    (this.#snapshot.decisions ??= {})[key] = value;
    this.#snapshotDirty = true;
  }

  #conditionContext(input: unknown, scope: Scope, iterationCount: number): ConditionContext {
    return {
      inputData: input,
      state: this.#snapshot.state,
      iterationCount,
      getStepResult: scope.getStepResult,
      getInitData: scope.getInitData,
      runId: this.runId,
      workflowId: this.workflow.id,
      mastra: this.workflow.mastra ?? this.#host.mastra,
      requestContext: this.#requestContext,
      abortSignal: this.#controller.signal,
    };
  }

  /** Validates synchronously when the schema allows (zod does), else returns a promise. */
  #check(schema: Schema, value: unknown, what: string, path: string): unknown {
    const result = schema['~standard'].validate(value);
    if (!(result instanceof Promise) && result.issues === undefined) return result.value;
    return this.#validate(schema, value, `step "${path}" ${what}`, path);
  }

  #race<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#controller.signal.aborted) {
        reject(abortReason(this.#controller.signal));
        return;
      }
      this.#waiters.add(reject);
      promise.then(
        (value) => {
          this.#waiters.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiters.delete(reject);
          reject(error);
        },
      );
    });
  }

  async #validate(schema: Schema | undefined, value: unknown, context: string, failedStep?: string): Promise<unknown> {
    if (schema === undefined) return value;
    const result = await safeValidate(schema, value, context);
    if (result.success) return result.value;
    if (failedStep !== undefined) this.#failedStep ??= failedStep;
    throw result.error;
  }

  #emit(type: WorkflowEventType, payload: Record<string, unknown>): void {
    if (this.#events.active) this.#events.emit({ type, runId: this.runId, from: 'WORKFLOW', payload });
  }

  #commit(record: WorkflowStepResultRecord): Promise<void> {
    this.#pending.push(record);
    return this.#flush();
  }

  /** Renews the lease (called by the executor's lease timer). */
  renewLease(): Promise<void> {
    return this.#flush(undefined, true);
  }

  #flush(status?: WorkflowRunStatus, force = false): Promise<void> {
    if (this.#fenced !== undefined) return Promise.reject(this.#fenced instanceof Error ? this.#fenced : new FencedError(String(this.#fenced)));
    if (status !== undefined) {
      return (this.#writing ?? Promise.resolve()).then(() => this.#write(status));
    }
    if (this.#writing === undefined) {
      if (this.#pending.length === 0 && !this.#snapshotDirty && !force) return Promise.resolve();
      this.#writing = this.#drain(force);
    }
    return this.#writing;
  }

  async #drain(force: boolean): Promise<void> {
    try {
      while (this.#pending.length > 0 || this.#snapshotDirty || force) {
        force = false;
        await this.#write(undefined);
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #write(status: WorkflowRunStatus | undefined): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    const snapshotDirty = this.#snapshotDirty;
    this.#snapshotDirty = false;
    const now = this.#host.now();
    const terminal = status !== undefined && status !== 'running';
    try {
      const args: UpdateWorkflowRunArgs = {
        runId: this.runId,
        expectedVersion: this.#version,
        lease: terminal ? null : { owner: this.#host.owner, expiresAt: new Date(now + this.#host.leaseMs) },
        updatedAt: new Date(now),
      };
      if (status !== undefined) args.status = status;
      if (snapshotDirty || terminal) args.snapshot = this.#snapshot as unknown as JSONValue;
      if (batch.length > 0) args.stepResults = batch;
      const updated = await this.#host.store.updateRun(args);
      this.#version = updated.version;
      this.lastWriteAt = now;
    } catch (error) {
      if (ConflictError.isInstance(error)) this.abandon(error);
      throw error;
    }
  }
}

function toJson(value: unknown): JSONValue {
  return (value === undefined ? null : value) as JSONValue;
}

function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new AbortError({ cause: reason });
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    let timer: ReturnType<typeof setTimeout>;
    let left = ms;
    const arm = (): void => {
      const chunk = Math.min(left, MAX_TIMER_MS);
      left -= chunk;
      timer = setTimeout(() => {
        if (left > 0) return arm();
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, chunk);
    };
    arm();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

// setTimeout fires at once for delays above 2^31 - 1 ms, so long sleeps wait in chunks
const MAX_TIMER_MS = 2_147_483_647;
