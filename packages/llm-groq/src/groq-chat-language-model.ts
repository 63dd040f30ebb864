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
  openAICompatibleRequestOptions,
  toOpenAICompatibleCallError,
  type OpenAICompatibleErrorContext,
  type OpenAICompatibleWireUsage,
} from '@mastra-ts/core/provider-utils';
import { createParser } from 'eventsource-parser';
import type Groq from 'groq-sdk';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'groq-sdk/resources/chat/completions';
import { mapGroqProviderOptions } from './groq-chat-options.ts';
import { groqSdkErrors } from './groq-sdk-errors.ts';

/** How the model reaches Groq. Built by `createGroq`. */
export interface GroqChatConfig {
  /** The SDK client; reads the API key when called. */
  client: () => Groq;
}

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
    const messages = convertToOpenAICompatibleMessages(options.prompt, { providerName: 'Groq', providerOptionsKey: 'groq', pdf: false, audio: false });
    const body = buildOpenAICompatibleChatBody(
      options,
      messages,
      {
        modelId: this.modelId,
        providerName: 'Groq',
        systemRole: 'system',
        samplingUnsupported: undefined,
        maxTokensField: 'max_completion_tokens',
        structuredOutputs: mapped.structuredOutputs,
        strictJsonSchema: mapped.strictJsonSchema,
        strictTools: false,
      },
      warnings,
    );
    Object.assign(body, mapped.body);
    return { body: body as unknown as ChatCompletionCreateParamsNonStreaming, warnings };
  }

  private errorContext(options: LanguageModelV1CallOptions, body: unknown, client: Groq): OpenAICompatibleErrorContext {
    return {
      providerName: 'Groq',
      url: `${client.baseURL}/openai/v1/chat/completions`,
      requestBody: body,
      apiKeyVariable: 'GROQ_API_KEY',
      abortSignal: options.abortSignal,
      sdkErrors: groqSdkErrors,
    };
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const { body, warnings } = this.getArgs(options);
    const client = this.config.client();
    let result: { data: ChatCompletion; response: Response };
    try {
      result = await client.chat.completions.create(body, openAICompatibleRequestOptions(options)).withResponse();
    } catch (error) {
      throw toOpenAICompatibleCallError(error, this.errorContext(options, body, client));
    }
    return mapOpenAICompatibleCompletion(result.data, {
      providerName: 'Groq',
      modelId: this.modelId,
      reasoningField: 'reasoning',
      warnings,
      requestBody: body,
      responseHeaders: headersToRecord(result.response.headers)!,
    });
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const { body: generateBody, warnings } = this.getArgs(options);
    const body = { ...generateBody, stream: true as const };
    const client = this.config.client();
    const context = this.errorContext(options, body, client);
    let response: Response;
    try {
      // the SDK sends the request and turns a failed status into its error; the SSE body is read here (see
      // OpenAICompatibleSSEChunks), not through the SDK's Stream
      response = await client.chat.completions.create(body, openAICompatibleRequestOptions(options)).asResponse();
    } catch (error) {
      throw toOpenAICompatibleCallError(error, context);
    }
    const chunks = new OpenAICompatibleSSEChunks<ChatCompletionChunk>(response, createParser, context);
    return {
      stream: mapOpenAICompatibleStream(chunks, {
        warnings,
        context,
        reasoningField: 'reasoning',
        usageOf: groqUsageOf,
        // returned before its chunks were read to the end: the body is released
        onClose: (early) => void (early && chunks.return()),
      }),
      request: { body },
      response: { headers: headersToRecord(response.headers)! },
    };
  }
}

/** Groq reports stream usage in `x_groq.usage` of the last chunk (`usage` on some models). */
function groqUsageOf(chunk: ChatCompletionChunk): OpenAICompatibleWireUsage | null | undefined {
  const wire = chunk as ChatCompletionChunk & { usage?: OpenAICompatibleWireUsage | null; x_groq?: { usage?: OpenAICompatibleWireUsage | null } | null };
  return wire.x_groq?.usage ?? wire.usage;
}
