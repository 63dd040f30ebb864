import type { ProviderMetadata } from '../../shared/json-value.ts';

/** Generated text. */
export interface LanguageModelV1Text {
  type: 'text';
  text: string;
  providerMetadata?: ProviderMetadata;
}

/** Generated reasoning. */
export interface LanguageModelV1Reasoning {
  type: 'reasoning';
  text: string;
  providerMetadata?: ProviderMetadata;
}

/** A generated file (e.g. an image). `data` is base64 or bytes. */
export interface LanguageModelV1File {
  type: 'file';
  mediaType: string;
  data: string | Uint8Array;
}

/** A tool call. `input` is the raw JSON text of the arguments, exactly as the model produced it. */
export interface LanguageModelV1ToolCall {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  input: string;
  providerMetadata?: ProviderMetadata;
}

/** One item of a generation's content, in the order the model produced it. */
export type LanguageModelV1Content = LanguageModelV1Text | LanguageModelV1Reasoning | LanguageModelV1File | LanguageModelV1ToolCall;
