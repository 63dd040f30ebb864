import { UnsupportedFunctionalityError, type LanguageModelV1Prompt } from '@mastra-ts/core';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { detectImageMediaType } from './detect-image-media-type.ts';

/** How a provider's Chat Completions dialect takes messages. */
export interface OpenAIMessageOptions {
  /** Role of system messages: `developer` for OpenAI reasoning models. */
  systemRole: 'system' | 'developer';
  /** The field that carries reasoning sent back in assistant messages, or undefined to drop reasoning. */
  reasoningField: string | undefined;
  /** Provider name for error messages. */
  providerName: string;
  /** Key of `providerOptions` read on parts (e.g. `openai` for `imageDetail`). */
  providerOptionsKey: string;
}

/** Converts core's prompt to Chat Completions messages. */
export function convertToOpenAIMessages(prompt: LanguageModelV1Prompt, options: OpenAIMessageOptions): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: options.systemRole, content: message.content });
        break;
      case 'user': {
        const only = message.content.length === 1 ? message.content[0] : undefined;
        if (only?.type === 'text') {
          messages.push({ role: 'user', content: only.text });
          break;
        }
        const content: ChatCompletionContentPart[] = message.content.map((part): ChatCompletionContentPart => {
          if (part.type === 'text') return { type: 'text', text: part.text };
          if (part.type === 'image') {
            const detail = part.providerOptions?.[options.providerOptionsKey]?.imageDetail;
            return {
              type: 'image_url',
              image_url: {
                url: toDataOrHttpURL(part.image, part.mediaType ?? detectImageMediaType(part.image, 'image/jpeg')),
                ...(detail === 'low' || detail === 'high' || detail === 'auto' ? { detail } : {}),
              },
            };
          }
          if (part.mediaType === 'application/pdf') {
            if (part.data instanceof URL || (typeof part.data === 'string' && /^https?:\/\//.test(part.data))) {
              throw new UnsupportedFunctionalityError({
                functionality: 'pdf-url',
                message: `${options.providerName} accepts PDF files only as data: pass the PDF's bytes or base64 instead of the URL ${String(part.data)}`,
              });
            }
            return { type: 'file', file: { filename: part.filename ?? 'document.pdf', file_data: toDataOrHttpURL(part.data, part.mediaType) } };
          }
          if (part.mediaType === 'audio/wav' || part.mediaType === 'audio/mpeg' || part.mediaType === 'audio/mp3') {
            return { type: 'input_audio', input_audio: { data: toBase64(part.data, part.mediaType), format: part.mediaType === 'audio/wav' ? 'wav' : 'mp3' } };
          }
          if (part.mediaType.startsWith('image/')) {
            return { type: 'image_url', image_url: { url: toDataOrHttpURL(part.data, part.mediaType) } };
          }
          throw new UnsupportedFunctionalityError({
            functionality: `file of type ${part.mediaType}`,
            message: `${options.providerName} chat does not accept files of type "${part.mediaType}" in user messages: send images, PDF (application/pdf) or audio (audio/wav, audio/mpeg), or put the content in text`,
          });
        });
        messages.push({ role: 'user', content });
        break;
      }
      case 'assistant': {
        let text = '';
        let reasoning = '';
        const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
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
        const assistant: ChatCompletionMessageParam & Record<string, unknown> = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null };
        if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
        if (options.reasoningField !== undefined && reasoning.length > 0) assistant[options.reasoningField] = reasoning;
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
