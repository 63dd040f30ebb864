import { UnsupportedFunctionalityError, type LanguageModelV1Prompt } from '@mastra-ts/core';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'groq-sdk/resources/chat/completions';
import { detectImageMediaType } from './detect-image-media-type.ts';

/**
 * Converts core's prompt to Groq Chat Completions messages. Images go as `image_url` (URL or base64
 * data URL); reasoning from earlier turns is not sent back; other file types are refused.
 */
export function convertToGroqMessages(prompt: LanguageModelV1Prompt): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
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
            const detail = part.providerOptions?.groq?.imageDetail;
            return {
              type: 'image_url',
              image_url: { url: toURL(part.image, part.mediaType ?? detectImageMediaType(part.image, 'image/jpeg')), ...(detail === 'low' || detail === 'high' || detail === 'auto' ? { detail } : {}) },
            };
          }
          if (part.mediaType.startsWith('image/')) return { type: 'image_url', image_url: { url: toURL(part.data, part.mediaType) } };
          throw new UnsupportedFunctionalityError({
            functionality: `file of type ${part.mediaType}`,
            message: `Groq chat does not accept files of type "${part.mediaType}" in user messages: send images, or put the content in text`,
          });
        });
        messages.push({ role: 'user', content });
        break;
      }
      case 'assistant': {
        let text = '';
        const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
        for (const part of message.content) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'tool-call') {
            toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}) } });
          }
        }
        messages.push({ role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
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

function toURL(data: URL | string | Uint8Array, mediaType: string): string {
  if (data instanceof URL) return data.href;
  if (typeof data === 'string') return /^(https?:|data:)/.test(data) ? data : `data:${mediaType};base64,${data}`;
  return `data:${mediaType};base64,${Buffer.from(data).toString('base64')}`;
}
