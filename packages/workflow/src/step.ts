import type { Agent, InferSchemaOutput, RequestContext, Schema, Tool } from '@mastra-ts/core';
import { isTool, jsonSchema } from '@mastra-ts/core';

/** The property that marks objects built by `createStep` (and workflows, which are steps too). */
export const stepKind = '~kind';

/** What a step's `execute` receives. Shaped like Mastra's step execution context. */
export interface StepExecuteContext<Input = unknown, ResumeData = unknown, SuspendPayload = unknown, State = unknown> {
  /** The step's input: the previous step's output, or the workflow's input for the first step. */
  inputData: Input;
  /** The data given to `run.resume()`, when this execution resumes a suspension. */
  resumeData: ResumeData | undefined;
  /** The run's state (shared by every step, persisted with each commit). */
  state: State;
  /**
   * Replaces the run's state, validated against the workflow's `stateSchema`. Applied at once (awaiting is optional);
   * invalid state throws `TypeValidationError` and fails the step.
   */
  setState(state: State): Promise<void>;
  /** The output of an earlier step, by step object or id; undefined when it has not run. */
  getStepResult<Output = unknown>(step: string | { id: string; outputSchema?: Schema<Output> | undefined }): Output | undefined;
  /** The workflow's input (the nested workflow's, inside a nested workflow). */
  getInitData<T = unknown>(): T;
  /** Parks the run at this step until `run.resume()`. Return right after: `return await suspend({ ... })`. */
  suspend(payload?: SuspendPayload): Promise<never>;
  /** Ends the whole run successfully with `result`, skipping the remaining steps. */
  bail(result: unknown): never;
  /** Cancels the run. */
  abort(): void;
  runId: string;
  workflowId: string;
  /** The `Mastra` instance the workflow is registered with. */
  mastra: unknown;
  /** Aborted when the run is canceled or the step times out. */
  abortSignal: AbortSignal;
  /**
   * Stable across retries, recoveries after a crash and resumes: `${runId}:${stepPath}:${iteration}`.
   * Pass it to side-effecting APIs so a re-executed step does not repeat the effect.
   */
  idempotencyKey: string;
  /** 0 for the first attempt, then 1, 2, … for retries. */
  attempt: number;
  /** Same as `attempt` (Mastra's name). */
  retryCount: number;
  /** The foreach index or loop iteration (0 outside loops). */
  iteration: number;
  requestContext: RequestContext;
  /** Sends a chunk to the run's listeners as a `workflow-step-output` event (Mastra's step `writer`). */
  writer: { write(chunk: unknown): Promise<void> };
}

/** A step of a workflow. Build one with `createStep`. */
export interface Step<Id extends string = string, Input = unknown, Output = unknown, ResumeData = unknown, SuspendPayload = unknown, State = unknown> {
  readonly [stepKind]: 'step' | 'workflow';
  readonly id: Id;
  readonly description?: string | undefined;
  readonly inputSchema?: Schema<Input> | undefined;
  readonly outputSchema?: Schema<Output> | undefined;
  readonly resumeSchema?: Schema<ResumeData> | undefined;
  readonly suspendSchema?: Schema<SuspendPayload> | undefined;
  readonly stateSchema?: Schema<State> | undefined;
  /** Retries after the first failed attempt (default: the workflow's `retryConfig.attempts`, else 0). */
  readonly retries?: number | undefined;
  /** Aborts an attempt after this many ms; a timed-out attempt counts as a failure. */
  readonly timeoutMs?: number | undefined;
  /** Ids of the steps this one waits for (dependency form, see `createWorkflow({ steps })`). */
  readonly dependsOn?: readonly string[] | undefined;
  /** `AGENT`, `TOOL` or `WORKFLOW` for adapted components. */
  readonly component?: string | undefined;
  readonly execute: (context: StepExecuteContext<Input, ResumeData, SuspendPayload, State>) => Promise<Output>;
}

/** Any step. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStep = Step<string, any, any, any, any, any>;

/** The output type of a step. */
export type StepOutput<S> = S extends Step<string, unknown, infer Output, unknown, unknown, unknown> ? Output : S extends { execute: (...args: never[]) => Promise<infer O> } ? O : unknown;

/** The definition given to `createStep`. */
export interface StepDefinition<
  Id extends string,
  InputSchema extends Schema,
  OutputSchema extends Schema,
  ResumeSchema extends Schema | undefined,
  SuspendSchema extends Schema | undefined,
  StateSchema extends Schema | undefined,
> {
  id: Id;
  description?: string;
  /** Validates the step's input (the previous output) before `execute`. */
  inputSchema: InputSchema;
  /** Validates what `execute` returns. */
  outputSchema: OutputSchema;
  resumeSchema?: ResumeSchema;
  suspendSchema?: SuspendSchema;
  stateSchema?: StateSchema;
  retries?: number;
  timeoutMs?: number;
  dependsOn?: readonly string[];
  execute: (
    context: StepExecuteContext<InferSchemaOutput<InputSchema>, InferSchemaOutput<ResumeSchema>, InferSchemaOutput<SuspendSchema>, InferSchemaOutput<StateSchema>>,
  ) => Promise<InferSchemaOutput<OutputSchema>>;
}

/** Options of `createStep(agent, options)`. The agent streams; each of its parts is a `workflow-step-output` event. */
export interface AgentStepOptions<Output = unknown> {
  /** Validated JSON output: the step's output becomes the object instead of `{ text }`. */
  structuredOutput?: { schema: Schema<Output> };
  retries?: number;
  timeoutMs?: number;
  /** Passed to `agent.generate` (e.g. `maxSteps`). */
  maxSteps?: number;
}

/** Options of `createStep(tool, options)`. */
export interface ToolStepOptions {
  retries?: number;
  timeoutMs?: number;
}

const promptSchema: Schema<{ prompt: string }> = jsonSchema<{ prompt: string }>(
  { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
  {
    validate: (value) =>
      typeof value === 'object' && value !== null && typeof (value as { prompt?: unknown }).prompt === 'string'
        ? { value: value as { prompt: string } }
        : { issues: [{ message: 'expected { prompt: string }: map the previous output with .map(() => ({ prompt }))', path: ['prompt'] }] },
  },
);
const textSchema: Schema<{ text: string }> = jsonSchema<{ text: string }>({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });

/**
 * Creates a workflow step: from a definition, from an `Agent` (input `{ prompt }`, output `{ text }`), or from a `Tool`
 * (the tool's schemas; `execute(input, context)`). Core tools carry no marker, so an object is taken as a tool when
 * its `execute` declares two parameters or when it has no `outputSchema` (step definitions always declare one).
 *
 * @example
 * const double = createStep({
 *   id: 'double',
 *   inputSchema: z.object({ n: z.number() }),
 *   outputSchema: z.object({ n: z.number() }),
 *   execute: async ({ inputData }) => ({ n: inputData.n * 2 }),
 * });
 */
export function createStep<
  Id extends string,
  InputSchema extends Schema,
  OutputSchema extends Schema,
  ResumeSchema extends Schema | undefined = undefined,
  SuspendSchema extends Schema | undefined = undefined,
  StateSchema extends Schema | undefined = undefined,
>(
  definition: StepDefinition<Id, InputSchema, OutputSchema, ResumeSchema, SuspendSchema, StateSchema>,
): Step<Id, InferSchemaOutput<InputSchema>, InferSchemaOutput<OutputSchema>, InferSchemaOutput<ResumeSchema>, InferSchemaOutput<SuspendSchema>, InferSchemaOutput<StateSchema>>;
export function createStep<Output = { text: string }>(agent: Agent, options?: AgentStepOptions<Output>): Step<string, { prompt: string }, Output>;
export function createStep<Input, Output>(tool: Tool<Input, Output>, options?: ToolStepOptions): Step<string, Input, Output>;
export function createStep(source: unknown, options?: AgentStepOptions & ToolStepOptions): AnyStep {
  if (source == null || typeof source !== 'object') {
    throw new TypeError(`createStep: expected a step definition, an Agent or a Tool, got ${source === null ? 'null' : typeof source}`);
  }
  if ((source as { [stepKind]?: unknown })[stepKind] !== undefined) return source as AnyStep;
  if (isAgent(source)) return agentStep(source, options ?? {});
  const definition = source as Partial<StepDefinition<string, Schema, Schema, Schema, Schema, Schema>> & { execute?: unknown };
  if (typeof definition.id !== 'string' || definition.id.length === 0) {
    throw new TypeError('createStep: id is required: pass a non-empty string such as "fetch-weather"');
  }
  if (typeof definition.execute !== 'function') throw new TypeError(`createStep("${definition.id}"): execute must be a function`);
  if (definition.id.includes('.') || definition.id.includes('[')) {
    throw new TypeError(`createStep("${definition.id}"): a step id cannot contain "." or "[" (they separate step paths): use "-" instead`);
  }
  if (isTool(source)) return toolStep(source as Tool, options ?? {});
  return { ...(definition as StepDefinition<string, Schema, Schema, Schema, Schema, Schema>), [stepKind]: 'step' } as AnyStep;
}

function isAgent(value: object): value is Agent {
  const candidate = value as { generate?: unknown; stream?: unknown; name?: unknown; getModel?: unknown };
  return typeof candidate.generate === 'function' && typeof candidate.getModel === 'function' && typeof candidate.name === 'string';
}


function agentStep(agent: Agent, options: AgentStepOptions): AnyStep {
  if (agent.id.includes('.')) throw new TypeError(`createStep(agent "${agent.id}"): an agent used as a step needs an id without "."`);
  const structured = options.structuredOutput;
  return {
    [stepKind]: 'step',
    id: agent.id,
    description: agent.description,
    component: 'AGENT',
    inputSchema: promptSchema,
    outputSchema: structured?.schema ?? textSchema,
    retries: options.retries,
    timeoutMs: options.timeoutMs,
    execute: async ({ inputData, abortSignal, requestContext, runId, writer }) => {
      const stream = await agent.stream((inputData as { prompt: string }).prompt, {
        abortSignal,
        requestContext,
        runId,
        ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
        ...(structured === undefined ? {} : { structuredOutput: { schema: structured.schema } }),
      });
      for await (const part of stream.fullStream) await writer.write(part);
      const result = await stream.result;
      return structured === undefined ? { text: result.text } : result.object;
    },
  };
}

function toolStep(tool: Tool, options: ToolStepOptions): AnyStep {
  const execute = tool.execute;
  if (execute === undefined) throw new TypeError(`createStep(tool "${tool.id}"): the tool has no execute function; a client-side tool cannot be a workflow step`);
  return {
    [stepKind]: 'step',
    id: tool.id,
    description: tool.description,
    component: 'TOOL',
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema,
    retries: options.retries,
    timeoutMs: options.timeoutMs ?? tool.timeoutMs,
    execute: async ({ inputData, abortSignal, requestContext, runId, workflowId, mastra, idempotencyKey }) =>
      execute(inputData, {
        toolCallId: idempotencyKey,
        abortSignal,
        requestContext,
        mastra,
        workflow: { runId, workflowId, stepId: tool.id },
      }),
  };
}
