import { APICallError, UnsupportedFunctionalityError, type LanguageModelV1Prompt } from '@mastra-ts/core';
import type { Message } from 'ollama';

function toBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** A URL to download, or undefined when the image is already inline (bytes or base64). */
function imageURL(image: URL | string | Uint8Array): string | undefined {
  if (image instanceof Uint8Array) return undefined;
  return image instanceof URL ? image.toString() : /^https?:\/\//.test(image) ? image : undefined;
}

async function download(url: string, fetch: typeof globalThis.fetch, abortSignal: AbortSignal | undefined): Promise<string> {
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

/**
 * Converts a core prompt to Ollama `/api/chat` messages; image URLs are downloaded and sent inline.
 * Synchronous (no promise) unless an image has to be downloaded.
 */
export function convertToOllamaMessages(prompt: LanguageModelV1Prompt, options: { fetch: typeof globalThis.fetch; abortSignal: AbortSignal | undefined }): Message[] | Promise<Message[]> {
  const messages: Message[] = [];
  let downloads: Array<Promise<void>> | undefined;
  for (let messageIndex = 0; messageIndex < prompt.length; messageIndex++) {
    const message = prompt[messageIndex]!;
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const content = message.content;
        if (content.length === 1 && content[0]!.type === 'text') {
          messages.push({ role: 'user', content: content[0]!.text });
          break;
        }
        const texts: string[] = [];
        const images: string[] = [];
        for (let partIndex = 0; partIndex < content.length; partIndex++) {
          const part = content[partIndex]!;
          if (part.type === 'text') {
            texts.push(part.text);
            continue;
          }
          const image = part.type === 'image' ? part.image : part.data;
          if (part.type === 'file' && !part.mediaType.startsWith('image/')) {
            throw new UnsupportedFunctionalityError({
              functionality: `file of type ${part.mediaType}`,
              message: `Ollama accepts text and images only; prompt[${messageIndex}].content[${partIndex}] has mediaType "${part.mediaType}": extract its text first`,
            });
          }
          const url = imageURL(image);
          if (url === undefined) images.push(image instanceof Uint8Array ? toBase64(image) : (image as string));
          else {
            const slot = images.push('') - 1;
            (downloads ??= []).push(download(url, options.fetch, options.abortSignal).then((data) => void (images[slot] = data)));
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
  return downloads === undefined ? messages : Promise.all(downloads).then(() => messages);
}
