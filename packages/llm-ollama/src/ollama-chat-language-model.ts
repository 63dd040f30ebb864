import {
  AbortError,
  APICallError,
  generateId,
  InvalidResponseDataError,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1CallWarning,
  type LanguageModelV1Content,
  type LanguageModelV1FinishReason,
  type LanguageModelV1FunctionTool,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamPart,
  type LanguageModelV1StreamResult,
  type LanguageModelV1Usage,
} from '@mastra-ts/core';
import { BodyPartStream } from '@mastra-ts/core/provider-utils';
import type { ChatRequest, ChatResponse, Message, Tool } from 'ollama';
import { createOllamaCallClient, type OllamaCallClient } from './ollama-client.ts';
import { isInStreamError, mapOllamaError, type OllamaErrorContext } from './ollama-error.ts';
import { parseOllamaProviderOptions, type OllamaChatModelId, type ParsedOllamaOptions } from './ollama-chat-options.ts';
import { convertToOllamaMessages } from './convert-to-ollama-messages.ts';

/** How the model reaches the server; built by `createOllama`. */
export interface OllamaConfig {
  provider: string;
  /** The server root, e.g. `http://127.0.0.1:11434`, resolved when a request is made. */
  host: () => string;
  headers: Record<string, string> | undefined;
  fetch: typeof globalThis.fetch | undefined;
}

/** Maps Ollama's `done_reason`. */
export function mapOllamaDoneReason(doneReason: string | undefined, hasToolCalls: boolean): LanguageModelV1FinishReason {
  if (hasToolCalls && (doneReason === 'stop' || doneReason === undefined)) return 'tool-calls';
  switch (doneReason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case undefined:
    case '':
      return 'unknown';
    default:
      return 'other';
  }
}

function usageOf(response: Partial<ChatResponse>): LanguageModelV1Usage {
  const inputTokens = typeof response.prompt_eval_count === 'number' ? response.prompt_eval_count : undefined;
  const outputTokens = typeof response.eval_count === 'number' ? response.eval_count : undefined;
  return { inputTokens, outputTokens, totalTokens: inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined };
}

let lastStamp = '';
let lastTime = Number.NaN;

function timestampOf(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value !== 'string') return undefined;
  // parsing a date string costs about a microsecond; a server's consecutive answers often share the stamp
  if (value !== lastStamp) {
    lastStamp = value;
    lastTime = Date.parse(value);
  }
  return Number.isNaN(lastTime) ? undefined : new Date(lastTime);
}

function durations(response: Partial<ChatResponse>): Record<string, number | null> {
  return {
    totalDuration: response.total_duration ?? null,
    loadDuration: response.load_duration ?? null,
    promptEvalDuration: response.prompt_eval_duration ?? null,
    evalDuration: response.eval_duration ?? null,
  };
}

interface PreparedChat {
  request: ChatRequest & { stream: boolean };
  warnings: LanguageModelV1CallWarning[];
  context: OllamaErrorContext;
  client: OllamaCallClient;
}

const emptyOptions: Record<string, unknown> = {};

function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

/** The call settings Ollama takes as model options; a shared empty object (never written) when there are none. */
function modelOptionsOf(options: LanguageModelV1CallOptions): Record<string, unknown> {
  if (
    options.temperature === undefined && options.topP === undefined && options.topK === undefined && options.seed === undefined &&
    options.maxOutputTokens === undefined && options.presencePenalty === undefined && options.frequencyPenalty === undefined &&
    (options.stopSequences === undefined || options.stopSequences.length === 0) && options.providerOptions?.ollama === undefined
  ) {
    return emptyOptions;
  }
  const modelOptions: Record<string, unknown> = {};
  if (options.temperature !== undefined) modelOptions.temperature = options.temperature;
  if (options.topP !== undefined) modelOptions.top_p = options.topP;
  if (options.topK !== undefined) modelOptions.top_k = options.topK;
  if (options.seed !== undefined) modelOptions.seed = options.seed;
  if (options.maxOutputTokens !== undefined) modelOptions.num_predict = options.maxOutputTokens;
  if (options.presencePenalty !== undefined) modelOptions.presence_penalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) modelOptions.frequency_penalty = options.frequencyPenalty;
  if (options.stopSequences && options.stopSequences.length > 0) modelOptions.stop = options.stopSequences;
  return modelOptions;
}

function toOllamaTool(tool: LanguageModelV1FunctionTool): Tool {
  const parameters = tool.inputSchema as NonNullable<Tool['function']['parameters']>;
  return { type: 'function', function: tool.description ? { name: tool.name, description: tool.description, parameters } : { name: tool.name, parameters } };
}

/** An Ollama chat model (`/api/chat`) as a core `LanguageModelV1`, on the `ollama` client. */
export class OllamaChatLanguageModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: OllamaChatModelId;
  private readonly config: OllamaConfig;
  private lastHost = '';
  private lastURL = '';

  constructor(modelId: OllamaChatModelId, config: OllamaConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.config = config;
  }

  /** Builds the request; synchronous unless an image URL has to be downloaded. */
  private prepare(options: LanguageModelV1CallOptions, stream: boolean): PreparedChat | Promise<PreparedChat> {
    const parsed = options.providerOptions?.ollama === undefined ? undefined : parseOllamaProviderOptions(options.providerOptions.ollama);
    const messages = convertToOllamaMessages(options.prompt, { fetch: this.config.fetch ?? globalThis.fetch, abortSignal: options.abortSignal });
    return Array.isArray(messages) ? this.build(options, stream, parsed, messages) : messages.then((converted) => this.build(options, stream, parsed, converted));
  }

  private build(options: LanguageModelV1CallOptions, stream: boolean, parsed: ParsedOllamaOptions | undefined, messages: Message[]): PreparedChat {
    const warnings: LanguageModelV1CallWarning[] = [];
    const host = this.config.host();
    if (host !== this.lastHost) {
      this.lastURL = `${host}/api/chat`;
      this.lastHost = host;
    }
    const client = createOllamaCallClient({ host, headers: this.config.headers, fetch: this.config.fetch, abortSignal: options.abortSignal, callHeaders: options.headers });
    const request: ChatRequest & { stream: boolean } = { model: this.modelId, messages, stream };

    let tools = options.tools;
    const choice = options.toolChoice;
    if (choice?.type === 'none') tools = undefined;
    else if (choice?.type === 'required' && tools !== undefined && tools.length > 0) warnings.push({ type: 'unsupported-setting', setting: 'toolChoice', details: 'Ollama cannot force a tool call; "required" was sent as "auto"' });
    else if (choice?.type === 'tool') {
      tools = tools?.filter((tool) => tool.name === choice.toolName);
      warnings.push({ type: 'unsupported-setting', setting: 'toolChoice', details: `Ollama cannot force a tool call; only "${choice.toolName}" was offered` });
    }
    if (tools !== undefined && tools.length > 0) request.tools = tools.map(toOllamaTool);
    if (options.responseFormat?.type === 'json') request.format = (options.responseFormat.schema ?? 'json') as ChatRequest['format'];
    const modelOptions = modelOptionsOf(options);
    if (parsed !== undefined) {
      Object.assign(modelOptions, parsed.modelOptions);
      if (parsed.think !== undefined) request.think = parsed.think;
      if (parsed.keepAlive !== undefined) request.keep_alive = parsed.keepAlive;
    }
    if (modelOptions !== emptyOptions && hasKeys(modelOptions)) request.options = modelOptions as ChatRequest['options'];
    const context: OllamaErrorContext = { url: this.lastURL, host, modelId: this.modelId, requestBody: request, abortSignal: options.abortSignal, responseHeaders: client.responseHeaders };
    return { request, warnings, context, client };
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const prepared = this.prepare(options, false);
    const { request, warnings, context, client } = prepared instanceof Promise ? await prepared : prepared;
    let response: ChatResponse;
    try {
      response = await client.client.chat(request as ChatRequest & { stream: false });
    } catch (error) {
      throw mapOllamaError(error, context);
    }
    const message = response.message;
    const content: LanguageModelV1Content[] = [];
    if (message?.thinking) content.push({ type: 'reasoning', text: message.thinking });
    if (message?.content) content.push({ type: 'text', text: message.content });
    const toolCalls = message?.tool_calls;
    if (toolCalls !== undefined) {
      for (const call of toolCalls) {
        content.push({ type: 'tool-call', toolCallId: (call as { id?: string }).id ?? generateId(), toolName: call.function.name, input: JSON.stringify(call.function.arguments ?? {}) });
      }
    }
    const headers = client.responseHeaders;
    return {
      content,
      finishReason: mapOllamaDoneReason(response.done_reason, (toolCalls?.length ?? 0) > 0),
      usage: usageOf(response),
      warnings,
      providerMetadata: { ollama: durations(response) },
      request: { body: request },
      response: {
        modelId: response.model,
        timestamp: timestampOf(response.created_at),
        body: response,
        get headers(): Record<string, string> {
          return headers() ?? {};
        },
      },
    };
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const prepared = this.prepare(options, true);
    const { request, warnings, context, client } = prepared instanceof Promise ? await prepared : prepared;
    let iterator: AsyncIterable<ChatResponse> & { abort(): void };
    try {
      // the client sends the request and maps HTTP errors; its body parser (which skips bad lines) is never started
      iterator = await client.client.chat(request as ChatRequest & { stream: true });
    } catch (error) {
      throw mapOllamaError(error, context);
    }
    const responseBody = client.responseBody();
    if (!responseBody) throw new APICallError({ message: 'Ollama answered a streaming chat without a response body', url: context.url, requestBodyValues: context.requestBody, isRetryable: true });
    const headers = client.responseHeaders;
    return {
      stream: new OllamaPartStream(responseBody, () => iterator.abort(), warnings, context),
      request: { body: request },
      response: {
        get headers(): Record<string, string> {
          return headers() ?? {};
        },
      },
    };
  }
}

/**
 * Maps the NDJSON body to parts (core's `BodyPartStream` reads it): a line is parsed only when the parts of the
 * previous one have been handed out.
 */
class OllamaPartStream extends BodyPartStream {
  private readonly abort: () => void;
  private readonly context: OllamaErrorContext;
  private buffer = '';
  private position = 0;
  private open: { type: 'text' | 'reasoning'; id: string } | undefined;
  private blockCount = 0;
  private metadataSent = false;
  private hasToolCalls = false;
  private final: ChatResponse | undefined;
  private failed = false;

  constructor(body: ReadableStream<Uint8Array>, abort: () => void, warnings: LanguageModelV1CallWarning[], context: OllamaErrorContext) {
    super(body, warnings);
    this.abort = abort;
    this.context = context;
  }

  /** One line at a time: the first part goes out before the rest of a network chunk is parsed. */
  protected override pull(): boolean {
    const end = this.buffer.indexOf('\n', this.position);
    if (end < 0) return false;
    const start = this.position;
    this.position = end + 1;
    this.line(this.buffer.slice(start, end));
    return true;
  }

  protected receive(text: string, last: boolean): void {
    this.buffer = (this.position === 0 ? this.buffer : this.buffer.slice(this.position)) + text;
    this.position = 0;
    if (!last) return;
    while (!this.finished && this.pull());
    const rest = this.buffer.slice(this.position);
    this.buffer = '';
    this.position = 0;
    if (!this.finished && rest.length > 0) this.line(rest);
    if (!this.finished) this.fail(new Error('Did not receive done or success response in stream.'));
  }

  protected readFailed(error: unknown): void {
    this.buffer = '';
    this.position = 0;
    this.fail(error);
  }

  protected override onClose(completed: boolean): void {
    if (!completed) this.abort();
  }

  private line(text: string): void {
    let chunk: ChatResponse & { error?: unknown; status?: unknown };
    try {
      chunk = JSON.parse(text);
    } catch (cause) {
      if (text.trim().length === 0) return;
      this.stop(new InvalidResponseDataError({ data: text, message: `Ollama sent a stream line that is not valid JSON: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`, cause }));
      return;
    }
    if (typeof chunk !== 'object' || chunk === null) {
      this.stop(new InvalidResponseDataError({ data: text, message: `Ollama sent a stream line that is not a JSON object: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` }));
      return;
    }
    if ('error' in chunk) {
      this.fail(new Error(chunk.error as string));
      return;
    }
    this.handle(chunk);
    if (chunk.done || chunk.status === 'success') this.end();
  }

  private fail(error: unknown): void {
    const mapped = mapOllamaError(error, this.context);
    if (isInStreamError(error) && !this.context.abortSignal?.aborted) {
      this.failed = true;
      this.closeBlock();
      this.queue.push({ type: 'error', error: mapped });
      this.finish();
      return;
    }
    this.stop(mapped);
  }

  private end(): void {
    if (this.final) {
      this.closeBlock();
      this.finish();
      return;
    }
    if (this.context.abortSignal?.aborted) this.stop(new AbortError({ message: 'The Ollama stream was aborted', cause: this.context.abortSignal.reason }));
    else this.stop(new APICallError({ message: 'The Ollama stream ended before its final "done" line: the connection was closed mid-response. The call may be retried.', url: this.context.url, requestBodyValues: this.context.requestBody, isRetryable: true }));
  }
  private finish(): void {
    const final = this.final;
    this.queue.push({
      type: 'finish',
      finishReason: this.failed ? 'error' : mapOllamaDoneReason(final?.done_reason, this.hasToolCalls),
      usage: final ? usageOf(final) : { inputTokens: undefined, outputTokens: undefined, totalTokens: undefined },
      ...(final ? { providerMetadata: { ollama: durations(final) } } : {}),
    });
    this.complete();
  }

  private closeBlock(): void {
    if (!this.open) return;
    this.queue.push({ type: this.open.type === 'text' ? 'text-end' : 'reasoning-end', id: this.open.id });
    this.open = undefined;
  }

  private delta(type: 'text' | 'reasoning', delta: string): void {
    if (this.open?.type !== type) {
      // end the active block before another kind starts
      this.closeBlock();
      this.open = { type, id: `${type}-${this.blockCount++}` };
      this.queue.push({ type: type === 'text' ? 'text-start' : 'reasoning-start', id: this.open.id });
    }
    this.queue.push({ type: type === 'text' ? 'text-delta' : 'reasoning-delta', id: this.open.id, delta });
  }

  private handle(chunk: ChatResponse): void {
    if (!this.metadataSent) {
      this.metadataSent = true;
      const timestamp = timestampOf(chunk.created_at);
      this.queue.push({ type: 'response-metadata', modelId: chunk.model, ...(timestamp ? { timestamp } : {}) });
    }
    const message = chunk.message;
    if (message?.thinking) this.delta('reasoning', message.thinking);
    if (message?.content) this.delta('text', message.content);
    if (message?.tool_calls && message.tool_calls.length > 0) {
      this.closeBlock();
      this.hasToolCalls = true;
      for (const call of message.tool_calls) {
        const id = (call as { id?: string }).id ?? generateId();
        const input = JSON.stringify(call.function.arguments ?? {});
        this.queue.push(
          { type: 'tool-input-start', id, toolName: call.function.name },
          { type: 'tool-input-delta', id, delta: input },
          { type: 'tool-input-end', id },
          { type: 'tool-call', toolCallId: id, toolName: call.function.name, input },
        );
      }
    }
    if (chunk.done) this.final = chunk;
  }
}
