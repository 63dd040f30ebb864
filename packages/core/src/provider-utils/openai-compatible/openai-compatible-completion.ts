import { InvalidResponseDataError } from '../../errors/invalid-response-data-error.ts';
import type { LanguageModelV1CallWarning, LanguageModelV1GenerateResult } from '../../language-model/v1/index.ts';
import { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.ts';
import { mapOpenAICompatibleContent, type OpenAICompatibleResponseMessage } from './openai-compatible-content.ts';
import { mapOpenAICompatibleUsage, type OpenAICompatibleWireUsage } from './openai-compatible-usage.ts';

/** A `chat.completion` response (only the fields read here). */
export interface OpenAICompatibleCompletion {
  id?: string;
  model?: string;
  created?: number;
  choices?: ReadonlyArray<{ message: OpenAICompatibleResponseMessage; finish_reason?: string | null }>;
  usage?: OpenAICompatibleWireUsage | null;
}

/** What the result of `doGenerate` needs besides the completion. */
export interface OpenAICompatibleCompletionOptions {
  /** Provider name for errors, e.g. `OpenAI`. */
  providerName: string;
  /** The requested model, named when the completion has no choices. */
  modelId: string;
  /** Field of reasoning text in the message (`reasoning_content` for DeepSeek, `reasoning` for Groq), or undefined. */
  reasoningField: string | undefined;
  warnings: LanguageModelV1CallWarning[];
  requestBody: unknown;
  /** Response headers, lower-case keys. */
  responseHeaders: Record<string, string>;
}

/**
 * The `doGenerate` result of a completion: content of the first choice, finish reason, usage, request and response
 * metadata. Throws `InvalidResponseDataError` when the completion has no choices.
 */
export function mapOpenAICompatibleCompletion(data: OpenAICompatibleCompletion, options: OpenAICompatibleCompletionOptions): LanguageModelV1GenerateResult {
  const choice = data.choices?.[0];
  if (!choice) {
    throw new InvalidResponseDataError({ data, message: `${options.providerName} returned a completion without choices (model ${options.modelId})` });
  }
  return {
    content: mapOpenAICompatibleContent(choice.message, options.reasoningField),
    finishReason: mapOpenAICompatibleFinishReason(choice.finish_reason),
    usage: mapOpenAICompatibleUsage(data.usage),
    warnings: options.warnings,
    request: { body: options.requestBody },
    response: {
      ...(data.id === undefined ? {} : { id: data.id }),
      ...(data.model === undefined ? {} : { modelId: data.model }),
      ...(typeof data.created === 'number' ? { timestamp: new Date(data.created * 1000) } : {}),
      headers: options.responseHeaders,
      body: data,
    },
  };
}

/**
 * Parses the body of a `chat.completion` answer, for providers that read it themselves instead of through their SDK's
 * parsing path. One off the wire format (not JSON, not an object, `choices` not an array, a first choice without a
 * message object) throws `InvalidResponseDataError` holding the body, whose message begins with `answered` (e.g.
 * "OpenAI answered https://api.openai.com/v1/chat/completions"). No choices at all is left to
 * `mapOpenAICompatibleCompletion`, which names the model.
 */
export function parseOpenAICompatibleCompletion(text: string, answered: string): OpenAICompatibleCompletion {
  const invalid = (reason: string, cause?: unknown): InvalidResponseDataError =>
    new InvalidResponseDataError({
      data: text,
      message: `${answered} with a chat completion that ${reason}; check that the baseURL is an OpenAI-compatible API that serves chat completions`,
      ...(cause === undefined ? {} : { cause }),
    });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw invalid('is not JSON', cause);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid('is not a JSON object');
  const choices = (data as { choices?: unknown }).choices;
  if (choices !== undefined && !Array.isArray(choices)) throw invalid('has a "choices" field that is not an array');
  if (Array.isArray(choices) && choices.length > 0) {
    const message = (choices[0] as { message?: unknown } | null)?.message;
    if (typeof message !== 'object' || message === null) throw invalid('has a first choice without a message object');
  }
  return data as OpenAICompatibleCompletion;
}
