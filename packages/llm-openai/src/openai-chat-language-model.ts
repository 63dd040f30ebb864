import {
  InvalidResponseDataError,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1CallWarning,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamResult,
} from '@mastra-ts/core';
import {
  convertToOpenAICompatibleMessages,
  headersToRecord,
  mapOpenAICompatibleContent,
  mapOpenAICompatibleFinishReason,
  mapOpenAICompatibleStream,
  mapOpenAICompatibleUsage,
  openAICompatibleRequestOptions,
  toOpenAICompatibleCallError,
  type OpenAICompatibleErrorContext,
} from '@mastra-ts/core/provider-utils';
import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { mapChatProviderOptions } from './openai-chat-options.ts';
import { openAISdkErrors } from './openai-sdk-errors.ts';

/** How one OpenAI-compatible dialect is called. Built by the provider factories. */
export interface OpenAIChatConfig {
  /** e.g. `openai.chat`, `deepseek.chat`. */
  provider: string;
  /** For messages, e.g. `OpenAI`. */
  providerName: string;
  /** Key of `providerOptions`, e.g. `openai`. */
  providerOptionsKey: string;
  /** The SDK client; reads the API key when called. */
  client: () => OpenAI;
  /** The environment variable of the key, for 401 messages. */
  apiKeyVariable: string;
  /** Whether `response_format: json_schema` is supported; otherwise `json_object` plus instructions. */
  structuredOutputs: boolean;
  /** Field of reasoning text in messages and deltas (`reasoning_content` for DeepSeek). */
  reasoningField: string | undefined;
  /** Whether reasoning is sent back in assistant messages (DeepSeek rejects it). */
  sendReasoning: boolean;
  /** `max_completion_tokens` (OpenAI) or `max_tokens` (most compatible servers). */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Ask for the usage chunk with `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Provider option keys accepted. */
  supportedProviderOptions: ReadonlySet<string>;
  /** Whether the model is an OpenAI reasoning model (system → developer; no temperature/topP). */
  isReasoningModel: (modelId: string) => boolean;
}

/** A Chat Completions model through the official `openai` SDK (OpenAI, DeepSeek, any compatible server). */
export class OpenAIChatLanguageModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  private readonly config: OpenAIChatConfig;

  constructor(modelId: string, config: OpenAIChatConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.config = config;
  }

  private getArgs(options: LanguageModelV1CallOptions): { body: ChatCompletionCreateParamsNonStreaming; warnings: LanguageModelV1CallWarning[] } {
    const config = this.config;
    const reasoningModel = config.isReasoningModel(this.modelId);
    const mapped = mapChatProviderOptions(options.providerOptions?.[config.providerOptionsKey], config.supportedProviderOptions, config.providerOptionsKey);
    const warnings: LanguageModelV1CallWarning[] = [...mapped.warnings];
    const messages = convertToOpenAICompatibleMessages(options.prompt, {
      systemRole: reasoningModel ? 'developer' : 'system',
      reasoningField: config.sendReasoning ? config.reasoningField : undefined,
      providerName: config.providerName,
      providerOptionsKey: config.providerOptionsKey,
      pdf: true,
      audio: true,
    });
    const body: Record<string, unknown> = { model: this.modelId, messages };

    if (options.topK !== undefined) warnings.push({ type: 'unsupported-setting', setting: 'topK', details: `${config.providerName} chat has no top-k sampling` });
    const sampling: Array<[keyof LanguageModelV1CallOptions, string]> = [
      ['temperature', 'temperature'],
      ['topP', 'top_p'],
      ['presencePenalty', 'presence_penalty'],
      ['frequencyPenalty', 'frequency_penalty'],
    ];
    for (const [setting, field] of sampling) {
      const value = options[setting];
      if (value === undefined) continue;
      if (reasoningModel) warnings.push({ type: 'unsupported-setting', setting, details: `not supported by reasoning model ${this.modelId}; ignored` });
      else body[field] = value;
    }
    if (options.maxOutputTokens !== undefined) body[config.maxTokensField] = options.maxOutputTokens;
    if (options.stopSequences !== undefined && options.stopSequences.length > 0) body.stop = options.stopSequences;
    if (options.seed !== undefined) body.seed = options.seed;

    const format = options.responseFormat;
    if (format?.type === 'json') {
      if (format.schema !== undefined && config.structuredOutputs) {
        body.response_format = {
          type: 'json_schema',
          json_schema: {
            name: format.name ?? 'response',
            ...(format.description === undefined ? {} : { description: format.description }),
            schema: format.schema,
            strict: mapped.strictJsonSchema,
          },
        };
      } else {
        body.response_format = { type: 'json_object' };
        const instruction =
          format.schema === undefined
            ? 'Answer with a single JSON object only.'
            : `Answer with a single JSON object only, matching this JSON Schema: ${JSON.stringify(format.schema)}`;
        const first = messages[0];
        if (first && (first.role === 'system' || first.role === 'developer') && typeof first.content === 'string') {
          messages[0] = { ...first, content: `${first.content}\n\n${instruction}` };
        } else {
          messages.unshift({ role: reasoningModel ? 'developer' : 'system', content: instruction });
        }
      }
    }

    if (options.tools !== undefined && options.tools.length > 0) {
      body.tools = options.tools.map((tool) => ({
        type: 'function',
        function: {
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parameters: tool.inputSchema,
          ...(mapped.strictJsonSchema ? { strict: true } : {}),
        },
      }));
      const choice = options.toolChoice;
      if (choice !== undefined) {
        body.tool_choice = choice.type === 'tool' ? { type: 'function', function: { name: choice.toolName } } : choice.type;
      }
    } else if (options.toolChoice !== undefined && options.toolChoice.type !== 'auto' && options.toolChoice.type !== 'none') {
      warnings.push({ type: 'unsupported-setting', setting: 'toolChoice', details: 'ignored because no tools were given' });
    }

    Object.assign(body, mapped.body);
    return { body: body as unknown as ChatCompletionCreateParamsNonStreaming, warnings };
  }

  private errorContext(options: LanguageModelV1CallOptions, body: unknown, client: OpenAI): OpenAICompatibleErrorContext {
    return {
      providerName: this.config.providerName,
      url: `${client.baseURL}/chat/completions`,
      requestBody: body,
      apiKeyVariable: this.config.apiKeyVariable,
      abortSignal: options.abortSignal,
      sdkErrors: openAISdkErrors,
    };
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const { body, warnings } = this.getArgs(options);
    const client = this.config.client();
    let result: { data: OpenAI.Chat.Completions.ChatCompletion; response: Response };
    try {
      result = await client.chat.completions.create(body, openAICompatibleRequestOptions(options)).withResponse();
    } catch (error) {
      throw toOpenAICompatibleCallError(error, this.errorContext(options, body, client));
    }
    const { data, response } = result;
    const choice = data.choices?.[0];
    if (!choice) {
      throw new InvalidResponseDataError({ data, message: `${this.config.providerName} returned a completion without choices (model ${this.modelId})` });
    }
    const message = choice.message;
    const content = mapOpenAICompatibleContent(message, this.config.reasoningField);
    const refusal = typeof message.refusal === 'string' ? message.refusal : undefined;
    return {
      content,
      finishReason: mapOpenAICompatibleFinishReason(choice.finish_reason),
      usage: mapOpenAICompatibleUsage(data.usage),
      warnings,
      ...(refusal === undefined ? {} : { providerMetadata: { [this.config.providerOptionsKey]: { refusal } } }),
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
    const body = {
      ...generateBody,
      stream: true as const,
      ...(this.config.includeUsage ? { stream_options: { include_usage: true } } : {}),
    };
    const client = this.config.client();
    const context = this.errorContext(options, body, client);
    let result: { data: AsyncIterable<ChatCompletionChunk>; response: Response };
    try {
      result = await client.chat.completions.create(body, openAICompatibleRequestOptions(options)).withResponse();
    } catch (error) {
      throw toOpenAICompatibleCallError(error, context);
    }
    return {
      stream: mapOpenAICompatibleStream(result.data, { warnings, context, reasoningField: this.config.reasoningField }),
      request: { body },
      response: { headers: headersToRecord(result.response.headers)! },
    };
  }
}
