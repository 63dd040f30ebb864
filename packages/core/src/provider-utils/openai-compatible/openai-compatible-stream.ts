import { AbortError } from '../../errors/abort-error.ts';
import { APICallError } from '../../errors/api-call-error.ts';
import { InvalidResponseDataError } from '../../errors/invalid-response-data-error.ts';
import type { LanguageModelV1CallWarning, LanguageModelV1FinishReason, LanguageModelV1StreamPart, LanguageModelV1Usage } from '../../language-model/v1/index.ts';
import { generateId } from '../../utils/generate-id.ts';
import { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.ts';
import { isOpenAICompatibleStreamErrorEvent, toOpenAICompatibleCallError, type OpenAICompatibleErrorContext } from './openai-compatible-error.ts';
import { mapOpenAICompatibleUsage, type OpenAICompatibleWireUsage } from './openai-compatible-usage.ts';

/** One `chat.completion.chunk` as sent by an OpenAI-compatible server (only the fields read here). */
export interface OpenAICompatibleChunk {
  id?: string;
  model?: string;
  created?: number;
  usage?: OpenAICompatibleWireUsage | null;
  choices?: ReadonlyArray<{
    finish_reason?: string | null;
    delta?: {
      content?: string | null;
      refusal?: string | null;
      tool_calls?: ReadonlyArray<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }> | null;
    } | null;
  }>;
}

/** The provider differences of a Chat Completions stream. */
export interface OpenAICompatibleStreamOptions<CHUNK extends OpenAICompatibleChunk> {
  /** Warnings of the call, sent in `stream-start`. */
  warnings: LanguageModelV1CallWarning[];
  /** Where the call went; used for errors and the abort check. */
  context: OpenAICompatibleErrorContext;
  /** Field of reasoning text in deltas (`reasoning_content` for DeepSeek, `reasoning` for Groq), or undefined. */
  reasoningField: string | undefined;
  /**
   * `providerMetadata` key under which a refusal streamed in `delta.refusal` is reported on the `finish` part, as
   * `{ [key]: { refusal } }` (OpenAI structured outputs); undefined ignores refusals.
   */
  refusalKey?: string | undefined;
  /** Where a chunk carries usage; default `chunk.usage` (Groq: `x_groq.usage`). */
  usageOf?: (chunk: CHUNK) => OpenAICompatibleWireUsage | null | undefined;
  /** Called once when the stream ends, fails or is closed early (to release what the call holds). */
  onClose?: (() => void) | undefined;
}

type ToolCallState = { id: string; name: string; arguments: string };

const defaultUsageOf = (chunk: OpenAICompatibleChunk): OpenAICompatibleWireUsage | null | undefined => chunk.usage;

/**
 * Maps Chat Completions chunks (as parsed by the provider's SDK) to core stream parts: reasoning, text and tool
 * input blocks, `response-metadata`, `finish` with usage. A malformed chunk or an error event ends the stream with
 * an `error` part; a transport failure throws `APICallError`; an abort throws `AbortError`. `onClose` runs when the
 * generator finishes, throws or is returned (not when it is returned before its first `next()`).
 */
export async function* mapOpenAICompatibleStream<CHUNK extends OpenAICompatibleChunk>(
  chunks: AsyncIterable<CHUNK>,
  options: OpenAICompatibleStreamOptions<CHUNK>,
): AsyncGenerator<LanguageModelV1StreamPart> {
  try {
    const { context, reasoningField } = options;
    const usageOf: (chunk: CHUNK) => OpenAICompatibleWireUsage | null | undefined = options.usageOf ?? defaultUsageOf;
    yield { type: 'stream-start', warnings: options.warnings };
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
    let refusal: string | undefined;

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
        const wireUsage = usageOf(chunk);
        if (wireUsage) usage = mapOpenAICompatibleUsage(wireUsage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.finish_reason) finishReason = mapOpenAICompatibleFinishReason(choice.finish_reason);
        const delta = choice.delta;
        if (!delta) continue;

        if (typeof delta.refusal === 'string' && options.refusalKey !== undefined) refusal = (refusal ?? '') + delta.refusal;
        const reasoning = reasoningField === undefined ? undefined : (delta as Record<string, unknown>)[reasoningField];
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
              throw new InvalidResponseDataError({ data: call, message: `${context.providerName} streamed a tool call delta (index ${index}) without a function name in its first delta` });
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
      } else if (isOpenAICompatibleStreamErrorEvent(error, context.sdkErrors)) {
        failed = true;
        yield { type: 'error', error: toOpenAICompatibleCallError(error, context) };
      } else {
        throw toOpenAICompatibleCallError(error, context);
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
      ...(refusal === undefined ? {} : { providerMetadata: { [options.refusalKey!]: { refusal } } }),
    };
  } finally {
    options.onClose?.();
  }
}
