import { UnsupportedFunctionalityError } from '../../errors/unsupported-functionality-error.ts';
import type { LanguageModelV1Prompt } from '../../language-model/v1/index.ts';
import { detectImageMediaType } from '../detect-image-media-type.ts';

/** A content part of a Chat Completions user message. */
export type OpenAICompatibleContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'low' | 'high' | 'auto' } }
  | { type: 'file'; file: { filename: string; file_data: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: 'wav' | 'mp3' } };

/** A function call in a Chat Completions assistant message. */
export interface OpenAICompatibleToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** An assistant message; the dialect's reasoning field (e.g. `reasoning_content`) is added when reasoning is sent back. */
export interface OpenAICompatibleAssistantMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: OpenAICompatibleToolCall[];
  [field: string]: unknown;
}

/** A Chat Completions request message (the wire format shared by OpenAI, Groq, DeepSeek and compatible servers). */
export type OpenAICompatibleMessage =
  | { role: 'system' | 'developer'; content: string }
  | { role: 'user'; content: string | OpenAICompatibleContentPart[] }
  | OpenAICompatibleAssistantMessage
  | { role: 'tool'; tool_call_id: string; content: string };

/** How a provider's Chat Completions dialect takes messages. */
export interface OpenAICompatibleMessageOptions {
  /** Role of system messages: `developer` for OpenAI reasoning models. Default `system`. */
  systemRole?: 'system' | 'developer';
  /** The field that carries reasoning sent back in assistant messages, or undefined to drop reasoning. */
  reasoningField?: string | undefined;
  /**
   * Which assistant messages carry their reasoning back (default `always`). `with-tool-calls` sends it only on
   * messages that call tools: DeepSeek's thinking mode requires it there (400 without it) and ignores or rejects it
   * elsewhere.
   */
  reasoningWhen?: 'always' | 'with-tool-calls';
  /** Provider name for error messages, e.g. `OpenAI`. */
  providerName: string;
  /** Key of `providerOptions` read on parts (e.g. `openai` for `imageDetail`). */
  providerOptionsKey: string;
  /** Whether PDF files are sent as `file` parts; otherwise they are refused. */
  pdf: boolean;
  /** Whether WAV / MP3 files are sent as `input_audio` parts; otherwise they are refused. */
  audio: boolean;
}

/**
 * Converts core's prompt to Chat Completions messages. Images go as `image_url` (URL or base64 data URL), tool
 * results as `tool` messages; file types the dialect does not accept throw `UnsupportedFunctionalityError`.
 */
export function convertToOpenAICompatibleMessages(prompt: LanguageModelV1Prompt, options: OpenAICompatibleMessageOptions): OpenAICompatibleMessage[] {
  const messages: OpenAICompatibleMessage[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: options.systemRole ?? 'system', content: message.content });
        break;
      case 'user': {
        const only = message.content.length === 1 ? message.content[0] : undefined;
        if (only?.type === 'text') {
          messages.push({ role: 'user', content: only.text });
          break;
        }
        const content = message.content.map((part): OpenAICompatibleContentPart => {
          if (part.type === 'text') return { type: 'text', text: part.text };
          if (part.type === 'image') {
            const detail = part.providerOptions?.[options.providerOptionsKey]?.imageDetail;
            return {
              type: 'image_url',
              image_url: {
                url: toDataOrHttpURL(part.image, part.mediaType ?? detectImageMediaType(part.image) ?? 'image/jpeg'),
                ...(detail === 'low' || detail === 'high' || detail === 'auto' ? { detail } : {}),
              },
            };
          }
          if (options.pdf && part.mediaType === 'application/pdf') {
            if (part.data instanceof URL || (typeof part.data === 'string' && /^https?:\/\//.test(part.data))) {
              throw new UnsupportedFunctionalityError({
                functionality: 'pdf-url',
                message: `${options.providerName} accepts PDF files only as data: pass the PDF's bytes or base64 instead of the URL ${String(part.data)}`,
              });
            }
            return { type: 'file', file: { filename: part.filename ?? 'document.pdf', file_data: toDataOrHttpURL(part.data, part.mediaType) } };
          }
          if (options.audio && (part.mediaType === 'audio/wav' || part.mediaType === 'audio/mpeg' || part.mediaType === 'audio/mp3')) {
            return { type: 'input_audio', input_audio: { data: toBase64(part.data, part.mediaType), format: part.mediaType === 'audio/wav' ? 'wav' : 'mp3' } };
          }
          if (part.mediaType.startsWith('image/')) {
            return { type: 'image_url', image_url: { url: toDataOrHttpURL(part.data, part.mediaType) } };
          }
          throw new UnsupportedFunctionalityError({
            functionality: `file of type ${part.mediaType}`,
            message: `${options.providerName} chat does not accept files of type "${part.mediaType}" in user messages: send ${acceptedFiles(options)}, or put the content in text`,
          });
        });
        messages.push({ role: 'user', content });
        break;
      }
      case 'assistant': {
        let text = '';
        let reasoning = '';
        const toolCalls: OpenAICompatibleToolCall[] = [];
        for (const part of message.content) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'reasoning') reasoning += part.text;
          else if (part.type === 'tool-call') {
            toolCalls.push({
              id: part.toolCallId,
              type: 'function',
              function: { name: part.toolName, arguments: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}) },
            });
          }
        }
        const assistant: OpenAICompatibleAssistantMessage = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null };
        if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
        if (options.reasoningField !== undefined && reasoning.length > 0 && (toolCalls.length > 0 || options.reasoningWhen !== 'with-tool-calls')) {
          assistant[options.reasoningField] = reasoning;
        }
        messages.push(assistant);
        break;
      }
      case 'tool':
        for (const part of message.content) {
          messages.push({ role: 'tool', tool_call_id: part.toolCallId, content: typeof part.output === 'string' ? part.output : JSON.stringify(part.output ?? null) });
        }
        break;
    }
  }
  return messages;
}

function acceptedFiles(options: OpenAICompatibleMessageOptions): string {
  const kinds = ['images', ...(options.pdf ? ['PDF (application/pdf)'] : []), ...(options.audio ? ['audio (audio/wav, audio/mpeg)'] : [])];
  return kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} or ${kinds[kinds.length - 1]}`;
}

function toDataOrHttpURL(data: URL | string | Uint8Array, mediaType: string): string {
  if (data instanceof URL) return data.href;
  if (typeof data === 'string') return /^(https?:|data:)/.test(data) ? data : `data:${mediaType};base64,${data}`;
  return `data:${mediaType};base64,${Buffer.from(data).toString('base64')}`;
}

function toBase64(data: URL | string | Uint8Array, mediaType: string): string {
  if (data instanceof URL || (typeof data === 'string' && /^https?:/.test(data))) {
    throw new UnsupportedFunctionalityError({ functionality: 'audio-url', message: `audio must be sent as data, not as a URL (${String(data)}): pass its bytes or base64 (${mediaType})` });
  }
  if (typeof data === 'string') return data.startsWith('data:') ? data.slice(data.indexOf(',') + 1) : data;
  return Buffer.from(data).toString('base64');
}
