import { APICallError, UnsupportedFunctionalityError, type LanguageModelV1Prompt } from '@mastra-ts/core';
import type { Message } from 'ollama';

function toBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

async function imageData(image: URL | string | Uint8Array, fetch: typeof globalThis.fetch, abortSignal: AbortSignal | undefined): Promise<string> {
  if (image instanceof Uint8Array) return toBase64(image);
  const url = image instanceof URL ? image.toString() : /^https?:\/\//.test(image) ? image : undefined;
  if (url === undefined) return image as string;
  // Ollama accepts only inline images: download URLs here
  let response: Response;
  try {
    response = await fetch(url, abortSignal ? { signal: abortSignal } : {});
  } catch (cause) {
    throw new APICallError({ message: `Could not download the image ${url} to send it to Ollama: ${cause instanceof Error ? cause.message : String(cause)}`, url, cause, isRetryable: true });
  }
  if (!response.ok) {
    throw new APICallError({ message: `Could not download the image ${url} to send it to Ollama: status ${response.status}`, url, statusCode: response.status, responseBody: await response.text() });
  }
  return toBase64(new Uint8Array(await response.arrayBuffer()));
}

function stringify(output: unknown): string {
  return typeof output === 'string' ? output : output === undefined ? '' : JSON.stringify(output);
}

/** Converts a core prompt to Ollama `/api/chat` messages; image URLs are downloaded and sent inline. */
export async function convertToOllamaMessages(prompt: LanguageModelV1Prompt, options: { fetch: typeof globalThis.fetch; abortSignal: AbortSignal | undefined }): Promise<Message[]> {
  const messages: Message[] = [];
  for (const [messageIndex, message] of prompt.entries()) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const texts: string[] = [];
        const images: string[] = [];
        for (const [partIndex, part] of message.content.entries()) {
          if (part.type === 'text') texts.push(part.text);
          else if (part.type === 'image') images.push(await imageData(part.image, options.fetch, options.abortSignal));
          else if (part.mediaType.startsWith('image/')) images.push(await imageData(part.data, options.fetch, options.abortSignal));
          else {
            throw new UnsupportedFunctionalityError({
              functionality: `file of type ${part.mediaType}`,
              message: `Ollama accepts text and images only; prompt[${messageIndex}].content[${partIndex}] has mediaType "${part.mediaType}": extract its text first`,
            });
          }
        }
        messages.push({ role: 'user', content: texts.join('\n'), ...(images.length > 0 ? { images } : {}) });
        break;
      }
      case 'assistant': {
        let content = '';
        let thinking = '';
        const toolCalls: NonNullable<Message['tool_calls']> = [];
        for (const part of message.content) {
          if (part.type === 'text') content += part.text;
          else if (part.type === 'reasoning') thinking += part.text;
          else if (part.type === 'tool-call') toolCalls.push({ function: { name: part.toolName, arguments: (part.input ?? {}) as Record<string, unknown> } });
        }
        messages.push({ role: 'assistant', content, ...(thinking ? { thinking } : {}), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
        break;
      }
      case 'tool':
        for (const part of message.content) messages.push({ role: 'tool', content: stringify(part.output), tool_name: part.toolName });
        break;
    }
  }
  return messages;
}
