import { randomUUID } from 'node:crypto';
import { TypeValidationError, type InferSchemaOutput, type ListWorkflowRunsQuery, type Mastra, type WorkflowRunRecord, type RegisteredWorkflow, type Schema, type WorkflowStore } from '@mastra-ts/core';
import {
  compileChain,
  compileDependencies,
  type ConditionContext,
  type ConditionFunction,
  type DependencyItem,
  type DynamicValue,
  type FlowEntry,
  type WorkflowGraph,
} from './graph.ts';
import type { ExecutableWorkflow } from './run-execution.ts';
import { Run } from './run.ts';
import { startWorkflowRecovery } from './start-workflow-recovery.ts';
import { stepKind, type AnyStep, type Step, type StepExecuteContext, type StepOutput } from './step.ts';
import { sharedExecutor, stepsOfEntry, type WorkflowExecutor, type WorkflowRunInfo } from './workflow-executor.ts';

/** Options of `createWorkflow`. */
export interface WorkflowConfig<Id extends string, InputSchema extends Schema | undefined, OutputSchema extends Schema | undefined, StateSchema extends Schema | undefined> {
  id: Id;
  description?: string;
  inputSchema?: InputSchema;
  outputSchema?: OutputSchema;
  stateSchema?: StateSchema;
  /**
   * The steps of the workflow. When no builder method (`.then`, …) is used and some step declares `dependsOn`
   * (on the step, or as `{ step, dependsOn }`), the workflow runs as a dependency graph: a step starts when the
   * steps it depends on are done, independent steps run concurrently.
   */
  steps?: ReadonlyArray<AnyStep | DependencyItem>;
  /** Default retries for every step: `attempts` retries, the first after `delay` ms, doubling after (defaults 0 and 0). */
  retryConfig?: { attempts?: number; delay?: number };
}

/** A field of `.map({ ... })`: from a step's output, the workflow input, a constant, or the request context. */
export type MappingField =
  | { step: AnyStep | AnyStep[]; path: string }
  | { initData: { id: string }; path: string }
  | { value: unknown; schema?: Schema }
  | { requestContextPath: string; schema?: Schema };

/** Options of `createRun`. */
export interface CreateRunOptions {
  /** Defaults to a random UUID. */
  runId?: string;
  resourceId?: string;
}

type ParallelOutput<Steps extends readonly AnyStep[]> = { [S in Steps[number] as S['id']]: StepOutput<S> };
type BranchOutput<Steps extends readonly AnyStep[]> = { [S in Steps[number] as S['id']]?: StepOutput<S> };

/**
 * A workflow: a graph of steps built with `.then/.parallel/.branch/.dowhile/.dountil/.foreach/.map/.sleep`
 * (or declared with `dependsOn`), run durably by a `WorkflowExecutor`. A workflow is also a step of other workflows.
 */
export class Workflow<Id extends string = string, Input = unknown, Output = unknown, State = unknown, Current = Input>
  implements Step<Id, Input, Output, unknown, unknown, State>, RegisteredWorkflow, ExecutableWorkflow
{
  readonly '~kind': 'workflow' = 'workflow';
  readonly id: Id;
  readonly description: string | undefined;
  readonly inputSchema: Schema<Input> | undefined;
  readonly outputSchema: Schema<Output> | undefined;
  readonly stateSchema: Schema<State> | undefined;
  readonly retryConfig: { attempts?: number; delay?: number } | undefined;
  readonly component: string = 'WORKFLOW';
  readonly #entries: FlowEntry[] = [];
  readonly #declared: ReadonlyArray<AnyStep | DependencyItem>;
  #graph: WorkflowGraph | undefined;
  #executor: WorkflowExecutor | undefined;
  #mastra: Mastra | undefined;

  constructor(config: WorkflowConfig<Id, Schema | undefined, Schema | undefined, Schema | undefined>) {
    if (config == null || typeof config.id !== 'string' || config.id.length === 0) {
      throw new TypeError('createWorkflow: id is required: pass a non-empty string such as "weather-workflow"');
    }
    if (config.id.includes('.') || config.id.includes('[')) throw new TypeError(`createWorkflow("${config.id}"): a workflow id cannot contain "." or "[": use "-" instead`);
    this.id = config.id;
    this.description = config.description;
    this.inputSchema = config.inputSchema as Schema<Input> | undefined;
    this.outputSchema = config.outputSchema as Schema<Output> | undefined;
    this.stateSchema = config.stateSchema as Schema<State> | undefined;
    this.retryConfig = config.retryConfig;
    this.#declared = config.steps ?? [];
  }

  /** Runs `step` with the previous output. */
  then<S extends AnyStep>(step: S): Workflow<Id, Input, Output, State, StepOutput<S>> {
    return this.#push({ type: 'step', id: step.id, step: asStep(step, 'then') });
  }

  /** Runs `steps` concurrently with the previous output; the next input is `{ [stepId]: output }`. */
  parallel<const Steps extends readonly AnyStep[]>(steps: Steps): Workflow<Id, Input, Output, State, ParallelOutput<Steps>> {
    if (!Array.isArray(steps) || steps.length === 0) throw new TypeError(`workflow "${this.id}": .parallel() needs a non-empty array of steps`);
    return this.#push({ type: 'parallel', id: `parallel_${this.#entries.length}`, steps: steps.map((step) => asStep(step, 'parallel')) });
  }

  /**
   * Runs the steps whose condition holds (all of them, concurrently); the next input is `{ [stepId]: output }` for
   * the steps that ran.
   */
  branch<const Steps extends readonly AnyStep[]>(
    branches: { readonly [K in keyof Steps]: readonly [ConditionFunction<Current, State>, Steps[K]] },
  ): Workflow<Id, Input, Output, State, BranchOutput<Steps>> {
    if (!Array.isArray(branches) || branches.length === 0) throw new TypeError(`workflow "${this.id}": .branch() needs a non-empty array of [condition, step] pairs`);
    const list = branches as unknown as ReadonlyArray<readonly [ConditionFunction, AnyStep]>;
    return this.#push({
      type: 'conditional',
      id: `branch_${this.#entries.length}`,
      branches: list.map(([condition, step]) => {
        if (typeof condition !== 'function') throw new TypeError(`workflow "${this.id}": each .branch() entry is [condition function, step]`);
        return { condition, step: asStep(step, 'branch') };
      }),
    });
  }

  /** Runs `step` again with its own output while `condition` holds (checked after each run). */
  dowhile<S extends AnyStep>(step: S, condition: ConditionFunction<StepOutput<S>, State>): Workflow<Id, Input, Output, State, StepOutput<S>> {
    return this.#loop(step, condition, 'dowhile');
  }

  /** Runs `step` again with its own output until `condition` holds (checked after each run). */
  dountil<S extends AnyStep>(step: S, condition: ConditionFunction<StepOutput<S>, State>): Workflow<Id, Input, Output, State, StepOutput<S>> {
    return this.#loop(step, condition, 'dountil');
  }

  /** Runs `step` for each item of the previous output (an array), `concurrency` at a time (default 1); outputs keep order. */
  foreach<S extends AnyStep>(step: S, options: { concurrency?: number } = {}): Workflow<Id, Input, Output, State, Array<StepOutput<S>>> {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError(`workflow "${this.id}": foreach concurrency must be a positive integer, got ${String(concurrency)}`);
    return this.#push({ type: 'foreach', id: step.id, step: asStep(step, 'foreach'), concurrency });
  }

  /** Transforms the previous output with a function, or builds an object from step outputs, the input and constants. */
  map<O>(mapping: (context: StepExecuteContext<Current, unknown, unknown, State>) => O | Promise<O>, options?: { id?: string }): Workflow<Id, Input, Output, State, O>;
  map(mapping: Record<string, MappingField>, options?: { id?: string }): Workflow<Id, Input, Output, State, Record<string, unknown>>;
  map(mapping: ((context: never) => unknown) | Record<string, MappingField>, options: { id?: string } = {}): Workflow<Id, Input, Output, State, unknown> {
    const id = options.id ?? `mapping_${this.#entries.length}`;
    const execute = typeof mapping === 'function' ? async (context: StepExecuteContext) => (mapping as (context: StepExecuteContext) => unknown)(context) : async (context: StepExecuteContext) => resolveMapping(this.id, mapping, context);
    const step: AnyStep = { [stepKind]: 'step', id, execute };
    return this.#push({ type: 'step', id, step });
  }

  /** Waits `duration` ms (or a duration computed from the previous output); durable across restarts. Passes the input through. */
  sleep(duration: number | DynamicValue<number>): Workflow<Id, Input, Output, State, Current> {
    if (typeof duration !== 'function' && !(typeof duration === 'number' && duration >= 0)) throw new TypeError(`workflow "${this.id}": .sleep() takes milliseconds >= 0 or a function, got ${String(duration)}`);
    return this.#push({ type: 'sleep', id: `sleep_${this.#entries.length}`, duration });
  }

  /** Waits until `date` (or a date computed from the previous output); durable across restarts. Passes the input through. */
  sleepUntil(date: Date | DynamicValue<Date>): Workflow<Id, Input, Output, State, Current> {
    if (typeof date !== 'function' && !(date instanceof Date && !Number.isNaN(date.getTime()))) throw new TypeError(`workflow "${this.id}": .sleepUntil() takes a valid Date or a function`);
    return this.#push({ type: 'sleepUntil', id: `sleepUntil_${this.#entries.length}`, date });
  }

  /** Compiles the flow into its graph; refuses duplicate ids, missing dependencies and cycles. */
  commit(): Workflow<Id, Input, Output, State, Current> {
    this.#graph = this.#compile();
    return this;
  }

  /** The compiled graph (compiled on first use when `commit()` was not called). */
  get graph(): WorkflowGraph {
    return (this.#graph ??= this.#compile());
  }

  /** The steps by id (Mastra's `workflow.steps`). */
  get steps(): Record<string, AnyStep> {
    return Object.fromEntries(this.graph.nodes.flatMap((node) => stepsOfEntry(node.entry)).map((step) => [step.id, step]));
  }

  /** The flow as plain data, in the shape of Mastra's `serializedStepGraph`. */
  get stepGraph(): Array<Record<string, unknown>> {
    const summary = (step: AnyStep): Record<string, unknown> => ({ id: step.id, description: step.description, ...(step[stepKind] === 'workflow' ? { component: 'WORKFLOW' } : step.component ? { component: step.component } : {}) });
    return this.graph.nodes.map((node) => {
      const entry = node.entry;
      switch (entry.type) {
        case 'step':
          return { type: entry.step.id.startsWith('mapping_') && entry.step.inputSchema === undefined ? 'mapping' : 'step', step: summary(entry.step), ...(node.dependsOn.length > 0 && !this.graph.chain ? { dependsOn: node.dependsOn.map((index) => this.graph.nodes[index]!.id) } : {}) };
        case 'parallel':
          return { type: 'parallel', steps: entry.steps.map((step) => ({ type: 'step', step: summary(step) })) };
        case 'conditional':
          return { type: 'conditional', steps: entry.branches.map((branch) => ({ type: 'step', step: summary(branch.step) })), serializedConditions: entry.branches.map((branch, index) => ({ id: `${entry.id}_${index}`, fn: branch.condition.toString() })) };
        case 'loop':
          return { type: 'loop', step: summary(entry.step), loopType: entry.loopType, serializedCondition: { id: `${entry.step.id}_condition`, fn: entry.condition.toString() } };
        case 'foreach':
          return { type: 'foreach', step: summary(entry.step), opts: { concurrency: entry.concurrency } };
        case 'sleep':
          return { type: 'sleep', id: entry.id, ...(typeof entry.duration === 'number' ? { duration: entry.duration } : { fn: entry.duration.toString() }) };
        case 'sleepUntil':
          return { type: 'sleepUntil', id: entry.id, ...(entry.date instanceof Date ? { date: entry.date.toISOString() } : { fn: entry.date.toString() }) };
      }
    });
  }

  /** Runs this workflow on its own (when called as a plain step function outside an executor). */
  readonly execute = async (context: StepExecuteContext<Input, unknown, unknown, State>): Promise<Output> => {
    const result = await this.createRun().start({ inputData: context.inputData, requestContext: context.requestContext });
    if (result.status === 'success') return result.result as Output;
    throw result.error ?? new Error(`workflow "${this.id}" ended ${result.status}`);
  };

  /**
   * Creates a run (not stored until `start`). The run uses the storage of the `Mastra` instance this workflow is
   * registered with, else the in-memory store. Awaiting it is harmless, as with Mastra 1.x's async `createRun`.
   */
  createRun(options: CreateRunOptions = {}): Run<Input, Output, State> {
    return new Run<Input, Output, State>(this.executor, this, options.runId ?? randomUUID(), options.resourceId);
  }

  /** Creates a run and stores it as `pending` (what the server's create-run route needs). */
  async createRunAsync(options: CreateRunOptions = {}): Promise<Run<Input, Output, State>> {
    const run = this.createRun(options);
    await this.executor.createPendingRun(this, { runId: run.runId, resourceId: run.resourceId });
    return run;
  }

  /** A stored run of this workflow with its step results, or null. */
  async getRunById(runId: string, options: { abortSignal?: AbortSignal } = {}): Promise<WorkflowRunInfo | null> {
    const run = await this.executor.getRun(runId, options);
    return run === null || run.workflowId !== this.id ? null : run;
  }

  /** Stored runs of this workflow, newest first (Mastra's `listWorkflowRuns`). */
  listWorkflowRuns(query: Omit<ListWorkflowRunsQuery, 'workflowId'> = {}): Promise<{ runs: WorkflowRunRecord[]; total: number }> {
    return this.executor.store.listRuns({ ...query, workflowId: this.id });
  }

  /** The executor this workflow's runs use. */
  get executor(): WorkflowExecutor {
    return (this.#executor ??= sharedExecutor(undefined).register(this));
  }

  /** Runs this workflow's runs on `executor` (and on its store) from now on. */
  useExecutor(executor: WorkflowExecutor): this {
    this.#executor = executor.register(this);
    return this;
  }

  /** The `Mastra` instance this workflow is registered with. */
  get mastra(): Mastra | undefined {
    return this.#mastra;
  }

  /** Called by `mastra.startWorkflowRecovery()`: one shared recovery for all workflows of the instance. */
  __recover(mastra: Mastra, options?: { limit?: number; abortSignal?: AbortSignal }): Promise<unknown[]> {
    return startWorkflowRecovery(mastra, options);
  }

  /** Called by `Mastra` at registration: runs move to `mastra.getStorage().workflows` when it is set. */
  __registerMastra(mastra: Mastra): void {
    this.#mastra = mastra;
    const store: WorkflowStore | undefined = mastra.getStorage()?.workflows;
    this.#executor = sharedExecutor(store).register(this);
  }

  #loop<S extends AnyStep>(step: S, condition: ConditionFunction<StepOutput<S>, State>, loopType: 'dowhile' | 'dountil'): Workflow<Id, Input, Output, State, StepOutput<S>> {
    if (typeof condition !== 'function') throw new TypeError(`workflow "${this.id}": .${loopType}(step, condition) needs a condition function`);
    return this.#push({ type: 'loop', id: step.id, step: asStep(step, loopType), condition: condition as ConditionFunction, loopType });
  }

  #push<Next>(entry: FlowEntry): Workflow<Id, Input, Output, State, Next> {
    this.#entries.push(entry);
    this.#graph = undefined;
    return this as unknown as Workflow<Id, Input, Output, State, Next>;
  }

  #compile(): WorkflowGraph {
    const items: DependencyItem[] = this.#declared.map((item) =>
      'step' in item && (item as DependencyItem).step !== undefined && !(stepKind in item)
        ? { step: asStep((item as DependencyItem).step, 'steps'), dependsOn: (item as DependencyItem).dependsOn ?? [] }
        : { step: asStep(item as AnyStep, 'steps'), dependsOn: (item as AnyStep).dependsOn ?? [] },
    );
    const declaresDependencies = this.#declared.some((item) => (item as { dependsOn?: unknown }).dependsOn !== undefined);
    if (declaresDependencies && this.#entries.length > 0) {
      throw new TypeValidationError({
        value: items.map((item) => item.step.id),
        context: `workflow "${this.id}" steps`,
        issues: [{ path: ['steps'], message: 'steps declare dependsOn and the builder (.then, .parallel, …) was used too: use one form or the other' }],
      });
    }
    return declaresDependencies ? compileDependencies(this.id, items) : compileChain(this.id, this.#entries);
  }
}

/**
 * Creates a workflow. Chain steps with the builder and call `.commit()`, or declare steps with `dependsOn`.
 *
 * @example
 * const workflow = createWorkflow({ id: 'greet', inputSchema: z.object({ name: z.string() }), outputSchema: z.object({ text: z.string() }) })
 *   .then(greet)
 *   .commit();
 * const result = await workflow.createRun().start({ inputData: { name: 'Ada' } });
 */
export function createWorkflow<
  Id extends string,
  InputSchema extends Schema | undefined = undefined,
  OutputSchema extends Schema | undefined = undefined,
  StateSchema extends Schema | undefined = undefined,
>(
  config: WorkflowConfig<Id, InputSchema, OutputSchema, StateSchema>,
): Workflow<Id, InferSchemaOutput<InputSchema>, InferSchemaOutput<OutputSchema>, InferSchemaOutput<StateSchema>, InferSchemaOutput<InputSchema>> {
  return new Workflow(config);
}

/** Mastra's `mapVariable({ step, path })` for `.map({ field: mapVariable(...) })`: returns its argument. */
export function mapVariable<Field extends MappingField>(field: Field): Field {
  return field;
}

function asStep<S extends AnyStep>(step: S, where: string): S {
  if (step == null || typeof step !== 'object' || (step as { [stepKind]?: unknown })[stepKind] === undefined) {
    throw new TypeError(`.${where}() expects steps made with createStep() or workflows made with createWorkflow(), got ${step === null ? 'null' : typeof step}`);
  }
  return step;
}

function resolveMapping(workflowId: string, mapping: Record<string, MappingField>, context: StepExecuteContext): Record<string, unknown> {
  const output: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(mapping)) {
    if ('value' in field) output[key] = field.value;
    else if ('requestContextPath' in field) output[key] = getPath(Object.fromEntries(context.requestContext), field.requestContextPath);
    else if ('initData' in field) output[key] = getPath(context.getInitData(), field.path);
    else if ('step' in field) {
      const steps = Array.isArray(field.step) ? field.step : [field.step];
      const source = steps.map((step) => context.getStepResult(step)).find((value) => value !== undefined);
      if (source === undefined) {
        throw new TypeValidationError({ value: mapping, context: `workflow "${workflowId}" .map()`, issues: [{ path: [key], message: `step ${steps.map((step) => `"${step.id}"`).join(' or ')} has no result yet: map only from steps that ran before` }] });
      }
      output[key] = getPath(source, field.path);
    }
  }
  return output;
}

function getPath(value: unknown, path: string): unknown {
  if (path === '.' || path === '') return value;
  let current = value;
  for (const segment of path.split('.')) {
    if (current == null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The context a condition function receives (re-exported for typing conditions). */
export type { ConditionContext };
