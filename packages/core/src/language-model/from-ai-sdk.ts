import type { JSONValue } from '../shared/json-value.ts';
import type { LanguageModelV1 } from './v1/language-model-v1.ts';
import type { LanguageModelV1CallOptions } from './v1/language-model-v1-call-options.ts';
import type { LanguageModelV1Content } from './v1/language-model-v1-content.ts';
import type { LanguageModelV1GenerateResult } from './v1/language-model-v1-generate-result.ts';
import type { LanguageModelV1Message } from './v1/language-model-v1-prompt.ts';
import type { LanguageModelV1StreamPart, LanguageModelV1StreamResult } from './v1/language-model-v1-stream-part.ts';
import type { LanguageModelV1CallWarning, LanguageModelV1FinishReason, LanguageModelV1Usage } from './v1/language-model-v1-usage.ts';

/**
 * A language model from the Vercel AI SDK's provider packages (`@ai-sdk/openai`, `@ai-sdk/anthropic`, …):
 * specification `v2` (AI SDK 5), `v3` (AI SDK 6) or `v4` (AI SDK 7). Typed structurally, so core depends on none.
 */
export interface AISDKLanguageModel {
  readonly specificationVersion: 'v2' | 'v3' | 'v4';
  readonly provider: string;
  readonly modelId: string;
  // `never` parameters and `unknown` results: any AI SDK version's exact option and result types are accepted
  doGenerate(options: never): PromiseLike<unknown>;
  doStream(options: never): PromiseLike<unknown>;
}

type LooseCall = (options: Record<string, unknown>) => PromiseLike<Record<string, unknown>>;

/** True for an AI SDK `LanguageModelV2`/`V3`/`V4` object. */
export function isAISDKLanguageModel(value: unknown): value is AISDKLanguageModel {
  const model = value as Partial<AISDKLanguageModel> | null;
  return (
    typeof model === 'object' &&
    model !== null &&
    (model.specificationVersion === 'v2' || model.specificationVersion === 'v3' || model.specificationVersion === 'v4') &&
    typeof model.doGenerate === 'function' &&
    typeof model.doStream === 'function'
  );
}

/**
 * Wraps an AI SDK model (spec v2, v3 or v4) as a `LanguageModelV1`, so agents ported from Mastra or the AI SDK can keep
 * `model: openai('gpt-4o-mini')` from `@ai-sdk/openai`. Agents do this automatically.
 */
export function fromAISDKLanguageModel(model: AISDKLanguageModel): LanguageModelV1 {
  // v4 tags file data: { type: 'data', data } or { type: 'url', url }
  const taggedFiles = model.specificationVersion === 'v4';
  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
      const result = await (model.doGenerate as unknown as LooseCall).call(model, toAISDKOptions(options, taggedFiles));
      const response = result.response as LanguageModelV1GenerateResult['response'] | undefined;
      return {
        content: ((result.content as Array<Record<string, unknown>>) ?? []).flatMap(toContent),
        finishReason: toFinishReason(result.finishReason),
        usage: toUsage(result.usage),
        warnings: ((result.warnings as unknown[]) ?? []).map(toWarning),
        ...(result.providerMetadata ? { providerMetadata: result.providerMetadata as LanguageModelV1GenerateResult['providerMetadata'] } : {}),
        ...(result.request ? { request: result.request as { body?: unknown } } : {}),
        ...(response ? { response } : {}),
      };
    },
    async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
      const result = await (model.doStream as unknown as LooseCall).call(model, toAISDKOptions(options, taggedFiles));
      // a web ReadableStream is async-iterable on Node
      const source = result.stream as AsyncIterable<Record<string, unknown>>;
      return {
        stream: mapStream(source),
        ...(result.request ? { request: result.request as { body?: unknown } } : {}),
        ...(result.response ? { response: result.response as { headers?: Record<string, string> } } : {}),
      };
    },
  };
}

async function* mapStream(source: AsyncIterable<Record<string, unknown>>): AsyncGenerator<LanguageModelV1StreamPart> {
  for await (const part of source) {
    switch (part.type) {
      case 'stream-start':
        yield { type: 'stream-start', warnings: ((part.warnings as unknown[]) ?? []).map(toWarning) };
        break;
      case 'finish':
        yield {
          type: 'finish',
          finishReason: toFinishReason(part.finishReason),
          usage: toUsage(part.usage),
          ...(part.providerMetadata ? { providerMetadata: part.providerMetadata as Record<string, Record<string, JSONValue>> } : {}),
        };
        break;
      case 'tool-call':
        yield { type: 'tool-call', toolCallId: String(part.toolCallId), toolName: String(part.toolName), input: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}) };
        break;
      case 'text-start':
      case 'text-delta':
      case 'text-end':
      case 'reasoning-start':
      case 'reasoning-delta':
      case 'reasoning-end':
      case 'tool-input-start':
      case 'tool-input-delta':
      case 'tool-input-end':
      case 'response-metadata':
      case 'error':
      case 'raw':
        yield part as unknown as LanguageModelV1StreamPart;
        break;
      default:
        // sources, provider-executed tool results, files and approval requests have no v1 equivalent yet
        break;
    }
  }
}

function toAISDKOptions(options: LanguageModelV1CallOptions, taggedFiles: boolean): Record<string, unknown> {
  const { prompt, tools, ...rest } = options;
  return {
    ...rest,
    prompt: prompt.map((message) => toAISDKMessage(message, taggedFiles)),
    ...(tools ? { tools: tools.map((tool) => ({ ...tool, type: 'function' })) } : {}),
  };
}

function fileData(data: URL | string | Uint8Array, tagged: boolean): unknown {
  if (!tagged) return data;
  if (data instanceof URL) return { type: 'url', url: data };
  if (typeof data === 'string' && /^https?:\/\//.test(data)) return { type: 'url', url: new URL(data) };
  return { type: 'data', data };
}

function toAISDKMessage(message: LanguageModelV1Message, taggedFiles: boolean): Record<string, unknown> {
  switch (message.role) {
    case 'system':
      return message as unknown as Record<string, unknown>;
    case 'user':
      return {
        ...message,
        content: message.content.map((part) => {
          if (part.type === 'image') {
            return { type: 'file', data: fileData(part.image, taggedFiles), mediaType: part.mediaType ?? 'image/*', ...(part.providerOptions ? { providerOptions: part.providerOptions } : {}) };
          }
          return part.type === 'file' ? { ...part, data: fileData(part.data, taggedFiles) } : part;
        }),
      };
    case 'assistant':
      return message as unknown as Record<string, unknown>;
    case 'tool':
      return {
        ...message,
        content: message.content.map((part) => ({
          type: 'tool-result',
          toolCallId: part.toolCallId,
          toolName: part.toolName,
          output:
            typeof part.output === 'string'
              ? { type: part.isError ? 'error-text' : 'text', value: part.output }
              : { type: part.isError ? 'error-json' : 'json', value: (part.output ?? null) as JSONValue },
          ...(part.providerOptions ? { providerOptions: part.providerOptions } : {}),
        })),
      };
  }
}

function toContent(part: Record<string, unknown>): LanguageModelV1Content[] {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return [part as unknown as LanguageModelV1Content];
    case 'file': {
      const data = part.data as string | Uint8Array | { type: 'data'; data: string | Uint8Array } | { type: 'url'; url: URL };
      if (typeof data === 'object' && 'type' in data) return [{ type: 'file', mediaType: String(part.mediaType), data: data.type === 'url' ? data.url.href : data.data }];
      return [{ type: 'file', mediaType: String(part.mediaType), data }];
    }
    case 'tool-call':
      if (part.providerExecuted === true) return [];
      return [{ type: 'tool-call', toolCallId: String(part.toolCallId), toolName: String(part.toolName), input: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}) }];
    default:
      return [];
  }
}

const finishReasons = new Set<LanguageModelV1FinishReason>(['stop', 'length', 'content-filter', 'tool-calls', 'error', 'other', 'unknown']);

function toFinishReason(value: unknown): LanguageModelV1FinishReason {
  // v3 and v4 report { unified, raw }; v4 adds `interrupted`, which maps to `other`
  const reason = typeof value === 'object' && value !== null ? (value as { unified?: unknown }).unified : value;
  return finishReasons.has(reason as LanguageModelV1FinishReason) ? (reason as LanguageModelV1FinishReason) : 'other';
}

function toUsage(value: unknown): LanguageModelV1Usage {
  const usage = (value ?? {}) as Record<string, unknown>;
  if (typeof usage.inputTokens === 'object' && usage.inputTokens !== null) {
    // v3: { inputTokens: { total, noCache, cacheRead, cacheWrite }, outputTokens: { total, text, reasoning } }
    const input = usage.inputTokens as { total?: number; cacheRead?: number };
    const output = (usage.outputTokens ?? {}) as { total?: number; reasoning?: number };
    return {
      inputTokens: input.total,
      outputTokens: output.total,
      totalTokens: input.total !== undefined && output.total !== undefined ? input.total + output.total : undefined,
      reasoningTokens: output.reasoning,
      cachedInputTokens: input.cacheRead,
    };
  }
  return {
    inputTokens: usage.inputTokens as number | undefined,
    outputTokens: usage.outputTokens as number | undefined,
    totalTokens: usage.totalTokens as number | undefined,
    reasoningTokens: usage.reasoningTokens as number | undefined,
    cachedInputTokens: usage.cachedInputTokens as number | undefined,
  };
}

function toWarning(warning: unknown): LanguageModelV1CallWarning {
  const value = (warning ?? {}) as Record<string, unknown>;
  // v4: { type: 'unsupported' | 'compatibility' | 'deprecated', feature, details }
  if (value.type === 'unsupported' && typeof value.feature === 'string') return { type: 'unsupported-setting', setting: value.feature, ...(value.details ? { details: String(value.details) } : {}) };
  if (value.type === 'unsupported-setting') return { type: 'unsupported-setting', setting: String(value.setting), ...(value.details ? { details: String(value.details) } : {}) };
  if (value.type === 'unsupported-tool') {
    const tool = value.tool as { name?: string } | undefined;
    return { type: 'unsupported-tool', toolName: String(tool?.name ?? value.toolName ?? 'unknown'), ...(value.details ? { details: String(value.details) } : {}) };
  }
  return { type: 'other', message: String(value.message ?? value.feature ?? value.details ?? JSON.stringify(value)) };
}
