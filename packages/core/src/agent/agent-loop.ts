import { AbortError } from '../errors/abort-error.ts';
import { APICallError } from '../errors/api-call-error.ts';
import { RetryError } from '../errors/retry-error.ts';
import { JSONParseError } from '../errors/json-parse-error.ts';
import { StructuredOutputError } from '../errors/structured-output-error.ts';
import { ToolExecutionError } from '../errors/tool-execution-error.ts';
import type { LanguageModelV1 } from '../language-model/v1/language-model-v1.ts';
import type { LanguageModelV1GenerateResult } from '../language-model/v1/language-model-v1-generate-result.ts';
import type { LanguageModelV1CallOptions, LanguageModelV1FunctionTool } from '../language-model/v1/language-model-v1-call-options.ts';
import type { LanguageModelV1Content, LanguageModelV1Reasoning, LanguageModelV1Text } from '../language-model/v1/language-model-v1-content.ts';
import type {
  LanguageModelV1Message,
  LanguageModelV1ReasoningPart,
  LanguageModelV1TextPart,
  LanguageModelV1ToolCallPart,
  LanguageModelV1ToolResultPart,
} from '../language-model/v1/language-model-v1-prompt.ts';
import type { LanguageModelV1StreamPart } from '../language-model/v1/language-model-v1-stream-part.ts';
import { noopTracer, type Span, type Tracer } from '../observability/tracer.ts';
import type { ProviderMetadata } from '../shared/json-value.ts';
import { attemptSignal, callWithRetry, type RetryCallOptions } from '../retry/retry-policy.ts';
import { safeValidate, toJSONSchema, type Schema } from '../tools/schema.ts';
import { throwIfAborted } from '../storage/check-abort.ts';
import { raceAbort } from '../utils/race-abort.ts';
import type { AnyTool, ToolSet } from '../tools/tool.ts';
import type { AgentCallOptions, AgentGenerateResult, AgentStreamPart, StepResult, ToolCall, ToolResult, Usage } from './agent-types.ts';
import { toProviderToolChoice } from './agent-types.ts';
import type { ModelMessage } from './model-message.ts';
import { RequestContext } from './request-context.ts';
import { AbortableReader } from './abortable-reader.ts';
import { addUsage, emptyUsage } from './usage.ts';

/** A resolved model with its failover settings. */
export interface ResolvedModel {
  model: LanguageModelV1;
  maxRetries: number | undefined;
  coolDownMs: number;
}

const coolingUntil = new WeakMap<LanguageModelV1, number>();

/** Candidates in order, those cooling down after repeated failures moved last. */
function candidates(models: ResolvedModel[]): ResolvedModel[] {
  if (models.length === 1) return models;
  const now = Date.now();
  const ready = models.filter((entry) => (coolingUntil.get(entry.model) ?? 0) <= now);
  return ready.length === models.length ? models : [...ready, ...models.filter((entry) => !ready.includes(entry))];
}

function canFailOver(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return false;
  if (RetryError.isInstance(error)) return error.reason === 'maxRetriesExceeded';
  if (APICallError.isInstance(error)) return error.isRetryable;
  return AbortError.isInstance(error);
}

/** Runs `attempt` on each candidate model until one succeeds or an error is not worth failing over for. */
async function withFailover<T>(input: LoopInput<unknown>, retry: RetryCallOptions, attempt: (model: LanguageModelV1, retry: RetryCallOptions) => Promise<T>): Promise<{ value: T; model: LanguageModelV1 }> {
  const list = candidates(input.models);
  for (let index = 0; ; index++) {
    const entry = list[index]!;
    try {
      const value = await attempt(entry.model, entry.maxRetries === undefined ? retry : { ...retry, maxRetries: entry.maxRetries });
      if (list.length > 1) coolingUntil.delete(entry.model);
      return { value, model: entry.model };
    } catch (error) {
      if (index === list.length - 1 || !canFailOver(error, input.abortSignal)) throw error;
      coolingUntil.set(entry.model, Date.now() + entry.coolDownMs);
    }
  }
}

/** The retry policy of the only model, or undefined when there is a failover list (see `withFailover`). */
function singleModelRetry(input: LoopInput<unknown>, retry: RetryCallOptions): RetryCallOptions | undefined {
  if (input.models.length !== 1) return undefined;
  const { maxRetries } = input.models[0]!;
  return maxRetries === undefined ? retry : { ...retry, maxRetries };
}

/** Everything one run of the loop needs, resolved by `Agent`. */
export interface LoopInput<Output> {
  agentId: string;
  runId: string;
  /** The primary model first, then failover candidates. */
  models: ResolvedModel[];
  /** Prompt messages so far: system, memory, context, input. Appended to as the loop runs. */
  prompt: LanguageModelV1Message[];
  /** The same messages as user-facing `ModelMessage`s, passed to tools. */
  messages: ModelMessage[];
  tools: ToolSet;
  options: AgentCallOptions<Output>;
  abortSignal: AbortSignal | undefined;
  /** Made on first use when the caller gave none (see `Agent`). */
  requestContext: RequestContext | undefined;
  mastra: unknown;
  tracer: Tracer;
  parentSpan: Span | undefined;
  threadId: string | undefined;
  resourceId: string | undefined;
  /** When set, the loop streams and emits parts through it. */
  emit: ((part: AgentStreamPart) => void) | undefined;
}

interface StepOutput {
  model: LanguageModelV1;
  content: LanguageModelV1Content[];
  finishReason: StepResult['finishReason'];
  usage: Usage;
  warnings: StepResult['warnings'];
  request: { body?: unknown };
  response: { id?: string | undefined; modelId?: string | undefined; timestamp?: Date | undefined };
  /** Where the response headers are read from, when someone asks for them. */
  headerSource: { headers?: Record<string, string> | undefined } | undefined;
  providerMetadata: ProviderMetadata | undefined;
}

/**
 * A step's response. `headers` is a prototype getter: providers convert response headers lazily and most callers never
 * read them, and a class getter keeps the object on V8's fast path where a per-object `defineProperty` would not.
 */
class StepResponse {
  readonly id: string | undefined;
  readonly modelId: string | undefined;
  readonly timestamp: Date | undefined;
  readonly messages: ModelMessage[];
  readonly #source: StepOutput['headerSource'];

  constructor(response: StepOutput['response'], source: StepOutput['headerSource'], messages: ModelMessage[]) {
    this.id = response.id;
    this.modelId = response.modelId;
    this.timestamp = response.timestamp;
    this.messages = messages;
    this.#source = source;
  }

  get headers(): Record<string, string> | undefined {
    return this.#source?.headers;
  }

  toJSON(): StepResult['response'] {
    return { id: this.id, modelId: this.modelId, timestamp: this.timestamp, headers: this.headers, messages: this.messages };
  }
}

const toolDefinitionCache = new WeakMap<AnyTool, Omit<LanguageModelV1FunctionTool, 'name'>>();

function toolDefinition(name: string, tool: AnyTool): LanguageModelV1FunctionTool {
  let cached = toolDefinitionCache.get(tool);
  if (!cached) {
    cached = {
      type: 'function',
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: tool.inputSchema ? toJSONSchema(tool.inputSchema) : { type: 'object', properties: {} },
      ...(tool.providerOptions === undefined ? {} : { providerOptions: tool.providerOptions as LanguageModelV1FunctionTool['providerOptions'] }),
    };
    toolDefinitionCache.set(tool, cached);
  }
  return { ...cached, name };
}

const noNames: string[] = [];
const noSettings: NonNullable<AgentCallOptions<unknown>['modelSettings']> = Object.freeze({});

function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

/** Runs the model/tool loop to completion. */
export async function runAgentLoop<Output>(input: LoopInput<Output>): Promise<AgentGenerateResult<Output>> {
  const { options, tools, emit } = input;
  const maxSteps = Math.max(1, options.maxSteps ?? 5);
  const activeNames = options.activeTools ? options.activeTools.filter((name) => name in tools) : hasKeys(tools) ? Object.keys(tools) : noNames;
  const toolDefinitions = activeNames.length > 0 && options.toolChoice !== 'none' ? activeNames.map((name) => toolDefinition(name, tools[name]!)) : undefined;
  const structured = options.structuredOutput;
  const settings = options.modelSettings ?? noSettings;
  // plain assignments: a spread of a dozen conditional objects allocates each of them on every call
  const baseCall: Omit<LanguageModelV1CallOptions, 'prompt'> = {};
  if (toolDefinitions) {
    baseCall.tools = toolDefinitions;
    if (options.toolChoice !== undefined) baseCall.toolChoice = toProviderToolChoice(options.toolChoice)!;
  }
  if (settings.maxOutputTokens !== undefined) baseCall.maxOutputTokens = settings.maxOutputTokens;
  if (settings.temperature !== undefined) baseCall.temperature = settings.temperature;
  if (settings.topP !== undefined) baseCall.topP = settings.topP;
  if (settings.topK !== undefined) baseCall.topK = settings.topK;
  if (settings.presencePenalty !== undefined) baseCall.presencePenalty = settings.presencePenalty;
  if (settings.frequencyPenalty !== undefined) baseCall.frequencyPenalty = settings.frequencyPenalty;
  if (settings.stopSequences !== undefined) baseCall.stopSequences = settings.stopSequences;
  if (settings.seed !== undefined) baseCall.seed = settings.seed;
  if (structured) {
    baseCall.responseFormat = {
      type: 'json',
      schema: toJSONSchema(structured.schema),
      ...(structured.name ? { name: structured.name } : {}),
      ...(structured.description ? { description: structured.description } : {}),
    };
  }
  if (options.headers) baseCall.headers = options.headers;
  if (options.providerOptions) baseCall.providerOptions = options.providerOptions;
  const retry: RetryCallOptions = settings === noSettings ? { abortSignal: input.abortSignal } : { ...settings, abortSignal: input.abortSignal };

  const steps: StepResult[] = [];
  const responseMessages: ModelMessage[] = [];
  let totalUsage = emptyUsage();
  let object: Output | undefined;
  let repairUsed = false;
  let repairing = false;

  for (let stepNumber = 0; ; stepNumber++) {
    throwIfAborted(input.abortSignal);
    const call: LanguageModelV1CallOptions = { ...baseCall, prompt: input.prompt.slice() };
    if (repairing) {
      // the repair turn asks for JSON only: offering tools again would invite another round trip
      delete call.tools;
      delete call.toolChoice;
      repairing = false;
    }
    const output = await runStep(input, call, retry, stepNumber);
    totalUsage = addUsage(totalUsage, output.usage);

    const toolCalls: ToolCall[] = [];
    const assistantContent: Array<LanguageModelV1TextPart | LanguageModelV1ReasoningPart | LanguageModelV1ToolCallPart> = [];
    let parseFailures: Map<string, unknown> | undefined;
    for (const part of output.content) {
      if (part.type !== 'tool-call') {
        if (part.type === 'text' || part.type === 'reasoning') assistantContent.push(toPromptPart(part));
        continue;
      }
      let parsed: unknown;
      try {
        parsed = part.input.trim() === '' ? {} : JSON.parse(part.input);
      } catch (cause) {
        parsed = part.input;
        (parseFailures ??= new Map()).set(part.toolCallId, new JSONParseError({ text: part.input, cause }));
      }
      toolCalls.push(makeToolCall(part.toolCallId, part.toolName, parsed));
      assistantContent.push({
        type: 'tool-call',
        toolCallId: part.toolCallId,
        toolName: part.toolName,
        input: parsed,
        ...(part.providerMetadata ? { providerOptions: part.providerMetadata } : {}),
      });
    }
    const stepMessages: ModelMessage[] = [];
    if (assistantContent.length > 0) {
      const assistant = { role: 'assistant' as const, content: assistantContent };
      input.prompt.push(assistant);
      input.messages.push(assistant);
      stepMessages.push(assistant);
    }

    let toolResults: ToolResult[] = [];
    let pendingClientCalls = false;
    if (toolCalls.length > 0) {
      const outcomes = await Promise.all(toolCalls.map((toolCall) => executeToolCall(input, toolCall, parseFailures?.get(toolCall.toolCallId))));
      toolResults = outcomes.filter((outcome): outcome is ToolResult => outcome !== undefined);
      pendingClientCalls = toolResults.length < toolCalls.length;
      if (toolResults.length > 0) {
        const toolMessage = {
          role: 'tool' as const,
          content: toolResults.map(
            (result): LanguageModelV1ToolResultPart => ({ type: 'tool-result', toolCallId: result.toolCallId, toolName: result.toolName, output: result.output, ...(result.isError ? { isError: true } : {}) }),
          ),
        };
        input.prompt.push(toolMessage);
        input.messages.push(toolMessage);
        stepMessages.push(toolMessage);
      }
    }
    responseMessages.push(...stepMessages);

    let text = '';
    let reasoningText: string | undefined;
    for (const part of output.content) {
      if (part.type === 'text') text += part.text;
      else if (part.type === 'reasoning') reasoningText = reasoningText === undefined ? part.text : reasoningText + part.text;
    }
    const step: StepResult = {
      stepNumber,
      text,
      reasoningText,
      content: output.content,
      toolCalls,
      toolResults,
      finishReason: output.finishReason,
      usage: output.usage,
      warnings: output.warnings,
      request: output.request,
      response: new StepResponse(output.response, output.headerSource, stepMessages),
      model: { provider: output.model.provider, modelId: output.model.modelId },
      providerMetadata: output.providerMetadata,
    };
    steps.push(step);
    emit?.({ type: 'step-end', stepNumber, finishReason: step.finishReason, usage: step.usage, response: step.response });
    if (options.onStepFinish) await options.onStepFinish(step);

    const wantsMore = toolCalls.length > 0 && !pendingClientCalls && output.finishReason !== 'length';
    if (wantsMore && steps.length < maxSteps) continue;

    const refusal = structured && toolCalls.length === 0 ? refusalOf(output.providerMetadata) : undefined;
    if (refusal !== undefined) throw new StructuredOutputError({ text, cause: new Error(`the model refused: ${refusal}`), attempts: 1 });
    if (structured && toolCalls.length === 0) {
      const parsed = await parseStructured(structured.schema, text);
      if (parsed.success) object = parsed.value;
      else if (!repairUsed) {
        repairUsed = true;
        repairing = true;
        const repair: ModelMessage = {
          role: 'user',
          content: `Your previous answer is not valid: ${parsed.error instanceof Error ? parsed.error.message : String(parsed.error)}. Answer again with only a JSON value that matches this JSON Schema, without prose or code fences: ${JSON.stringify(toJSONSchema(structured.schema))}`,
        };
        input.prompt.push({ role: 'user', content: [{ type: 'text', text: repair.content as string }] });
        input.messages.push(repair);
        continue;
      } else throw new StructuredOutputError({ text, cause: parsed.error, attempts: 2 });
    } else if (structured && object === undefined && !pendingClientCalls) {
      throw new StructuredOutputError({ text, cause: new Error(`the model was still calling tools when maxSteps (${maxSteps}) was reached`), attempts: 1 });
    }

    const last = steps[steps.length - 1]!;
    const warnings = steps.length === 1 ? last.warnings.slice() : steps.flatMap((item) => item.warnings);
    return {
      runId: input.runId,
      text: last.text,
      reasoningText: last.reasoningText,
      object,
      toolCalls: last.toolCalls,
      toolResults: last.toolResults,
      finishReason: pendingClientCalls ? 'tool-calls' : last.finishReason,
      usage: last.usage,
      totalUsage,
      steps,
      warnings,
      response: { id: last.response.id, modelId: last.response.modelId, timestamp: last.response.timestamp, messages: responseMessages },
      model: last.model,
      providerMetadata: last.providerMetadata,
    };
  }
}

/** A refusal reported by the provider (`providerMetadata.<provider>.refusal`, as OpenAI's structured outputs send it). */
function refusalOf(metadata: ProviderMetadata | undefined): string | undefined {
  if (metadata === undefined) return undefined;
  for (const key in metadata) {
    const refusal = metadata[key]?.refusal;
    if (typeof refusal === 'string' && refusal.length > 0) return refusal;
  }
  return undefined;
}

/**
 * Generated text or reasoning as a prompt part for the next turn. Provider metadata becomes provider options, so
 * that what a provider needs echoed back (Anthropic's thinking signature, OpenAI item ids) survives the loop.
 */
function toPromptPart(part: LanguageModelV1Text | LanguageModelV1Reasoning): LanguageModelV1TextPart | LanguageModelV1ReasoningPart {
  if (!part.providerMetadata) return { type: part.type, text: part.text };
  if (part.type === 'text') return { type: 'text', text: part.text, providerOptions: part.providerMetadata };
  const signature = Object.values(part.providerMetadata).map((metadata) => metadata?.signature).find((value) => typeof value === 'string');
  return { type: 'reasoning', text: part.text, providerOptions: part.providerMetadata, ...(signature === undefined ? {} : { signature: signature as string }) };
}

function makeToolCall(toolCallId: string, toolName: string, input: unknown): ToolCall {
  return { type: 'tool-call', toolCallId, toolName, input, payload: { toolCallId, toolName, args: input } };
}

function makeToolResult(call: ToolCall, output: unknown, isError: boolean): ToolResult {
  return {
    type: 'tool-result',
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    input: call.input,
    output,
    isError,
    payload: { toolCallId: call.toolCallId, toolName: call.toolName, args: call.input, result: output, isError },
  };
}

async function parseStructured<T>(schema: Schema<T>, text: string): Promise<{ success: true; value: T } | { success: false; error: unknown }> {
  const trimmed = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (cause) {
    return { success: false, error: new JSONParseError({ text: trimmed, cause }) };
  }
  const result = await safeValidate(schema, value, 'structured output');
  return result.success ? result : { success: false, error: result.error };
}

function runStep<Output>(input: LoopInput<Output>, call: LanguageModelV1CallOptions, retry: RetryCallOptions, stepNumber: number): Promise<StepOutput> {
  // without tracing, the step's own promise is returned: an async wrapper would add promise hops to every step
  if (input.tracer === noopTracer) return input.emit ? streamStep(input, call, retry, stepNumber, input.emit) : generateStep(input, call, retry);
  return tracedStep(input, call, retry, stepNumber);
}

async function tracedStep<Output>(input: LoopInput<Output>, call: LanguageModelV1CallOptions, retry: RetryCallOptions, stepNumber: number): Promise<StepOutput> {
  const primary = input.models[0]!.model;
  const span = input.tracer.startSpan('model.call', {
    kind: 'model',
    parent: input.parentSpan,
    attributes: { 'gen_ai.system': primary.provider, 'gen_ai.request.model': primary.modelId, 'mastra.step': stepNumber, 'mastra.run.id': input.runId, 'mastra.agent.id': input.agentId },
  });
  try {
    const output = input.emit ? await streamStep(input, call, retry, stepNumber, input.emit) : await generateStep(input, call, retry);
    span.end({
      'gen_ai.system': output.model.provider,
      'gen_ai.request.model': output.model.modelId,
      'gen_ai.response.model': output.response.modelId,
      'gen_ai.usage.input_tokens': output.usage.inputTokens,
      'gen_ai.usage.output_tokens': output.usage.outputTokens,
      'gen_ai.usage.reasoning_tokens': output.usage.reasoningTokens,
      'gen_ai.usage.cached_input_tokens': output.usage.cachedInputTokens,
      'gen_ai.response.finish_reasons': [output.finishReason],
    });
    return output;
  } catch (error) {
    span.recordException(error);
    span.end();
    throw error;
  }
}

async function generateStep<Output>(input: LoopInput<Output>, call: LanguageModelV1CallOptions, retry: RetryCallOptions): Promise<StepOutput> {
  const attempt = (candidate: LanguageModelV1, policy: RetryCallOptions): Promise<LanguageModelV1GenerateResult> =>
    callWithRetry((abortSignal) => candidate.doGenerate(abortSignal ? { ...call, abortSignal } : call), policy);
  // one model: nothing to fail over to or cool down, so no failover layer
  const single = singleModelRetry(input as LoopInput<unknown>, retry);
  const { value: result, model } =
    single === undefined ? await withFailover(input as LoopInput<unknown>, retry, attempt) : { model: input.models[0]!.model, value: await attempt(input.models[0]!.model, single) };
  return {
    model,
    content: result.content,
    finishReason: result.finishReason,
    usage: result.usage,
    warnings: result.warnings,
    request: result.request ?? {},
    response: { id: result.response?.id, modelId: result.response?.modelId ?? model.modelId, timestamp: result.response?.timestamp },
    headerSource: result.response,
    providerMetadata: result.providerMetadata,
  };
}

async function streamStep<Output>(
  input: LoopInput<Output>,
  call: LanguageModelV1CallOptions,
  retry: RetryCallOptions,
  stepNumber: number,
  emit: (part: AgentStreamPart) => void,
): Promise<StepOutput> {
  // Retry and failover cover connecting and the parts before the first content part (`stream-start` and
  // `response-metadata` are produced locally by providers, so an overload error right after them is still retried):
  // once content was emitted, a retry would duplicate output.
  const attempt = (candidate: LanguageModelV1, policy: RetryCallOptions) =>
    callWithRetry(async (abortSignal) => {
      const streamResult = await candidate.doStream(abortSignal ? { ...call, abortSignal } : call);
      const streamIterator = streamResult.stream[Symbol.asyncIterator]();
      const reader = new AbortableReader(streamIterator, abortSignal);
      // the reader is kept for the rest of the stream when it listens to the run's own signal (no per-attempt timeout)
      let keep = false;
      const parts: LanguageModelV1StreamPart[] = [];
      let retryable: APICallError | undefined;
      try {
        const open = await reader.forEach((part) => {
          if (part.type === 'error' && APICallError.isInstance(part.error) && part.error.isRetryable) {
            retryable = part.error;
            return true;
          }
          parts.push(part);
          return part.type !== 'stream-start' && part.type !== 'response-metadata';
        });
        if (retryable !== undefined) {
          await streamIterator.return?.();
          throw retryable;
        }
        keep = abortSignal === input.abortSignal;
        return { result: streamResult, iterator: streamIterator, leading: parts, open, reader: keep ? reader : undefined };
      } finally {
        if (!keep) reader.dispose();
      }
    }, policy);
  // one model: nothing to fail over to or cool down, so no failover layer
  const single = singleModelRetry(input as LoopInput<unknown>, retry);
  const {
    value: { result, iterator, leading, open, reader: leadingReader },
    model,
  } = single === undefined ? await withFailover(input as LoopInput<unknown>, retry, attempt) : { model: input.models[0]!.model, value: await attempt(input.models[0]!.model, single) };

  const content: LanguageModelV1Content[] = [];
  type Block = { type: 'text' | 'reasoning'; text: string; providerMetadata?: ProviderMetadata };
  const openText = new Map<string, Block>();
  const openReasoning = new Map<string, Block>();
  const mergeMetadata = (block: Block | undefined, metadata: ProviderMetadata | undefined): void => {
    if (!block || !metadata) return;
    const merged: ProviderMetadata = { ...block.providerMetadata };
    for (const [provider, values] of Object.entries(metadata)) merged[provider] = { ...merged[provider], ...values };
    block.providerMetadata = merged;
  };
  let finishReason: StepResult['finishReason'] = 'unknown';
  let providerMetadata: ProviderMetadata | undefined;
  let usage = emptyUsage();
  let warnings: StepResult['warnings'] = [];
  const response: StepOutput['response'] = { modelId: model.modelId };
  let started = false;
  const start = (): void => {
    if (!started) {
      started = true;
      emit({ type: 'step-start', stepNumber, warnings });
    }
  };

  const handle = (part: LanguageModelV1StreamPart): void => {
    switch (part.type) {
      case 'stream-start':
        warnings = part.warnings;
        start();
        return;
      case 'response-metadata':
        if (part.id !== undefined) response.id = part.id;
        if (part.modelId !== undefined) response.modelId = part.modelId;
        if (part.timestamp !== undefined) response.timestamp = part.timestamp;
        start();
        emit(part);
        return;
      case 'text-start':
      case 'reasoning-start': {
        const kind = part.type === 'text-start' ? 'text' : 'reasoning';
        const block: Block = { type: kind, text: '' };
        mergeMetadata(block, part.providerMetadata);
        (kind === 'text' ? openText : openReasoning).set(part.id, block);
        content.push(block as LanguageModelV1Content);
        break;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const kind = part.type === 'text-delta' ? 'text' : 'reasoning';
        const blocks = kind === 'text' ? openText : openReasoning;
        let block = blocks.get(part.id);
        if (!block) {
          block = { type: kind, text: '' };
          blocks.set(part.id, block);
          content.push(block as LanguageModelV1Content);
        }
        block.text += part.delta;
        mergeMetadata(block, part.providerMetadata);
        break;
      }
      case 'text-end':
      case 'reasoning-end':
        mergeMetadata((part.type === 'text-end' ? openText : openReasoning).get(part.id), part.providerMetadata);
        break;
      case 'tool-call':
        content.push(part);
        start();
        // the agent emits the parsed call after the stream, so consumers see validated JSON input
        return;
      case 'finish':
        finishReason = part.finishReason;
        usage = part.usage;
        providerMetadata = part.providerMetadata;
        return;
      case 'error':
        start();
        emit({ type: 'error', error: part.error });
        finishReason = 'error';
        return;
      default:
        break;
    }
    start();
    emit(part);
  };

  const reader = leadingReader ?? new AbortableReader(iterator, input.abortSignal);
  try {
    for (const part of leading) handle(part);
    if (open) await reader.forEach(handle);
  } catch (error) {
    if (input.abortSignal?.aborted) throw new AbortError({ cause: error });
    throw error;
  } finally {
    reader.dispose();
  }
  throwIfAborted(input.abortSignal);
  start();
  for (const part of content) {
    if (part.type !== 'tool-call') continue;
    let parsed: unknown = part.input;
    try {
      parsed = part.input.trim() === '' ? {} : JSON.parse(part.input);
    } catch {
      // reported to the model as a tool error by the loop
    }
    emit(makeToolCall(part.toolCallId, part.toolName, parsed));
  }
  return { model, content, finishReason, usage, warnings, request: result.request ?? {}, response, headerSource: result.response, providerMetadata };
}

const toolCallEnded = new AbortError({ message: 'The tool call ended' });

/** Executes one tool call. Returns undefined for client-side tools (no `execute`). Never throws except on abort. */
async function executeToolCall<Output>(input: LoopInput<Output>, call: ToolCall, parseFailure: unknown): Promise<ToolResult | undefined> {
  const tool = input.tools[call.toolName];
  const report = (output: unknown, isError: boolean): ToolResult => {
    const result = makeToolResult(call, output, isError);
    input.emit?.(result);
    return result;
  };
  if (!tool) {
    return report(`Unknown tool "${call.toolName}". Available tools: ${Object.keys(input.tools).join(', ') || 'none'}.`, true);
  }
  if (parseFailure !== undefined) {
    return report(`Invalid JSON arguments for tool "${call.toolName}": ${(parseFailure as Error).message}. Call the tool again with valid JSON.`, true);
  }
  let toolInput: unknown = call.input;
  if (tool.inputSchema) {
    const validation = await safeValidate(tool.inputSchema, call.input, `input for tool "${call.toolName}"`);
    if (!validation.success) return report(`${validation.error.message}. Call the tool again with arguments that match its schema.`, true);
    toolInput = validation.value;
  }
  if (!tool.execute) return undefined;

  const span =
    input.tracer === noopTracer
      ? noopTracer.startSpan('tool.call')
      : input.tracer.startSpan('tool.call', {
          kind: 'tool',
          parent: input.parentSpan,
          attributes: { 'gen_ai.tool.name': call.toolName, 'gen_ai.tool.call.id': call.toolCallId, 'mastra.run.id': input.runId, 'mastra.agent.id': input.agentId },
        });
  const controller = new AbortController();
  const timeout = attemptSignal(input.abortSignal, tool.timeoutMs);
  const signal = timeout.signal ? AbortSignal.any([controller.signal, timeout.signal]) : controller.signal;
  try {
    const execution = Promise.resolve(
      tool.execute(toolInput, {
        toolCallId: call.toolCallId,
        abortSignal: signal,
        requestContext: (input.requestContext ??= new RequestContext()),
        mastra: input.mastra,
        agent: { agentId: input.agentId, toolCallId: call.toolCallId, messages: input.messages, threadId: input.threadId, resourceId: input.resourceId },
      }),
    );
    let output = await raceAbort(execution, signal, { reason: () => signal.reason });
    if (tool.outputSchema) {
      const validation = await safeValidate(tool.outputSchema, output, `output of tool "${call.toolName}"`);
      if (!validation.success) throw validation.error;
      output = validation.value;
    }
    span.end();
    return report(output, false);
  } catch (cause) {
    if (input.abortSignal?.aborted) {
      span.recordException(cause);
      span.end();
      throw new AbortError({ cause: input.abortSignal.reason });
    }
    const error = new ToolExecutionError({ toolName: call.toolName, toolCallId: call.toolCallId, toolInput, cause: signal.aborted && tool.timeoutMs !== undefined ? new Error(`timed out after ${tool.timeoutMs} ms`) : cause });
    span.recordException(error);
    span.end();
    return report(error.message, true);
  } finally {
    timeout.dispose();
    // a shared reason: abort() without one builds a DOMException with a stack trace on every tool call
    controller.abort(toolCallEnded);
  }
}
