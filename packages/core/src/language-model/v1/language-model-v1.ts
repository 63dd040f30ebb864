import type { LanguageModelV1CallOptions } from './language-model-v1-call-options.ts';
import type { LanguageModelV1GenerateResult } from './language-model-v1-generate-result.ts';
import type { LanguageModelV1StreamResult } from './language-model-v1-stream-part.ts';

/**
 * A language model. Implemented by `@mastra-ts/llm-*` packages; called by core's Agent.
 *
 * Providers do not retry and do not log: core wraps every call in its retry policy.
 * Unsupported settings are reported as `warnings`, never thrown.
 */
export interface LanguageModelV1 {
  readonly specificationVersion: 'v1';
  /** Provider id and model kind, e.g. `openai.chat`. */
  readonly provider: string;
  /** The provider's model id, e.g. `gpt-4o-mini`. */
  readonly modelId: string;
  /** "do" prefix: users call `agent.generate()`, not the model directly. */
  doGenerate(options: LanguageModelV1CallOptions): PromiseLike<LanguageModelV1GenerateResult>;
  /** Streams the generation as parts. */
  doStream(options: LanguageModelV1CallOptions): PromiseLike<LanguageModelV1StreamResult>;
}
