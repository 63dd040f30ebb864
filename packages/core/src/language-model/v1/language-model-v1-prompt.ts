import type { JSONValue, ProviderOptions } from '../../shared/json-value.ts';

/**
 * A prompt: an ordered list of messages. The system message, when present, usually comes first,
 * but providers must accept system messages anywhere (they are merged or converted as the API allows).
 */
export type LanguageModelV1Prompt = LanguageModelV1Message[];

/** One message of a prompt. */
export type LanguageModelV1Message =
  | { role: 'system'; content: string; providerOptions?: ProviderOptions }
  | {
      role: 'user';
      content: Array<LanguageModelV1TextPart | LanguageModelV1ImagePart | LanguageModelV1FilePart>;
      providerOptions?: ProviderOptions;
    }
  | {
      role: 'assistant';
      content: Array<LanguageModelV1TextPart | LanguageModelV1ReasoningPart | LanguageModelV1FilePart | LanguageModelV1ToolCallPart>;
      providerOptions?: ProviderOptions;
    }
  | { role: 'tool'; content: LanguageModelV1ToolResultPart[]; providerOptions?: ProviderOptions };

/** Text. */
export interface LanguageModelV1TextPart {
  type: 'text';
  text: string;
  providerOptions?: ProviderOptions;
}

/** Reasoning text the model produced earlier (sent back for providers that want it, e.g. Anthropic thinking). */
export interface LanguageModelV1ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Provider signature for the reasoning block, when the API needs it echoed back. */
  signature?: string;
  providerOptions?: ProviderOptions;
}

/** An image: a URL, a base64 string (no data-URL prefix), or raw bytes. */
export interface LanguageModelV1ImagePart {
  type: 'image';
  image: URL | string | Uint8Array;
  /** IANA media type, e.g. `image/png`. Required for base64 and bytes when the provider cannot sniff it. */
  mediaType?: string;
  providerOptions?: ProviderOptions;
}

/** A file (PDF, audio, …): a URL, a base64 string, or raw bytes. */
export interface LanguageModelV1FilePart {
  type: 'file';
  data: URL | string | Uint8Array;
  mediaType: string;
  filename?: string;
  providerOptions?: ProviderOptions;
}

/** A tool call the assistant made. `input` is the parsed JSON arguments. */
export interface LanguageModelV1ToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  input: unknown;
  providerOptions?: ProviderOptions;
}

/** The result of a tool call, sent back to the model. */
export interface LanguageModelV1ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  /** The tool's output (any JSON value). */
  output: JSONValue | unknown;
  /** True when the tool failed (invalid input or an exception); `output` then holds the error text. */
  isError?: boolean;
  providerOptions?: ProviderOptions;
}
