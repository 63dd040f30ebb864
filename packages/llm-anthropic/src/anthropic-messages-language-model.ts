import Anthropic from '@anthropic-ai/sdk';
import { createParser } from 'eventsource-parser';
import {
  AbortError,
  APICallError,
  type JSONSchema7,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1CallWarning,
  type LanguageModelV1Content,
  type LanguageModelV1FinishReason,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamPart,
  type LanguageModelV1StreamResult,
} from '@mastra-ts/core';
import { BodyPartStream, headersToRecord } from '@mastra-ts/core/provider-utils';
import { mapAnthropicError } from './anthropic-error.ts';
import { defaultMaxOutputTokens, parseAnthropicProviderOptions, parseCacheControl, supportsNativeStructuredOutput, type AnthropicMessagesModelId } from './anthropic-messages-options.ts';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';
import { mapAnthropicUsage, mergeAnthropicUsage, type AnthropicWireUsage } from './map-anthropic-usage.ts';
import { rememberThinkingSignature } from './thinking-signature-cache.ts';

/** How the model reaches the API; built by `createAnthropic`. */
export interface AnthropicMessagesConfig {
  provider: string;
  /** The SDK client, created when a request is made (the API key is read then). */
  client: () => Anthropic;
  /** The messages endpoint URL, for errors. */
  url: string;
}

/** The request body (the SDK's types lack the sampling fields some models still accept). */
type RequestBody = Omit<Anthropic.MessageCreateParamsNonStreaming, 'stream'> & { stream?: boolean; temperature?: number; top_p?: number; top_k?: number; cache_control?: unknown };

interface PreparedCall {
  args: RequestBody;
  warnings: LanguageModelV1CallWarning[];
  jsonTool: boolean;
  requestOptions: { signal?: AbortSignal; headers?: Record<string, string> };
}

const jsonToolName = 'json';

function strictObjectSchema(schema: JSONSchema7): JSONSchema7 {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) result[key] = visit(value);
    if (result.type === 'object' && result.additionalProperties === undefined) result.additionalProperties = false;
    return result;
  };
  return visit(schema) as JSONSchema7;
}

/** Anthropic Messages API as a core `LanguageModelV1`, on `@anthropic-ai/sdk`. */
export class AnthropicMessagesLanguageModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: AnthropicMessagesModelId;
  private readonly config: AnthropicMessagesConfig;

  constructor(modelId: AnthropicMessagesModelId, config: AnthropicMessagesConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.config = config;
  }

  private prepare(options: LanguageModelV1CallOptions, stream: boolean): PreparedCall {
    const warnings: LanguageModelV1CallWarning[] = [];
    const anthropic = parseAnthropicProviderOptions(options.providerOptions?.anthropic, warnings);
    const { system, messages } = convertToAnthropicMessages(options.prompt, { sendReasoning: anthropic.sendReasoning ?? true, warnings });
    const thinking = anthropic.thinking;
    const thinkingOn = thinking !== undefined && thinking.type !== 'disabled';

    if (options.presencePenalty !== undefined || options.frequencyPenalty !== undefined || options.seed !== undefined) {
      for (const setting of ['presencePenalty', 'frequencyPenalty', 'seed'] as const) {
        if (options[setting] !== undefined) warnings.push({ type: 'unsupported-setting', setting, details: 'the Anthropic Messages API has no such parameter' });
      }
    }
    let temperature = options.temperature;
    let topP = options.topP;
    let topK = options.topK;
    if (thinkingOn) {
      for (const [setting, value] of [['temperature', temperature], ['topP', topP], ['topK', topK]] as const) {
        if (value !== undefined) warnings.push({ type: 'unsupported-setting', setting, details: 'not supported together with extended thinking; ignored' });
      }
      temperature = topP = topK = undefined;
    }
    if (temperature !== undefined && temperature > 1) {
      warnings.push({ type: 'unsupported-setting', setting: 'temperature', details: `Anthropic accepts 0 to 1; ${temperature} was clamped to 1` });
      temperature = 1;
    }
    if (temperature !== undefined && topP !== undefined) {
      warnings.push({ type: 'unsupported-setting', setting: 'topP', details: 'Anthropic models reject temperature and top_p together; topP was dropped' });
      topP = undefined;
    }

    const outputLimit = options.maxOutputTokens ?? defaultMaxOutputTokens(this.modelId);
    const maxTokens = thinking?.type === 'enabled' ? (options.maxOutputTokens !== undefined ? outputLimit + thinking.budgetTokens : Math.max(outputLimit, thinking.budgetTokens + 1024)) : outputLimit;

    const tools: Anthropic.ToolUnion[] = options.tools === undefined || options.tools.length === 0 ? [] : options.tools.map((tool, index) => {
      const options_ = tool.providerOptions?.anthropic;
      const cache = options_ ? parseCacheControl(options_.cacheControl ?? options_.cache_control, [`tools[${index}]`, 'providerOptions', 'anthropic', 'cacheControl']) : undefined;
      return {
        name: tool.name,
        ...(tool.description ? { description: tool.description } : {}),
        input_schema: tool.inputSchema as Anthropic.Tool.InputSchema,
        ...(cache ? { cache_control: cache } : {}),
      };
    });
    let toolChoice: Anthropic.ToolChoice | undefined;
    if (tools.length > 0 && options.toolChoice) {
      switch (options.toolChoice.type) {
        case 'auto':
          toolChoice = { type: 'auto' };
          break;
        case 'none':
          toolChoice = { type: 'none' };
          break;
        case 'required':
          toolChoice = { type: 'any' };
          break;
        case 'tool':
          toolChoice = { type: 'tool', name: options.toolChoice.toolName };
          break;
      }
    }
    if (thinkingOn && (toolChoice?.type === 'any' || toolChoice?.type === 'tool')) {
      warnings.push({ type: 'unsupported-setting', setting: 'toolChoice', details: 'Anthropic cannot force a tool call while extended thinking is on; sent as "auto"' });
      toolChoice = { type: 'auto' };
    }
    if (anthropic.disableParallelToolUse && tools.length > 0) {
      toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true } as Anthropic.ToolChoice;
    }

    let jsonTool = false;
    let outputFormat: Anthropic.JSONOutputFormat | undefined;
    const systemBlocks = system ?? [];
    const format = options.responseFormat;
    if (format?.type === 'json') {
      const mode = anthropic.structuredOutputMode ?? 'auto';
      if (format.schema === undefined) {
        systemBlocks.push({ type: 'text', text: 'Answer with a single valid JSON value only, without prose or code fences.' });
      } else if (mode === 'outputFormat' || (mode === 'auto' && supportsNativeStructuredOutput(this.modelId))) {
        outputFormat = { type: 'json_schema', schema: strictObjectSchema(format.schema) };
      } else {
        jsonTool = true;
        tools.push({ name: jsonToolName, description: format.description ?? 'Respond with a JSON value that matches the schema.', input_schema: format.schema as Anthropic.Tool.InputSchema });
        toolChoice = tools.length === 1 ? { type: 'tool', name: jsonToolName } : { type: 'any' };
      }
    }

    // non-streaming calls send no `stream` field, as the SDK's own create() does
    const args: RequestBody = stream ? { model: this.modelId, max_tokens: maxTokens, messages, stream } : { model: this.modelId, max_tokens: maxTokens, messages };
    if (systemBlocks.length > 0) args.system = systemBlocks;
    if (temperature !== undefined) args.temperature = temperature;
    if (topP !== undefined) args.top_p = topP;
    if (topK !== undefined) args.top_k = topK;
    if (options.stopSequences !== undefined && options.stopSequences.length > 0) args.stop_sequences = options.stopSequences;
    if (tools.length > 0) args.tools = tools;
    if (toolChoice) args.tool_choice = toolChoice;
    if (thinking !== undefined) args.thinking = thinking.type === 'enabled' ? { type: 'enabled', budget_tokens: thinking.budgetTokens } : { type: thinking.type } as Anthropic.ThinkingConfigParam;
    if (outputFormat || anthropic.effort) args.output_config = { ...(outputFormat ? { format: outputFormat } : {}), ...(anthropic.effort ? { effort: anthropic.effort } : {}) };
    if (anthropic.cacheControl) args.cache_control = anthropic.cacheControl;
    if (anthropic.userId) args.metadata = { user_id: anthropic.userId };
    if (anthropic.serviceTier) args.service_tier = anthropic.serviceTier;

    const requestOptions: PreparedCall['requestOptions'] = {};
    if (options.abortSignal) requestOptions.signal = options.abortSignal;
    if (options.headers !== undefined) {
      let headers: Record<string, string> | undefined;
      for (const key in options.headers) {
        const value = options.headers[key];
        if (value !== undefined) (headers ??= {})[key] = value;
      }
      if (headers !== undefined) requestOptions.headers = headers;
    }
    return { args, warnings, jsonTool, requestOptions };
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const { args, warnings, jsonTool, requestOptions } = this.prepare(options, false);
    const context = { url: this.config.url, requestBody: args, abortSignal: options.abortSignal };
    let message: Anthropic.Message;
    let response: Response | undefined;
    try {
      const promise = this.config.client().messages.create(args as Anthropic.MessageCreateParamsNonStreaming, requestOptions);
      promise.asResponse().then((value) => (response = value), ignore);
      message = await promise;
      response ??= await promise.asResponse();
    } catch (error) {
      throw mapAnthropicError(error, context);
    }
    const content: LanguageModelV1Content[] = [];
    let usedJsonTool = false;
    for (const block of message.content) {
      switch (block.type) {
        case 'text':
          content.push({ type: 'text', text: block.text });
          break;
        case 'thinking':
          rememberThinkingSignature(block.thinking, block.signature);
          content.push({ type: 'reasoning', text: block.thinking, providerMetadata: { anthropic: { signature: block.signature } } });
          break;
        case 'redacted_thinking':
          content.push({ type: 'reasoning', text: '', providerMetadata: { anthropic: { redactedData: block.data } } });
          break;
        case 'tool_use':
          if (jsonTool && block.name === jsonToolName) {
            usedJsonTool = true;
            content.push({ type: 'text', text: JSON.stringify(block.input) });
          } else content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input: JSON.stringify(block.input ?? {}) });
          break;
        default:
          break;
      }
    }
    const usage = message.usage as AnthropicWireUsage;
    return {
      content,
      finishReason: mapAnthropicStopReason(message.stop_reason, usedJsonTool),
      usage: mapAnthropicUsage(usage),
      warnings,
      providerMetadata: {
        anthropic: {
          cacheCreationInputTokens: usage.cache_creation_input_tokens ?? null,
          stopSequence: message.stop_sequence ?? null,
        },
      },
      request: { body: args },
      response: withLazyHeaders({ id: message.id, modelId: message.model, body: message }, response.headers),
    };
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const { args, warnings, jsonTool, requestOptions } = this.prepare(options, true);
    const context = { url: this.config.url, requestBody: args, abortSignal: options.abortSignal };
    // The SDK sends the request and turns HTTP errors into its errors; the SSE body is read here, in one
    // layer from bytes to parts, instead of through the SDK's three async generators per event.
    // The caller's signal reaches the SDK through a per-call controller whose link is removed when the
    // stream ends (the SDK only releases its listener when it parses the body itself).
    const link = options.abortSignal === undefined ? undefined : linkSignal(options.abortSignal);
    if (link !== undefined) requestOptions.signal = link.signal;
    let response: Response;
    try {
      response = await this.config.client().messages.create(args as Anthropic.MessageCreateParamsStreaming, requestOptions).asResponse();
    } catch (error) {
      link?.release();
      throw mapAnthropicError(error, context);
    }
    if (response.body === null) {
      link?.release();
      throw new APICallError({ message: 'Anthropic answered a streaming request without a response body', url: context.url, requestBodyValues: args, isRetryable: true });
    }
    return {
      stream: new AnthropicPartStream(response.body, response.headers, link, jsonTool, context, warnings),
      request: { body: args },
      response: withLazyHeaders({}, response.headers),
    };
  }
}

interface SignalLink {
  signal: AbortSignal;
  abort(): void;
  release(): void;
}

function linkSignal(signal: AbortSignal): SignalLink {
  const controller = new AbortController();
  const abort = (): void => controller.abort(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return { signal: controller.signal, abort: () => controller.abort(), release: () => signal.removeEventListener('abort', abort) };
}

const ignore = (): void => undefined;

/** Adds `headers`, converted on first read: iterating fetch `Headers` costs tens of µs per call. */
function withLazyHeaders<T extends object>(target: T, headers: Headers): T & { headers: Record<string, string> } {
  let record: Record<string, string> | undefined;
  return {
    ...target,
    get headers(): Record<string, string> {
      return (record ??= headersToRecord(headers) ?? {});
    },
  };
}

interface OpenBlock {
  kind: 'text' | 'reasoning' | 'tool' | 'json' | 'ignored';
  id: string;
  toolName?: string;
  input: string;
  signature?: string;
}

type StreamContext = { url: string; requestBody: unknown; abortSignal: AbortSignal | undefined };

/**
 * Reads the SSE body (parsed by `eventsource-parser`) and maps its events to parts through a queue: one await
 * per network chunk, none per event or part. Events are treated as the SDK's stream decoder treats them (`ping`
 * skipped, `error` events become the SDK's `APIError`, a `data` that is not JSON is a `SyntaxError`).
 */
class AnthropicPartStream extends BodyPartStream {
  private readonly blocks = new Map<number, OpenBlock>();
  private readonly parser = createParser({ onEvent: (event) => this.dispatch(event.event ?? null, event.data) });
  private usage: AnthropicWireUsage = {};
  private stopReason: string | null | undefined;
  private stopSequence: string | null = null;
  private usedJsonTool = false;
  private stopped = false;
  private failed = false;

  private readonly headers: Headers;
  private readonly link: SignalLink | undefined;
  private readonly jsonTool: boolean;
  private readonly context: StreamContext;

  constructor(body: ReadableStream<Uint8Array>, headers: Headers, link: SignalLink | undefined, jsonTool: boolean, context: StreamContext, warnings: LanguageModelV1CallWarning[]) {
    super(body, warnings);
    this.headers = headers;
    this.link = link;
    this.jsonTool = jsonTool;
    this.context = context;
  }

  protected receive(text: string, last: boolean): void {
    this.parser.feed(text);
    if (!last) return;
    // a last line without its newline still counts; an event needs its blank line to be dispatched
    this.parser.reset({ consume: true });
    if (!this.finished) this.end();
  }

  protected readFailed(error: unknown): void {
    this.fail(error);
  }

  protected override onClose(): void {
    this.link?.release();
  }

  /** One SSE event, as the SDK's decoder treats it: `ping` skipped, `error` becomes the SDK's `APIError`. */
  private dispatch(name: string | null, data: string): void {
    if (this.finished || name === 'ping' || name === null) return;
    if (name === 'error') {
      let body: unknown = data;
      try {
        body = JSON.parse(data);
      } catch {
        // the raw text is the body
      }
      this.fail(new Anthropic.APIError(undefined, body as object, undefined, this.headers, (body as { error?: { type?: Anthropic.ErrorType } } | null)?.error?.type));
      return;
    }
    if (data.length === 0) return;
    let event: Anthropic.RawMessageStreamEvent;
    try {
      event = JSON.parse(data);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.handle(event);
  }

  /** An in-stream API error becomes an error part and a finish; anything else ends the stream with a typed error. */
  private fail(error: unknown): void {
    if (error instanceof Anthropic.APIError && error.status === undefined && !(error instanceof Anthropic.APIConnectionError)) {
      this.failed = true;
      this.queue.push({ type: 'error', error: mapAnthropicError(error, this.context) });
      this.finish();
      this.cancelBody();
      return;
    }
    this.stop(mapAnthropicError(error, this.context));
  }

  private end(): void {
    if (this.stopped) {
      this.finish();
      return;
    }
    if (this.context.abortSignal?.aborted) this.stop(new AbortError({ message: 'The Anthropic stream was aborted', cause: this.context.abortSignal.reason }));
    else {
      this.stop(
        new APICallError({
          message: 'The Anthropic stream ended before message_stop: the connection was closed mid-response. The call may be retried.',
          url: this.context.url,
          requestBodyValues: this.context.requestBody,
          isRetryable: true,
        }),
      );
    }
  }

  private finish(): void {
    const finishReason: LanguageModelV1FinishReason = this.failed ? 'error' : mapAnthropicStopReason(this.stopReason, this.usedJsonTool);
    this.queue.push({
      type: 'finish',
      finishReason,
      usage: mapAnthropicUsage(this.usage),
      providerMetadata: { anthropic: { cacheCreationInputTokens: this.usage.cache_creation_input_tokens ?? null, stopSequence: this.stopSequence } },
    });
    this.complete();
  }

  private handle(event: Anthropic.RawMessageStreamEvent): void {
    const queue = this.queue;
    switch (event.type) {
      case 'message_start':
        this.usage = mergeAnthropicUsage(this.usage, event.message.usage as AnthropicWireUsage);
        queue.push({ type: 'response-metadata', id: event.message.id, modelId: event.message.model });
        return;
      case 'content_block_start': {
        const block = event.content_block;
        const id = String(event.index);
        switch (block.type) {
          case 'text':
            this.blocks.set(event.index, { kind: 'text', id, input: '' });
            queue.push({ type: 'text-start', id });
            if (block.text) queue.push({ type: 'text-delta', id, delta: block.text });
            return;
          case 'thinking':
            this.blocks.set(event.index, { kind: 'reasoning', id, input: block.thinking ?? '', ...(block.signature ? { signature: block.signature } : {}) });
            queue.push({ type: 'reasoning-start', id });
            if (block.thinking) queue.push({ type: 'reasoning-delta', id, delta: block.thinking });
            return;
          case 'redacted_thinking':
            this.blocks.set(event.index, { kind: 'ignored', id, input: '' });
            queue.push({ type: 'reasoning-start', id, providerMetadata: { anthropic: { redactedData: block.data } } });
            queue.push({ type: 'reasoning-end', id, providerMetadata: { anthropic: { redactedData: block.data } } });
            return;
          case 'tool_use':
            if (this.jsonTool && block.name === jsonToolName) {
              this.usedJsonTool = true;
              this.blocks.set(event.index, { kind: 'json', id, input: '' });
              queue.push({ type: 'text-start', id });
            } else {
              this.blocks.set(event.index, { kind: 'tool', id: block.id, toolName: block.name, input: '' });
              queue.push({ type: 'tool-input-start', id: block.id, toolName: block.name });
            }
            return;
          default:
            this.blocks.set(event.index, { kind: 'ignored', id, input: '' });
            queue.push({ type: 'raw', rawValue: event });
            return;
        }
      }
      case 'content_block_delta': {
        const block = this.blocks.get(event.index);
        if (!block) return;
        const delta = event.delta;
        if (delta.type === 'text_delta' && block.kind === 'text') queue.push({ type: 'text-delta', id: block.id, delta: delta.text });
        else if (delta.type === 'thinking_delta' && block.kind === 'reasoning') {
          block.input += delta.thinking;
          queue.push({ type: 'reasoning-delta', id: block.id, delta: delta.thinking });
        }
        else if (delta.type === 'signature_delta' && block.kind === 'reasoning') block.signature = (block.signature ?? '') + delta.signature;
        else if (delta.type === 'input_json_delta' && delta.partial_json.length > 0) {
          block.input += delta.partial_json;
          if (block.kind === 'tool') queue.push({ type: 'tool-input-delta', id: block.id, delta: delta.partial_json });
          else if (block.kind === 'json') queue.push({ type: 'text-delta', id: block.id, delta: delta.partial_json });
        }
        return;
      }
      case 'content_block_stop': {
        const block = this.blocks.get(event.index);
        if (!block) return;
        this.blocks.delete(event.index);
        if (block.kind === 'text' || block.kind === 'json') queue.push({ type: 'text-end', id: block.id });
        else if (block.kind === 'reasoning') {
          if (block.signature) rememberThinkingSignature(block.input, block.signature);
          queue.push({ type: 'reasoning-end', id: block.id, ...(block.signature ? { providerMetadata: { anthropic: { signature: block.signature } } } : {}) });
        } else if (block.kind === 'tool') {
          queue.push({ type: 'tool-input-end', id: block.id });
          queue.push({ type: 'tool-call', toolCallId: block.id, toolName: block.toolName!, input: block.input.length > 0 ? block.input : '{}' });
        }
        return;
      }
      case 'message_delta':
        this.usage = mergeAnthropicUsage(this.usage, event.usage as AnthropicWireUsage);
        this.stopReason = event.delta.stop_reason;
        this.stopSequence = event.delta.stop_sequence ?? null;
        return;
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        return;
    }
  }
}
