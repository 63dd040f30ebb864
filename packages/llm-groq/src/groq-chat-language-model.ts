import {
  AbortError,
  APICallError,
  InvalidResponseDataError,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1CallWarning,
  type LanguageModelV1Content,
  type LanguageModelV1FinishReason,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamPart,
  type LanguageModelV1StreamResult,
  type LanguageModelV1Usage,
} from '@mastra-ts/core';
import { generateId } from '@mastra-ts/core/provider-utils';
import type Groq from 'groq-sdk';
import { APIError } from 'groq-sdk';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'groq-sdk/resources/chat/completions';
import { convertToGroqMessages } from './convert-to-groq-messages.ts';
import { mapGroqFinishReason } from './map-groq-finish-reason.ts';
import { mapGroqProviderOptions } from './groq-chat-options.ts';
import { headersToRecord, toGroqCallError } from './groq-error.ts';
import { mapGroqUsage, type GroqWireUsage } from './groq-usage.ts';

/** How the model reaches Groq. Built by `createGroq`. */
export interface GroqChatConfig {
  /** The SDK client; reads the API key when called. */
  client: () => Groq;
}

type ToolCallState = { id: string; name: string; arguments: string };

/** A Groq chat model through the official `groq-sdk`. Reasoning (`reasoning_format: 'parsed'`) becomes reasoning parts. */
export class GroqChatLanguageModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string = 'groq.chat';
  readonly modelId: string;
  private readonly config: GroqChatConfig;

  constructor(modelId: string, config: GroqChatConfig) {
    this.modelId = modelId;
    this.config = config;
  }

  private getArgs(options: LanguageModelV1CallOptions): { body: ChatCompletionCreateParamsNonStreaming; warnings: LanguageModelV1CallWarning[] } {
    const mapped = mapGroqProviderOptions(options.providerOptions?.groq);
    const warnings: LanguageModelV1CallWarning[] = [...mapped.warnings];
    const messages = convertToGroqMessages(options.prompt);
    const body: Record<string, unknown> = { model: this.modelId, messages };
    if (options.topK !== undefined) warnings.push({ type: 'unsupported-setting', setting: 'topK', details: 'Groq chat has no top-k sampling' });
    if (options.temperature !== undefined) body.temperature = options.temperature;
    if (options.topP !== undefined) body.top_p = options.topP;
    if (options.presencePenalty !== undefined) body.presence_penalty = options.presencePenalty;
    if (options.frequencyPenalty !== undefined) body.frequency_penalty = options.frequencyPenalty;
    if (options.maxOutputTokens !== undefined) body.max_completion_tokens = options.maxOutputTokens;
    if (options.stopSequences !== undefined && options.stopSequences.length > 0) body.stop = options.stopSequences;
    if (options.seed !== undefined) body.seed = options.seed;

    const format = options.responseFormat;
    if (format?.type === 'json') {
      if (format.schema !== undefined && mapped.structuredOutputs) {
        body.response_format = {
          type: 'json_schema',
          json_schema: { name: format.name ?? 'response', ...(format.description === undefined ? {} : { description: format.description }), schema: format.schema, strict: mapped.strictJsonSchema },
        };
      } else {
        body.response_format = { type: 'json_object' };
        const instruction = format.schema === undefined ? 'Answer with a single JSON object only.' : `Answer with a single JSON object only, matching this JSON Schema: ${JSON.stringify(format.schema)}`;
        const first = messages[0];
        if (first?.role === 'system' && typeof first.content === 'string') messages[0] = { ...first, content: `${first.content}\n\n${instruction}` };
        else messages.unshift({ role: 'system', content: instruction });
      }
    }

    if (options.tools !== undefined && options.tools.length > 0) {
      body.tools = options.tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: tool.inputSchema },
      }));
      const choice = options.toolChoice;
      if (choice !== undefined) body.tool_choice = choice.type === 'tool' ? { type: 'function', function: { name: choice.toolName } } : choice.type;
    } else if (options.toolChoice !== undefined && options.toolChoice.type !== 'auto' && options.toolChoice.type !== 'none') {
      warnings.push({ type: 'unsupported-setting', setting: 'toolChoice', details: 'ignored because no tools were given' });
    }
    Object.assign(body, mapped.body);
    return { body: body as unknown as ChatCompletionCreateParamsNonStreaming, warnings };
  }

  private errorContext(options: LanguageModelV1CallOptions, body: unknown, client: Groq) {
    return { providerName: 'Groq', url: `${client.baseURL}/openai/v1/chat/completions`, requestBody: body, apiKeyVariable: 'GROQ_API_KEY', abortSignal: options.abortSignal };
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const { body, warnings } = this.getArgs(options);
    const client = this.config.client();
    let result: { data: ChatCompletion; response: Response };
    try {
      result = await client.chat.completions.create(body, requestOptions(options)).withResponse();
    } catch (error) {
      throw toGroqCallError(error, this.errorContext(options, body, client));
    }
    const { data, response } = result;
    const choice = data.choices?.[0];
    if (!choice) throw new InvalidResponseDataError({ data, message: `Groq returned a completion without choices (model ${this.modelId})` });
    const content: LanguageModelV1Content[] = [];
    const message = choice.message;
    if (typeof message.reasoning === 'string' && message.reasoning.length > 0) content.push({ type: 'reasoning', text: message.reasoning });
    if (typeof message.content === 'string' && message.content.length > 0) content.push({ type: 'text', text: message.content });
    for (const call of message.tool_calls ?? []) {
      content.push({ type: 'tool-call', toolCallId: call.id ?? generateId(), toolName: call.function.name, input: call.function.arguments ?? '' });
    }
    return {
      content,
      finishReason: mapGroqFinishReason(choice.finish_reason),
      usage: mapGroqUsage(data.usage as GroqWireUsage | undefined),
      warnings,
      request: { body },
      response: {
        id: data.id,
        modelId: data.model,
        ...(typeof data.created === 'number' ? { timestamp: new Date(data.created * 1000) } : {}),
        headers: headersToRecord(response.headers)!,
        body: data,
      },
    };
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const { body: generateBody, warnings } = this.getArgs(options);
    const body = { ...generateBody, stream: true as const };
    const client = this.config.client();
    const context = this.errorContext(options, body, client);
    let result: { data: AsyncIterable<ChatCompletionChunk>; response: Response };
    try {
      result = await client.chat.completions.create(body, requestOptions(options)).withResponse();
    } catch (error) {
      throw toGroqCallError(error, context);
    }
    return { stream: this.mapStream(result.data, warnings, context), request: { body }, response: { headers: headersToRecord(result.response.headers)! } };
  }

  private async *mapStream(
    chunks: AsyncIterable<ChatCompletionChunk>,
    warnings: LanguageModelV1CallWarning[],
    context: ReturnType<GroqChatLanguageModel['errorContext']>,
  ): AsyncGenerator<LanguageModelV1StreamPart> {
    yield { type: 'stream-start', warnings };
    let metadataSent = false;
    let textOpen = false;
    let reasoningOpen = false;
    let blockCount = 0;
    let textId = '';
    let reasoningId = '';
    const toolCalls: ToolCallState[] = [];
    const byIndex = new Map<number, ToolCallState>();
    let finishReason: LanguageModelV1FinishReason | undefined;
    let usage: LanguageModelV1Usage | undefined;
    let failed = false;

    try {
      for await (const chunk of chunks) {
        if (!metadataSent) {
          metadataSent = true;
          yield {
            type: 'response-metadata',
            ...(chunk.id ? { id: chunk.id } : {}),
            ...(chunk.model ? { modelId: chunk.model } : {}),
            ...(typeof chunk.created === 'number' ? { timestamp: new Date(chunk.created * 1000) } : {}),
          };
        }
        const wire = chunk as ChatCompletionChunk & { usage?: GroqWireUsage | null; x_groq?: { usage?: GroqWireUsage | null } | null };
        const wireUsage = wire.x_groq?.usage ?? wire.usage;
        if (wireUsage) usage = mapGroqUsage(wireUsage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.finish_reason) finishReason = mapGroqFinishReason(choice.finish_reason);
        const delta = choice.delta as (typeof choice.delta & Record<string, unknown>) | undefined;
        if (!delta) continue;

        const reasoning = delta.reasoning;
        if (typeof reasoning === 'string' && reasoning.length > 0) {
          if (!reasoningOpen) {
            reasoningOpen = true;
            reasoningId = `reasoning-${blockCount++}`;
            yield { type: 'reasoning-start', id: reasoningId };
          }
          yield { type: 'reasoning-delta', id: reasoningId, delta: reasoning };
        }
        if (typeof delta.content === 'string' && delta.content.length > 0) {
          if (reasoningOpen) {
            reasoningOpen = false;
            yield { type: 'reasoning-end', id: reasoningId };
          }
          if (!textOpen) {
            textOpen = true;
            textId = `text-${blockCount++}`;
            yield { type: 'text-start', id: textId };
          }
          yield { type: 'text-delta', id: textId, delta: delta.content };
        }
        for (const [position, call] of (delta.tool_calls ?? []).entries()) {
          const index = call.index ?? position;
          let state = byIndex.get(index);
          if (!state) {
            if (reasoningOpen) {
              reasoningOpen = false;
              yield { type: 'reasoning-end', id: reasoningId };
            }
            const name = call.function?.name;
            if (!name) {
              throw new InvalidResponseDataError({ data: call, message: `${'Groq'} streamed a tool call delta (index ${index}) without a function name in its first delta` });
            }
            state = { id: call.id ?? generateId(), name, arguments: '' };
            byIndex.set(index, state);
            toolCalls.push(state);
            yield { type: 'tool-input-start', id: state.id, toolName: name };
          }
          const piece = call.function?.arguments;
          if (piece) {
            state.arguments += piece;
            yield { type: 'tool-input-delta', id: state.id, delta: piece };
          }
        }
      }
    } catch (error) {
      if (context.abortSignal?.aborted) throw new AbortError({ message: `${context.providerName} stream was aborted`, cause: context.abortSignal.reason ?? error });
      if (InvalidResponseDataError.isInstance(error)) {
        failed = true;
        yield { type: 'error', error };
      } else if (error instanceof SyntaxError) {
        failed = true;
        yield {
          type: 'error',
          error: new InvalidResponseDataError({ data: undefined, message: `${context.providerName} sent a stream chunk that is not valid JSON: ${error.message}`, cause: error }),
        };
      } else if (error instanceof APIError && error.status === undefined) {
        failed = true;
        yield { type: 'error', error: toGroqCallError(error, context) };
      } else {
        throw toGroqCallError(error, context);
      }
    }

    if (context.abortSignal?.aborted) throw new AbortError({ message: `${context.providerName} stream was aborted`, cause: context.abortSignal.reason });
    if (!failed && finishReason === undefined) {
      throw new APICallError({
        message: `${context.providerName} stream ended before the model finished (no finish_reason was received); the connection was probably cut`,
        url: context.url,
        requestBodyValues: context.requestBody,
        isRetryable: true,
      });
    }
    if (reasoningOpen) yield { type: 'reasoning-end', id: reasoningId };
    if (textOpen) yield { type: 'text-end', id: textId };
    for (const call of toolCalls) {
      yield { type: 'tool-input-end', id: call.id };
      if (!failed) yield { type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.arguments };
    }
    yield {
      type: 'finish',
      finishReason: failed ? 'error' : finishReason!,
      usage: usage ?? { inputTokens: undefined, outputTokens: undefined, totalTokens: undefined },
    };
  }
}

function requestOptions(options: LanguageModelV1CallOptions): { signal?: AbortSignal; headers?: Record<string, string> } {
  const request: { signal?: AbortSignal; headers?: Record<string, string> } = {};
  if (options.abortSignal) request.signal = options.abortSignal;
  if (options.headers) {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.headers)) if (value !== undefined) headers[key] = value;
    request.headers = headers;
  }
  return request;
}
