import { AbortError } from '../errors/abort-error.ts';
import type { LanguageModelV1 } from '../language-model/v1/language-model-v1.ts';
import type { LanguageModelV1Message } from '../language-model/v1/language-model-v1-prompt.ts';
import { noopLogger, type Logger } from '../observability/logger.ts';
import { noopTracer, type Tracer } from '../observability/tracer.ts';
import { resolveLanguageModel, toLanguageModelV1 } from '../model-router/model-registry.ts';
import type { ToolSet } from '../tools/tool.ts';
import { generateId } from '../utils/generate-id.ts';
import { runAgentLoop, type LoopInput, type ResolvedModel } from './agent-loop.ts';
import type {
  AgentCallOptions,
  AgentConfig,
  AgentGenerateResult,
  AgentInstructions,
  AgentMemory,
  AgentModel,
  AgentStreamPart,
  AgentStreamResult,
} from './agent-types.ts';
import { normalizeInput, toPromptMessage, type AgentInput, type ModelMessage } from './model-message.ts';
import { AgentStreamResultImpl } from './agent-stream-result.ts';
import { ReplayStream } from './replay-stream.ts';
import { RequestContext } from './request-context.ts';

const defaultCoolDownMs = 30_000;
/** The options of a call made without any (never changed: the loop only reads its options). */
const noOptions: AgentCallOptions<unknown> = Object.freeze({});
const noTools: ToolSet = Object.freeze({});
const noop = (): void => {};

/** The agent's tools with a call's `tools` added (they win on a name clash); `base` itself when the call adds none. */
function withCallTools(base: ToolSet, callTools: ToolSet | undefined): ToolSet {
  return callTools ? { ...base, ...callTools } : base;
}

/** Aborts `controller` when `signal` aborts (at once if it already has); returns what stops listening. */
function forwardAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (signal === undefined) return noop;
  if (signal.aborted) {
    controller.abort(signal.reason);
    return noop;
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** A call resolved and ready to run. */
interface PreparedRun<Output> {
  loop: LoopInput<Output>;
  inputMessages: ModelMessage[];
  memory: AgentMemory | undefined;
}

/** What an agent needs from the `Mastra` registry it belongs to. */
export interface AgentHost {
  getLogger?(): Logger;
  getTracer?(): Tracer;
}

/**
 * An agent: instructions, a model and tools, run as a loop of model calls and tool executions.
 *
 * @example
 * const agent = new Agent({
 *   name: 'weather',
 *   instructions: 'Answer weather questions with the weather tool.',
 *   model: 'openai/gpt-4o-mini',
 *   tools: { weather },
 * });
 * const { text } = await agent.generate('Weather in Paris?');
 */
export class Agent {
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly #config: AgentConfig;
  #models: ResolvedModel[] | undefined;
  #mastra: (AgentHost & object) | undefined;

  constructor(config: AgentConfig) {
    if (config == null || typeof config.name !== 'string' || config.name.length === 0) {
      throw new TypeError('Agent: name is required: new Agent({ name: "support", instructions, model })');
    }
    if (config.model == null) throw new TypeError(`Agent "${config.name}": model is required: pass a model object or a routing string such as "openai/gpt-4o-mini"`);
    if (config.instructions == null) throw new TypeError(`Agent "${config.name}": instructions are required (a string, strings, or a function of the request context)`);
    this.#config = config;
    this.id = config.id ?? config.name;
    this.name = config.name;
    this.description = config.description;
    if (Array.isArray(config.model) && config.model.length === 0) {
      throw new TypeError(`Agent "${config.name}": model list is empty: give at least one model object or routing string`);
    }
    if (typeof config.model !== 'string' && !Array.isArray(config.model)) this.#models = [{ model: toLanguageModelV1(config.model), maxRetries: undefined, coolDownMs: defaultCoolDownMs }];
  }

  /** Called by `Mastra` when the agent is registered. */
  __registerMastra(mastra: AgentHost & object): void {
    this.#mastra = mastra;
  }

  /** The options merged under every call (`defaultOptions` of the config). */
  getDefaultOptions(): AgentConfig['defaultOptions'] {
    return this.#config.defaultOptions;
  }

  /** The memory given at construction, if any. */
  getMemory(): AgentMemory | undefined {
    return this.#config.memory;
  }

  /** The resolved primary model (routing strings are resolved through the provider registry). */
  async getModel(): Promise<LanguageModelV1> {
    return (await this.#resolveModels())[0]!.model;
  }

  /** Every model of the failover list in configured order, resolved, with its settings. */
  async getModelList(): Promise<Array<{ model: LanguageModelV1; maxRetries: number | undefined; enabled: boolean }>> {
    const entries = Array.isArray(this.#config.model) ? this.#config.model : [this.#config.model];
    return Promise.all(
      entries.map(async (entry) =>
        typeof entry === 'object' && entry !== null && 'model' in entry
          ? { model: await resolveLanguageModel(entry.model), maxRetries: entry.maxRetries, enabled: entry.enabled !== false }
          : { model: await resolveLanguageModel(entry), maxRetries: undefined, enabled: true },
      ),
    );
  }

  /** The configured model as given: an object, a routing string, or a failover list. */
  get model(): AgentConfig['model'] {
    return this.#config.model;
  }

  async #resolveModels(): Promise<ResolvedModel[]> {
    if (this.#models) return this.#models;
    const entries = Array.isArray(this.#config.model) ? this.#config.model : [this.#config.model];
    const resolved: ResolvedModel[] = [];
    for (const entry of entries) {
      if (typeof entry === 'object' && entry !== null && 'model' in entry) {
        if (entry.enabled === false) continue;
        resolved.push({ model: await resolveLanguageModel(entry.model), maxRetries: entry.maxRetries, coolDownMs: entry.coolDownMs ?? defaultCoolDownMs });
      } else resolved.push({ model: await resolveLanguageModel(entry), maxRetries: undefined, coolDownMs: defaultCoolDownMs });
    }
    if (resolved.length === 0) throw new TypeError(`Agent "${this.name}": every model of the list is disabled`);
    return (this.#models = resolved);
  }

  /** The instructions for a request, as one string. */
  async getInstructions(options: { requestContext?: RequestContext } = {}): Promise<string> {
    return (await this.#resolveInstructions(this.#config.instructions, options.requestContext ?? new RequestContext())).join('\n\n');
  }

  /** The tools for a request. */
  async listTools(options: { requestContext?: RequestContext } = {}): Promise<ToolSet> {
    const tools = this.#config.tools;
    if (tools === undefined) return {};
    return typeof tools === 'function' ? await tools({ requestContext: options.requestContext ?? new RequestContext() }) : tools;
  }

  get #logger(): Logger {
    return this.#config.logger ?? this.#mastra?.getLogger?.() ?? noopLogger;
  }

  get #tracer(): Tracer {
    return this.#config.tracer ?? this.#mastra?.getTracer?.() ?? noopTracer;
  }

  async #resolveInstructions(instructions: AgentInstructions, requestContext: RequestContext): Promise<string[]> {
    return instructionTexts(typeof instructions === 'function' ? await instructions({ requestContext, mastra: this.#mastra }) : instructions);
  }

  #mergeOptions<Output>(options: AgentCallOptions<Output> | undefined): AgentCallOptions<Output> {
    const defaults = this.#config.defaultOptions;
    if (!defaults) return options ?? (noOptions as AgentCallOptions<Output>);
    if (!options) return defaults as AgentCallOptions<Output>;
    return {
      ...(defaults as AgentCallOptions<Output>),
      ...options,
      modelSettings: { ...defaults.modelSettings, ...options.modelSettings },
      providerOptions: { ...defaults.providerOptions, ...options.providerOptions },
      ...(defaults.headers || options.headers ? { headers: { ...defaults.headers, ...options.headers } } : {}),
    };
  }

  /**
   * Resolves a call. Synchronous when nothing needs awaiting (models resolved, static tools and instructions, no
   * memory): the model call then starts in the same turn as `generate()` / `stream()`.
   */
  #prepare<Output>(
    input: AgentInput,
    callOptions: AgentCallOptions<Output> | undefined,
    abortSignal: AbortSignal | undefined,
    emit: LoopInput<Output>['emit'],
  ): PreparedRun<Output> | Promise<PreparedRun<Output>> {
    const options = this.#mergeOptions(callOptions);
    const inputMessages = normalizeInput(input);
    const configTools = this.#config.tools;
    const instructions = options.instructions ?? this.#config.instructions;
    const models = this.#models;
    if (models === undefined || typeof configTools === 'function' || typeof instructions === 'function' || options.memory) {
      return this.#prepareAsync(options, inputMessages, abortSignal, emit);
    }
    const tools = withCallTools(configTools ?? noTools, options.tools);
    return this.#assemble(options, inputMessages, models, tools, instructionTexts(instructions), undefined, [], options.requestContext, abortSignal, emit);
  }

  async #prepareAsync<Output>(
    options: AgentCallOptions<Output>,
    inputMessages: ModelMessage[],
    abortSignal: AbortSignal | undefined,
    emit: LoopInput<Output>['emit'],
  ): Promise<PreparedRun<Output>> {
    // made when something reads it (dynamic tools or instructions, memory, a tool call): most calls never do
    let requestContext = options.requestContext;
    const models = this.#models ?? (await this.#resolveModels());
    const configTools = this.#config.tools;
    let tools = withCallTools(
      configTools === undefined ? noTools : typeof configTools === 'function' ? await configTools({ requestContext: (requestContext ??= new RequestContext()) }) : configTools,
      options.tools,
    );

    const instructions = options.instructions ?? this.#config.instructions;
    const system = typeof instructions === 'function' ? await this.#resolveInstructions(instructions, (requestContext ??= new RequestContext())) : instructionTexts(instructions);
    const memory = options.memory ? this.#config.memory : undefined;
    if (options.memory && !memory) {
      throw new TypeError(`Agent "${this.name}": options.memory was given but the agent has no memory: pass memory: new Memory(...) to the Agent`);
    }
    const history: ModelMessage[] = [];
    if (memory && options.memory) {
      const thread = options.memory.thread;
      const context = await memory.prepare({
        agentId: this.id,
        threadId: typeof thread === 'string' ? thread : thread.id,
        resourceId: options.memory.resource,
        thread,
        input: inputMessages,
        options: options.memory.options,
        requestContext: (requestContext ??= new RequestContext()),
        abortSignal,
      });
      if (context.system) system.push(...context.system);
      if (context.tools) tools = { ...tools, ...context.tools };
      history.push(...context.messages);
    }
    return this.#assemble(options, inputMessages, models, tools, system, memory, history, requestContext, abortSignal, emit);
  }

  /** Builds the prompt and the loop input of a resolved call. `history` comes from memory. */
  #assemble<Output>(
    options: AgentCallOptions<Output>,
    inputMessages: ModelMessage[],
    models: ResolvedModel[],
    tools: ToolSet,
    system: string[],
    memory: AgentMemory | undefined,
    history: ModelMessage[],
    requestContext: RequestContext | undefined,
    abortSignal: AbortSignal | undefined,
    emit: LoopInput<Output>['emit'],
  ): PreparedRun<Output> {
    const messages = history;
    if (options.context) messages.push(...options.context);
    for (const message of inputMessages) messages.push(message);

    const prompt: LanguageModelV1Message[] = [];
    if (system.length > 0) prompt.push({ role: 'system', content: system.join('\n\n') });
    for (const message of messages) prompt.push(toPromptMessage(message));
    const thread = options.memory?.thread;
    return {
      memory,
      inputMessages,
      loop: {
        agentId: this.id,
        runId: options.runId ?? generateId(),
        models,
        prompt,
        messages,
        tools,
        options,
        abortSignal,
        requestContext,
        mastra: this.#mastra,
        tracer: this.#tracer,
        parentSpan: undefined,
        threadId: thread === undefined ? undefined : typeof thread === 'string' ? thread : thread.id,
        resourceId: options.memory?.resource,
        emit,
      },
    };
  }

  async #finish<Output>(
    run: PreparedRun<Output>,
    result: AgentGenerateResult<Output>,
  ): Promise<void> {
    const { loop } = run;
    if (run.memory && loop.threadId !== undefined && loop.resourceId !== undefined) {
      await run.memory.save({
        agentId: this.id,
        threadId: loop.threadId,
        resourceId: loop.resourceId,
        messages: [...run.inputMessages, ...result.response.messages],
        abortSignal: loop.abortSignal,
      });
    }
    if (loop.options.onFinish) await loop.options.onFinish(result);
  }

  /**
   * Runs the agent to its final answer: calls the model, executes tools, loops until the model answers
   * without tool calls, a client-side tool is called, or `maxSteps` is reached.
   */
  async generate<Output = unknown>(input: AgentInput, options?: AgentCallOptions<Output>): Promise<AgentGenerateResult<Output>> {
    const prepared = this.#prepare(input, options, options?.abortSignal, undefined);
    const run = prepared instanceof Promise ? await prepared : prepared;
    const tracer = run.loop.tracer;
    const span = tracer === noopTracer ? undefined : tracer.startSpan('agent.generate', { kind: 'agent', attributes: this.#spanAttributes(run.loop) });
    run.loop.parentSpan = span;
    try {
      const result = await runAgentLoop(run.loop);
      if (run.memory || run.loop.options.onFinish) await this.#finish(run, result);
      span?.end(usageAttributes(result));
      return result;
    } catch (error) {
      span?.recordException(error);
      span?.end();
      throw normalizeAbort(error, run.loop.abortSignal);
    }
  }

  /**
   * Runs the agent and streams its parts as they are produced. The first text delta reaches the caller
   * before the model finishes. Breaking out of `fullStream` or `textStream` cancels the run.
   */
  async stream<Output = unknown>(input: AgentInput, options?: AgentCallOptions<Output>): Promise<AgentStreamResult<Output>> {
    const controller = new AbortController();
    // removed when the run settles, so a long-lived signal shared by many calls does not collect listeners
    const stopForwarding = forwardAbort(options?.abortSignal, controller);
    const parts = new ReplayStream<AgentStreamPart>(() => controller.abort(new AbortError({ message: 'The stream consumer stopped reading' })));
    let run: PreparedRun<Output>;
    try {
      const prepared = this.#prepare(input, options, controller.signal, (part) => parts.push(part));
      run = prepared instanceof Promise ? await prepared : prepared;
    } catch (error) {
      stopForwarding();
      throw error;
    }
    const tracer = run.loop.tracer;
    const span = tracer === noopTracer ? undefined : tracer.startSpan('agent.stream', { kind: 'agent', attributes: this.#spanAttributes(run.loop) });
    run.loop.parentSpan = span;
    parts.push({ type: 'start', runId: run.loop.runId });

    const result = (async (): Promise<AgentGenerateResult<Output>> => {
      try {
        const value = await runAgentLoop(run.loop);
        if (run.memory || run.loop.options.onFinish) await this.#finish(run, value);
        parts.push({ type: 'finish', finishReason: value.finishReason, usage: value.usage, totalUsage: value.totalUsage });
        span?.end(usageAttributes(value));
        return value;
      } catch (error) {
        // a failure after the loop (saving memory, onFinish) also ends the stream, with an error part
        const normalized = normalizeAbort(error, controller.signal);
        parts.push(AbortError.isInstance(normalized) ? { type: 'abort' } : { type: 'error', error: normalized });
        span?.recordException(normalized);
        span?.end();
        throw normalized;
      } finally {
        parts.close();
        stopForwarding();
      }
    })();
    result.catch(() => {});
    return new AgentStreamResultImpl(run.loop.runId, parts, result);
  }

  #spanAttributes(loop: Pick<LoopInput<unknown>, 'runId' | 'threadId' | 'resourceId' | 'models'>): Record<string, string | undefined> {
    const model = loop.models[0]!.model;
    return {
      'mastra.agent.id': this.id,
      'mastra.run.id': loop.runId,
      'mastra.thread.id': loop.threadId,
      'mastra.resource.id': loop.resourceId,
      'gen_ai.request.model': model.modelId,
      'gen_ai.system': model.provider,
    };
  }
}

function instructionTexts(value: string | string[]): string[] {
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  return value.filter((text) => text.length > 0);
}

function usageAttributes(result: AgentGenerateResult<unknown>): Record<string, number | string | undefined> {
  return {
    'gen_ai.usage.input_tokens': result.totalUsage.inputTokens,
    'gen_ai.usage.output_tokens': result.totalUsage.outputTokens,
    'gen_ai.usage.reasoning_tokens': result.totalUsage.reasoningTokens,
    'gen_ai.usage.cached_input_tokens': result.totalUsage.cachedInputTokens,
    'mastra.finish_reason': result.finishReason,
    'mastra.steps': result.steps.length,
  };
}

function normalizeAbort(error: unknown, signal: AbortSignal | undefined): unknown {
  if (!signal?.aborted || AbortError.isInstance(error)) return error;
  return new AbortError({ cause: signal.reason ?? error });
}
