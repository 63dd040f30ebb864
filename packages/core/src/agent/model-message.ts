import { TypeValidationError } from '../errors/type-validation-error.ts';
import type {
  LanguageModelV1FilePart,
  LanguageModelV1ImagePart,
  LanguageModelV1Message,
  LanguageModelV1ReasoningPart,
  LanguageModelV1TextPart,
  LanguageModelV1ToolCallPart,
  LanguageModelV1ToolResultPart,
} from '../language-model/v1/language-model-v1-prompt.ts';
import type { ProviderOptions } from '../shared/json-value.ts';

/** Text in a message. */
export type TextPart = LanguageModelV1TextPart;
/** An image: URL, `https://…` or `data:` string, base64 string, or bytes. */
export type ImagePart = Omit<LanguageModelV1ImagePart, 'image'> & { image: URL | string | Uint8Array | ArrayBuffer };
/** A file: URL, `data:` string, base64 string, or bytes. */
export type FilePart = Omit<LanguageModelV1FilePart, 'data'> & { data: URL | string | Uint8Array | ArrayBuffer };
/** Reasoning from an earlier assistant turn. */
export type ReasoningPart = LanguageModelV1ReasoningPart;
/** A tool call in an assistant message. */
export type ToolCallPart = LanguageModelV1ToolCallPart;
/** A tool result in a tool message. */
export type ToolResultPart = LanguageModelV1ToolResultPart;

/** A message as users write them (AI SDK / Mastra style): string content is shorthand for one text part. */
export type ModelMessage =
  | { role: 'system'; content: string; providerOptions?: ProviderOptions }
  | { role: 'user'; content: string | Array<TextPart | ImagePart | FilePart>; providerOptions?: ProviderOptions }
  | { role: 'assistant'; content: string | Array<TextPart | ReasoningPart | FilePart | ToolCallPart>; providerOptions?: ProviderOptions }
  | { role: 'tool'; content: ToolResultPart[]; providerOptions?: ProviderOptions };

/** What `agent.generate` and `agent.stream` accept: a string, strings, a message, or messages. */
export type AgentInput = string | ModelMessage | Array<string | ModelMessage>;

/** Normalizes agent input to messages. Strings become user messages. */
export function normalizeInput(input: AgentInput): ModelMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const list = Array.isArray(input) ? input : [input];
  return list.map((item, index) => {
    if (typeof item === 'string') return { role: 'user', content: item };
    if (item == null || typeof item !== 'object' || !('role' in item)) {
      throw new TypeValidationError({
        value: item,
        context: 'agent input',
        issues: [{ path: [index], message: 'expected a string or a message { role, content }' }],
      });
    }
    if (!['system', 'user', 'assistant', 'tool'].includes(item.role)) {
      throw new TypeValidationError({
        value: item.role,
        context: 'agent input',
        issues: [{ path: [index, 'role'], message: `unknown role "${String(item.role)}": use system, user, assistant or tool` }],
      });
    }
    return item;
  });
}

const dataUrlPattern = /^data:([^;,]+)?(;base64)?,/;

function convertBinary(value: URL | string | Uint8Array | ArrayBuffer, mediaType: string | undefined): { data: URL | string | Uint8Array; mediaType: string | undefined } {
  if (value instanceof ArrayBuffer) return { data: new Uint8Array(value), mediaType };
  if (typeof value === 'string') {
    if (value.startsWith('http://') || value.startsWith('https://')) return { data: new URL(value), mediaType };
    const match = dataUrlPattern.exec(value);
    if (match) {
      const payload = value.slice(match[0].length);
      return { data: match[2] ? payload : Buffer.from(decodeURIComponent(payload)).toString('base64'), mediaType: mediaType ?? match[1] };
    }
  }
  return { data: value, mediaType };
}

/** Converts user-facing messages to the provider prompt format. */
export function toPromptMessage(message: ModelMessage): LanguageModelV1Message {
  switch (message.role) {
    case 'system':
      return message;
    case 'user':
      if (typeof message.content === 'string') return { role: 'user', content: [{ type: 'text', text: message.content }], ...(message.providerOptions ? { providerOptions: message.providerOptions } : {}) };
      return {
        role: 'user',
        content: message.content.map((part) => {
          if (part.type === 'image') {
            const { data, mediaType } = convertBinary(part.image, part.mediaType);
            return { ...part, image: data, ...(mediaType ? { mediaType } : {}) };
          }
          if (part.type === 'file') {
            const { data, mediaType } = convertBinary(part.data, part.mediaType);
            return { ...part, data, mediaType: mediaType ?? part.mediaType };
          }
          return part;
        }),
        ...(message.providerOptions ? { providerOptions: message.providerOptions } : {}),
      };
    case 'assistant':
      if (typeof message.content === 'string') return { role: 'assistant', content: [{ type: 'text', text: message.content }], ...(message.providerOptions ? { providerOptions: message.providerOptions } : {}) };
      return {
        role: 'assistant',
        content: message.content.map((part) => {
          if (part.type !== 'file') return part;
          const { data, mediaType } = convertBinary(part.data, part.mediaType);
          return { ...part, data, mediaType: mediaType ?? part.mediaType };
        }),
        ...(message.providerOptions ? { providerOptions: message.providerOptions } : {}),
      };
    case 'tool':
      return message;
  }
}
