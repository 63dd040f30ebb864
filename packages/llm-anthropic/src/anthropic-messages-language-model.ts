import Anthropic from '@anthropic-ai/sdk';
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
import { headersToRecord, mapAnthropicError } from './anthropic-error.ts';
import { defaultMaxOutputTokens, parseAnthropicProviderOptions, parseCacheControl, supportsNativeStructuredOutput, type AnthropicMessagesModelId } from './anthropic-messages-options.ts';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.ts';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.ts';
import { mapAnthropicUsage, mergeAnthropicUsage, type AnthropicWireUsage } from './map-anthropic-usage.ts';

/** How the model reaches the API; built by `createAnthropic`. */
export interface AnthropicMessagesConfig {
  provider: string;
  /** The SDK client, created when a request is made (the API key is read then). */
  client: () => Anthropic;
  /** The messages endpoint URL, for errors. */
  url: string;
}

type MessageCreateParams = Anthropic.MessageCreateParamsNonStreaming;

interface PreparedCall {
  args: Omit<MessageCreateParams, 'stream'>;
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

  private prepare(options: LanguageModelV1CallOptions): PreparedCall {
    const warnings: LanguageModelV1CallWarning[] = [];
    const anthropic = parseAnthropicProviderOptions(options.providerOptions?.anthropic, warnings);
    const { system, messages } = convertToAnthropicMessages(options.prompt, { sendReasoning: anthropic.sendReasoning ?? true, warnings });
    const thinking = anthropic.thinking;
    const thinkingOn = thinking !== undefined && thinking.type !== 'disabled';

    for (const setting of ['presencePenalty', 'frequencyPenalty', 'seed'] as const) {
      if (options[setting] !== undefined) warnings.push({ type: 'unsupported-setting', setting, details: 'the Anthropic Messages API has no such parameter' });
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

    const tools: Anthropic.ToolUnion[] = (options.tools ?? []).map((tool, index) => {
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
    if (anthropic.disableParallelToolUse && tools.length > 0) {
      toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true } as Anthropic.ToolChoice;
    }

    let jsonTool = false;
    let outputFormat: Anthropic.JSONOutputFormat | undefined;
    const systemBlocks = system ? [...system] : [];
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

    const args: Omit<MessageCreateParams, 'stream'> = {
      model: this.modelId,
      max_tokens: maxTokens,
      messages,
      ...(systemBlocks.length > 0 ? { system: systemBlocks } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topP !== undefined ? { top_p: topP } : {}),
      ...(topK !== undefined ? { top_k: topK } : {}),
      ...(options.stopSequences && options.stopSequences.length > 0 ? { stop_sequences: options.stopSequences } : {}),
      ...(tools.length > 0 ? { tools } : {}),
      ...(toolChoice ? { tool_choice: toolChoice } : {}),
      ...(thinking?.type === 'enabled' ? { thinking: { type: 'enabled', budget_tokens: thinking.budgetTokens } } : {}),
      ...(thinking?.type === 'adaptive' ? { thinking: { type: 'adaptive' } } : {}),
      ...(thinking?.type === 'disabled' ? { thinking: { type: 'disabled' } } : {}),
      ...(outputFormat || anthropic.effort ? { output_config: { ...(outputFormat ? { format: outputFormat } : {}), ...(anthropic.effort ? { effort: anthropic.effort } : {}) } } : {}),
      ...(anthropic.cacheControl ? { cache_control: anthropic.cacheControl } : {}),
      ...(anthropic.userId ? { metadata: { user_id: anthropic.userId } } : {}),
      ...(anthropic.serviceTier ? { service_tier: anthropic.serviceTier } : {}),
    };

    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[key] = value;
    const requestOptions: PreparedCall['requestOptions'] = {};
    if (options.abortSignal) requestOptions.signal = options.abortSignal;
    if (Object.keys(headers).length > 0) requestOptions.headers = headers;
    return { args, warnings, jsonTool, requestOptions };
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const { args, warnings, jsonTool, requestOptions } = this.prepare(options);
    const context = { url: this.config.url, requestBody: args, abortSignal: options.abortSignal };
    let message: Anthropic.Message;
    let response: Response;
    try {
      ({ data: message, response } = await this.config.client().messages.create(args, requestOptions).withResponse());
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
      response: { id: message.id, modelId: message.model, headers: headersToRecord(response.headers) ?? {}, body: message },
    };
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const { args, warnings, jsonTool, requestOptions } = this.prepare(options);
    const body = { ...args, stream: true as const };
    const context = { url: this.config.url, requestBody: body, abortSignal: options.abortSignal };
    let events: AsyncIterable<Anthropic.RawMessageStreamEvent> & { controller: AbortController };
    let response: Response;
    try {
      ({ data: events, response } = await this.config.client().messages.create(body, requestOptions).withResponse());
    } catch (error) {
      throw mapAnthropicError(error, context);
    }
    return {
      stream: streamParts(events, { warnings, jsonTool, context }),
      request: { body },
      response: { headers: headersToRecord(response.headers) ?? {} },
    };
  }
}

interface OpenBlock {
  kind: 'text' | 'reasoning' | 'tool' | 'json' | 'ignored';
  id: string;
  toolName?: string;
  input: string;
  signature?: string;
}

async function* streamParts(
  events: AsyncIterable<Anthropic.RawMessageStreamEvent> & { controller: AbortController },
  options: { warnings: LanguageModelV1CallWarning[]; jsonTool: boolean; context: { url: string; requestBody: unknown; abortSignal: AbortSignal | undefined } },
): AsyncGenerator<LanguageModelV1StreamPart> {
  yield { type: 'stream-start', warnings: options.warnings };
  const blocks = new Map<number, OpenBlock>();
  let usage: AnthropicWireUsage = {};
  let stopReason: string | null | undefined;
  let stopSequence: string | null = null;
  let usedJsonTool = false;
  let stopped = false;
  let failed = false;
  try {
    for await (const event of events) {
      switch (event.type) {
        case 'message_start':
          usage = mergeAnthropicUsage(usage, event.message.usage as AnthropicWireUsage);
          yield { type: 'response-metadata', id: event.message.id, modelId: event.message.model };
          break;
        case 'content_block_start': {
          const block = event.content_block;
          const id = String(event.index);
          switch (block.type) {
            case 'text':
              blocks.set(event.index, { kind: 'text', id, input: '' });
              yield { type: 'text-start', id };
              if (block.text) yield { type: 'text-delta', id, delta: block.text };
              break;
            case 'thinking':
              blocks.set(event.index, { kind: 'reasoning', id, input: '', signature: block.signature || undefined });
              yield { type: 'reasoning-start', id };
              if (block.thinking) yield { type: 'reasoning-delta', id, delta: block.thinking };
              break;
            case 'redacted_thinking':
              blocks.set(event.index, { kind: 'ignored', id, input: '' });
              yield { type: 'reasoning-start', id, providerMetadata: { anthropic: { redactedData: block.data } } };
              yield { type: 'reasoning-end', id, providerMetadata: { anthropic: { redactedData: block.data } } };
              break;
            case 'tool_use':
              if (options.jsonTool && block.name === jsonToolName) {
                usedJsonTool = true;
                blocks.set(event.index, { kind: 'json', id, input: '' });
                yield { type: 'text-start', id };
              } else {
                blocks.set(event.index, { kind: 'tool', id: block.id, toolName: block.name, input: '' });
                yield { type: 'tool-input-start', id: block.id, toolName: block.name };
              }
              break;
            default:
              blocks.set(event.index, { kind: 'ignored', id, input: '' });
              yield { type: 'raw', rawValue: event };
              break;
          }
          break;
        }
        case 'content_block_delta': {
          const block = blocks.get(event.index);
          if (!block) break;
          const delta = event.delta;
          if (delta.type === 'text_delta' && block.kind === 'text') yield { type: 'text-delta', id: block.id, delta: delta.text };
          else if (delta.type === 'thinking_delta' && block.kind === 'reasoning') yield { type: 'reasoning-delta', id: block.id, delta: delta.thinking };
          else if (delta.type === 'signature_delta' && block.kind === 'reasoning') block.signature = (block.signature ?? '') + delta.signature;
          else if (delta.type === 'input_json_delta' && delta.partial_json.length > 0) {
            block.input += delta.partial_json;
            if (block.kind === 'tool') yield { type: 'tool-input-delta', id: block.id, delta: delta.partial_json };
            else if (block.kind === 'json') yield { type: 'text-delta', id: block.id, delta: delta.partial_json };
          }
          break;
        }
        case 'content_block_stop': {
          const block = blocks.get(event.index);
          if (!block) break;
          blocks.delete(event.index);
          if (block.kind === 'text' || block.kind === 'json') yield { type: 'text-end', id: block.id };
          else if (block.kind === 'reasoning') yield { type: 'reasoning-end', id: block.id, ...(block.signature ? { providerMetadata: { anthropic: { signature: block.signature } } } : {}) };
          else if (block.kind === 'tool') {
            yield { type: 'tool-input-end', id: block.id };
            yield { type: 'tool-call', toolCallId: block.id, toolName: block.toolName!, input: block.input.length > 0 ? block.input : '{}' };
          }
          break;
        }
        case 'message_delta':
          usage = mergeAnthropicUsage(usage, event.usage as AnthropicWireUsage);
          stopReason = event.delta.stop_reason;
          stopSequence = event.delta.stop_sequence ?? null;
          break;
        case 'message_stop':
          stopped = true;
          break;
        default:
          break;
      }
    }
  } catch (error) {
    if (error instanceof Anthropic.APIError && error.status === undefined && !(error instanceof Anthropic.APIConnectionError)) {
      failed = true;
      yield { type: 'error', error: mapAnthropicError(error, options.context) };
    } else throw mapAnthropicError(error, options.context);
  } finally {
    if (!stopped && !failed) events.controller.abort();
  }
  if (!stopped && !failed) {
    if (options.context.abortSignal?.aborted) throw new AbortError({ message: 'The Anthropic stream was aborted', cause: options.context.abortSignal.reason });
    throw new APICallError({
      message: 'The Anthropic stream ended before message_stop: the connection was closed mid-response. The call may be retried.',
      url: options.context.url,
      requestBodyValues: options.context.requestBody,
      isRetryable: true,
    });
  }
  const finishReason: LanguageModelV1FinishReason = failed ? 'error' : mapAnthropicStopReason(stopReason, usedJsonTool);
  yield {
    type: 'finish',
    finishReason,
    usage: mapAnthropicUsage(usage),
    providerMetadata: { anthropic: { cacheCreationInputTokens: usage.cache_creation_input_tokens ?? null, stopSequence } },
  };
}
