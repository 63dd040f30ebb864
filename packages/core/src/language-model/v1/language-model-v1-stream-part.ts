import type { ProviderMetadata } from '../../shared/json-value.ts';
import type { LanguageModelV1ToolCall } from './language-model-v1-content.ts';
import type { LanguageModelV1ResponseMetadata } from './language-model-v1-generate-result.ts';
import type { LanguageModelV1CallWarning, LanguageModelV1FinishReason, LanguageModelV1Usage } from './language-model-v1-usage.ts';

/**
 * One part of a model stream. Order: `stream-start` first, then content parts, `finish` last.
 * Text and reasoning come in `*-start` / `*-delta` / `*-end` blocks with an `id`; tool input streams as
 * `tool-input-*` blocks keyed by the tool call id, followed by one complete `tool-call`.
 * Errors inside the stream are `error` parts; the iterable itself throws only when transport fails.
 */
export type LanguageModelV1StreamPart =
  | { type: 'stream-start'; warnings: LanguageModelV1CallWarning[] }
  | ({ type: 'response-metadata' } & Omit<LanguageModelV1ResponseMetadata, 'headers' | 'body'>)
  | { type: 'text-start'; id: string; providerMetadata?: ProviderMetadata }
  | { type: 'text-delta'; id: string; delta: string; providerMetadata?: ProviderMetadata }
  | { type: 'text-end'; id: string; providerMetadata?: ProviderMetadata }
  | { type: 'reasoning-start'; id: string; providerMetadata?: ProviderMetadata }
  | { type: 'reasoning-delta'; id: string; delta: string; providerMetadata?: ProviderMetadata }
  | { type: 'reasoning-end'; id: string; providerMetadata?: ProviderMetadata }
  | { type: 'tool-input-start'; id: string; toolName: string; providerMetadata?: ProviderMetadata }
  | { type: 'tool-input-delta'; id: string; delta: string; providerMetadata?: ProviderMetadata }
  | { type: 'tool-input-end'; id: string; providerMetadata?: ProviderMetadata }
  | LanguageModelV1ToolCall
  | {
      type: 'finish';
      finishReason: LanguageModelV1FinishReason;
      usage: LanguageModelV1Usage;
      providerMetadata?: ProviderMetadata;
    }
  | { type: 'error'; error: unknown }
  | { type: 'raw'; rawValue: unknown };

/** The result of `doStream`. */
export interface LanguageModelV1StreamResult {
  /** The parts. Breaking out of iteration (`return()`) cancels the underlying request. */
  stream: AsyncIterable<LanguageModelV1StreamPart>;
  /** The request as sent. */
  request?: { body?: unknown };
  /** Response headers, lower-case keys. */
  response?: { headers?: Record<string, string> };
}
