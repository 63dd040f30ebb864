import {
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1CallWarning,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamResult,
} from '@mastra-ts/core';
import {
  buildOpenAICompatibleChatBody,
  convertToOpenAICompatibleMessages,
  headersToRecord,
  mapOpenAICompatibleCompletion,
  mapOpenAICompatibleStream,
  OpenAICompatibleSSEChunks,
  parseOpenAICompatibleCompletion,
  toOpenAICompatibleCallError,
  type OpenAICompatibleChatBodyOptions,
  type OpenAICompatibleErrorContext,
  type OpenAICompatibleMessageOptions,
} from '@mastra-ts/core/provider-utils';
import { createParser } from 'eventsource-parser';
import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { mapChatProviderOptions } from './openai-chat-options.ts';
import { LazyResponseHeaders } from './lazy-response-headers.ts';
import { openAISdkErrors } from './openai-sdk-errors.ts';
import { openAIRequestOptions } from './openai-request-options.ts';
import { RequestAbortLink } from './request-abort-link.ts';

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
  /**
   * Which assistant messages send their reasoning back: `with-tool-calls` for DeepSeek's thinking mode (required on
   * messages that call tools, rejected or ignored elsewhere), `never` for OpenAI (reasoning is not in the response).
   */
  sendReasoning: 'never' | 'with-tool-calls' | 'always';
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
  // what does not change between calls of this model, built once
  private readonly messageOptions: OpenAICompatibleMessageOptions;
  private readonly bodyOptions: OpenAICompatibleChatBodyOptions;
  private readonly strictBodyOptions: OpenAICompatibleChatBodyOptions;

  constructor(modelId: string, config: OpenAIChatConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.config = config;
    const reasoningModel = config.isReasoningModel(modelId);
    const systemRole = reasoningModel ? 'developer' : 'system';
    this.messageOptions = {
      systemRole,
      reasoningField: config.sendReasoning === 'never' ? undefined : config.reasoningField,
      reasoningWhen: config.sendReasoning === 'always' ? 'always' : 'with-tool-calls',
      providerName: config.providerName,
      providerOptionsKey: config.providerOptionsKey,
      pdf: true,
      audio: true,
    };
    this.bodyOptions = {
      modelId,
      providerName: config.providerName,
      systemRole,
      samplingUnsupported: reasoningModel ? `not supported by reasoning model ${modelId}; ignored` : undefined,
      maxTokensField: config.maxTokensField,
      structuredOutputs: config.structuredOutputs,
      strictJsonSchema: false,
      strictTools: false,
    };
    this.strictBodyOptions = { ...this.bodyOptions, strictJsonSchema: true, strictTools: true };
  }

  private getArgs(options: LanguageModelV1CallOptions): { body: ChatCompletionCreateParamsNonStreaming; warnings: LanguageModelV1CallWarning[] } {
    const config = this.config;
    const extra = options.providerOptions?.[config.providerOptionsKey];
    const mapped = extra === undefined ? undefined : mapChatProviderOptions(extra, config.supportedProviderOptions, config.providerOptionsKey);
    const warnings: LanguageModelV1CallWarning[] = mapped === undefined ? [] : [...mapped.warnings];
    const messages = convertToOpenAICompatibleMessages(options.prompt, this.messageOptions);
    const body = buildOpenAICompatibleChatBody(options, messages, mapped?.strictJsonSchema ? this.strictBodyOptions : this.bodyOptions, warnings);
    if (mapped !== undefined) Object.assign(body, mapped.body);
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
    const link = options.abortSignal ? new RequestAbortLink(options.abortSignal) : undefined;
    let response: Response;
    let text: string;
    try {
      // the SDK sends the request and turns a failed status into its error; the answer's body is read here, which skips
      // the SDK's parsing path (a body timer, several promise turns, log details built with logging off)
      response = await client.chat.completions.create(body, openAIRequestOptions(options, link)).asResponse();
      text = await response.text();
    } catch (error) {
      throw toOpenAICompatibleCallError(error, this.errorContext(options, body, client));
    } finally {
      link?.dispose();
    }
    // an answer off the wire format is not retried (core retries only a retryable APICallError): the same request
    // would get it again
    const data = parseOpenAICompatibleCompletion(text, `${this.config.providerName} answered ${client.baseURL}/chat/completions`);
    const generated = mapOpenAICompatibleCompletion(data, {
      providerName: this.config.providerName,
      modelId: this.modelId,
      reasoningField: this.config.reasoningField,
      warnings,
      requestBody: body,
      responseHeaders: headersToRecord(response.headers)!,
    });
    const refusal = (data.choices?.[0]?.message as { refusal?: unknown } | undefined)?.refusal;
    return typeof refusal === 'string' ? { ...generated, providerMetadata: { [this.config.providerOptionsKey]: { refusal } } } : generated;
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const { body: generateBody, warnings } = this.getArgs(options);
    const body = generateBody as unknown as ChatCompletionCreateParamsStreaming;
    body.stream = true;
    if (this.config.includeUsage) body.stream_options = { include_usage: true };
    const client = this.config.client();
    const context = this.errorContext(options, body, client);
    const link = options.abortSignal ? new RequestAbortLink(options.abortSignal) : undefined;
    let response: Response;
    try {
      // the SDK sends the request and turns a failed status into its error; the SSE body is read here (see
      // OpenAICompatibleSSEChunks), not through the SDK's Stream
      response = await client.chat.completions.create(body, openAIRequestOptions(options, link)).asResponse();
    } catch (error) {
      link?.dispose();
      throw toOpenAICompatibleCallError(error, context);
    }
    const chunks = new OpenAICompatibleSSEChunks<ChatCompletionChunk>(response, createParser, context);
    return {
      stream: mapOpenAICompatibleStream(chunks, {
        warnings,
        context,
        reasoningField: this.config.reasoningField,
        refusalKey: this.config.providerOptionsKey,
        onClose: (early) => {
          link?.dispose();
          // returned before its chunks were read to the end: the body is released
          if (early) void chunks.return();
        },
      }),
      request: { body },
      response: new LazyResponseHeaders(response.headers),
    };
  }
}
