import type { JSONSchema7, ProviderOptions } from '../../shared/json-value.ts';
import type { LanguageModelV1Prompt } from './language-model-v1-prompt.ts';

/** A function tool the model may call. */
export interface LanguageModelV1FunctionTool {
  type: 'function';
  /** The name the model sees and calls. */
  name: string;
  description?: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: JSONSchema7;
  providerOptions?: ProviderOptions;
}

/** How the model may use tools. */
export type LanguageModelV1ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; toolName: string };

/** The format of the model's answer. */
export type LanguageModelV1ResponseFormat =
  | { type: 'text' }
  | {
      type: 'json';
      /** When given, providers with native structured output use it; others instruct the model. */
      schema?: JSONSchema7;
      name?: string;
      description?: string;
    };

/** Options of one model call. Plain data, except `abortSignal`. */
export interface LanguageModelV1CallOptions {
  /** The messages. */
  prompt: LanguageModelV1Prompt;
  /** Tools the model may call. */
  tools?: LanguageModelV1FunctionTool[];
  /** Defaults to `auto` when tools are given. */
  toolChoice?: LanguageModelV1ToolChoice;
  /** Maximum number of tokens to generate. */
  maxOutputTokens?: number;
  /** Sampling temperature; the range is provider-specific (usually 0–2). */
  temperature?: number;
  /** Nucleus sampling. */
  topP?: number;
  /** Top-k sampling, where supported. */
  topK?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Sequences that stop generation. */
  stopSequences?: string[];
  /** Seed for deterministic sampling, where supported. */
  seed?: number;
  /** Text (default) or JSON, optionally with a schema. */
  responseFormat?: LanguageModelV1ResponseFormat;
  /** Cancels the request; a stream stops and its underlying HTTP request is aborted. */
  abortSignal?: AbortSignal;
  /** Extra HTTP headers; `undefined` values are dropped. */
  headers?: Record<string, string | undefined>;
  /** Provider-specific options, keyed by provider id. Unknown keys are ignored. */
  providerOptions?: ProviderOptions;
}
