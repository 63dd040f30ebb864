import type { ProviderMetadata } from '../../shared/json-value.ts';
import type { LanguageModelV1Content } from './language-model-v1-content.ts';
import type { LanguageModelV1CallWarning, LanguageModelV1FinishReason, LanguageModelV1Usage } from './language-model-v1-usage.ts';

/** Metadata of the provider's response. */
export interface LanguageModelV1ResponseMetadata {
  /** Provider response id. */
  id?: string;
  /** When the response was created. */
  timestamp?: Date;
  /** The model that actually answered (may differ from the requested id). */
  modelId?: string;
  /** Response headers, lower-case keys. */
  headers?: Record<string, string>;
  /** The raw response body, for debugging. */
  body?: unknown;
}

/** The result of `doGenerate`. */
export interface LanguageModelV1GenerateResult {
  /** Text, reasoning, files and tool calls, in order. */
  content: LanguageModelV1Content[];
  finishReason: LanguageModelV1FinishReason;
  usage: LanguageModelV1Usage;
  /** Settings the provider ignored. */
  warnings: LanguageModelV1CallWarning[];
  providerMetadata?: ProviderMetadata;
  /** The request as sent, for debugging and telemetry. */
  request?: { body?: unknown };
  response?: LanguageModelV1ResponseMetadata;
}
