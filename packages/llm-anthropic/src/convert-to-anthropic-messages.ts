import type Anthropic from '@anthropic-ai/sdk';
import { TypeValidationError, UnsupportedFunctionalityError, type LanguageModelV1CallWarning, type LanguageModelV1Prompt, type ProviderOptions } from '@mastra-ts/core';
import { detectImageMediaType } from '@mastra-ts/core/provider-utils';
import { parseCacheControl, type AnthropicCacheControl } from './anthropic-messages-options.ts';
import { recallThinkingSignature } from './thinking-signature-cache.ts';

type ContentBlock = Anthropic.ContentBlockParam;
type ImageMediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

/** The converted prompt: top-level `system` and the merged `messages`. */
export interface AnthropicPrompt {
  system: Anthropic.TextBlockParam[] | undefined;
  messages: Anthropic.MessageParam[];
}

function pathOf(messageIndex: number, partIndex?: number): string {
  return partIndex === undefined ? `prompt[${messageIndex}]` : `prompt[${messageIndex}].content[${partIndex}]`;
}

/** The part's (or message's) cache control; the path for an error message is built only when there are options. */
function cacheControlOf(providerOptions: ProviderOptions | undefined, messageIndex: number, partIndex?: number): AnthropicCacheControl | undefined {
  const options = providerOptions?.anthropic;
  return options ? parseCacheControl(options.cacheControl ?? options.cache_control, [pathOf(messageIndex, partIndex), 'providerOptions', 'anthropic', 'cacheControl']) : undefined;
}

function withCache<T extends object>(block: T, cacheControl: AnthropicCacheControl | undefined): T {
  return cacheControl ? { ...block, cache_control: cacheControl } : block;
}

function toBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

function imageMediaType(mediaType: string | undefined, base64: string, path: string): ImageMediaType {
  const type = mediaType === 'image/jpg' ? 'image/jpeg' : mediaType;
  if (type === 'image/jpeg' || type === 'image/png' || type === 'image/gif' || type === 'image/webp') return type;
  if (type !== undefined && type !== 'image/*') {
    throw new TypeValidationError({ value: mediaType, context: 'Anthropic image', issues: [{ path: [path, 'mediaType'], message: `Anthropic accepts image/jpeg, image/png, image/gif or image/webp, got "${mediaType}": convert the image first` }] });
  }
  const sniffed = detectImageMediaType(base64);
  if (sniffed) return sniffed;
  throw new TypeValidationError({ value: base64.slice(0, 16), context: 'Anthropic image', issues: [{ path: [path, 'mediaType'], message: 'the image format could not be detected: set mediaType to image/jpeg, image/png, image/gif or image/webp' }] });
}

function binarySource(data: URL | string | Uint8Array, mediaType: string | undefined, path: string, kind: 'image' | 'document'):
  | { type: 'url'; url: string }
  | { type: 'base64'; media_type: string; data: string } {
  if (data instanceof URL) return { type: 'url', url: data.toString() };
  if (typeof data === 'string' && /^https?:\/\//.test(data)) return { type: 'url', url: data };
  const base64 = typeof data === 'string' ? data : toBase64(data);
  return { type: 'base64', media_type: kind === 'image' ? imageMediaType(mediaType, base64, path) : (mediaType ?? 'application/pdf'), data: base64 };
}

function toolResultContent(output: unknown): string {
  if (typeof output === 'string') return output;
  return output === undefined ? '' : JSON.stringify(output);
}

/**
 * Converts a core prompt to Anthropic's request shape: system messages become the top-level `system`
 * blocks, tool messages become user `tool_result` blocks, and consecutive messages with the same
 * Anthropic role are merged (the API requires alternating turns).
 */
export function convertToAnthropicMessages(prompt: LanguageModelV1Prompt, options: { sendReasoning: boolean; warnings: LanguageModelV1CallWarning[] }): AnthropicPrompt {
  const system: Anthropic.TextBlockParam[] = [];
  const messages: Anthropic.MessageParam[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlock[]): void => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last !== undefined && last.role === role) (last.content as ContentBlock[]).push(...blocks);
    else messages.push({ role, content: blocks });
  };

  for (let messageIndex = 0; messageIndex < prompt.length; messageIndex++) {
    const message = prompt[messageIndex]!;
    const messageCache = message.providerOptions === undefined ? undefined : cacheControlOf(message.providerOptions, messageIndex);
    switch (message.role) {
      case 'system':
        system.push(withCache({ type: 'text', text: message.content }, messageCache));
        break;
      case 'user': {
        const content = message.content;
        const blocks: ContentBlock[] = [];
        for (let partIndex = 0; partIndex < content.length; partIndex++) {
          const part = content[partIndex]!;
          const cache = (part.providerOptions === undefined ? undefined : cacheControlOf(part.providerOptions, messageIndex, partIndex)) ?? (partIndex === content.length - 1 ? messageCache : undefined);
          switch (part.type) {
            case 'text':
              blocks.push(withCache({ type: 'text', text: part.text }, cache));
              break;
            case 'image':
              blocks.push(withCache({ type: 'image', source: binarySource(part.image, part.mediaType, pathOf(messageIndex, partIndex), 'image') } as Anthropic.ImageBlockParam, cache));
              break;
            case 'file': {
              const partPath = pathOf(messageIndex, partIndex);
              if (part.mediaType.startsWith('image/')) blocks.push(withCache({ type: 'image', source: binarySource(part.data, part.mediaType, partPath, 'image') } as Anthropic.ImageBlockParam, cache));
              else if (part.mediaType === 'application/pdf') {
                blocks.push(withCache({ type: 'document', source: binarySource(part.data, part.mediaType, partPath, 'document'), ...(part.filename ? { title: part.filename } : {}) } as Anthropic.DocumentBlockParam, cache));
              } else if (part.mediaType === 'text/plain' && !(part.data instanceof URL)) {
                const text = typeof part.data === 'string' ? Buffer.from(part.data, 'base64').toString('utf8') : Buffer.from(part.data).toString('utf8');
                blocks.push(withCache({ type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...(part.filename ? { title: part.filename } : {}) }, cache));
              } else {
                throw new UnsupportedFunctionalityError({
                  functionality: `file of type ${part.mediaType}`,
                  message: `Anthropic accepts images, application/pdf and text/plain files; ${partPath} has mediaType "${part.mediaType}": convert it or send its text`,
                });
              }
              break;
            }
          }
        }
        push('user', blocks);
        break;
      }
      case 'assistant': {
        const blocks: ContentBlock[] = [];
        const content = message.content;
        for (let partIndex = 0; partIndex < content.length; partIndex++) {
          const part = content[partIndex]!;
          const cache = (part.providerOptions === undefined ? undefined : cacheControlOf(part.providerOptions, messageIndex, partIndex)) ?? (partIndex === content.length - 1 ? messageCache : undefined);
          switch (part.type) {
            case 'text':
              if (part.text.length > 0) blocks.push(withCache({ type: 'text', text: part.text }, cache));
              break;
            case 'reasoning': {
              if (!options.sendReasoning) break;
              const anthropicOptions = part.providerOptions?.anthropic;
              const redacted = anthropicOptions?.redactedData;
              if (typeof redacted === 'string') {
                blocks.push({ type: 'redacted_thinking', data: redacted });
                break;
              }
              const signature = part.signature ?? (typeof anthropicOptions?.signature === 'string' ? anthropicOptions.signature : undefined) ?? recallThinkingSignature(part.text);
              if (signature === undefined) {
                options.warnings.push({ type: 'other', message: `${pathOf(messageIndex, partIndex)}: reasoning without a signature cannot be sent back to Anthropic and was dropped` });
                break;
              }
              blocks.push({ type: 'thinking', thinking: part.text, signature });
              break;
            }
            case 'tool-call':
              blocks.push(withCache({ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: part.input ?? {} }, cache));
              break;
            case 'file':
              options.warnings.push({ type: 'other', message: `${pathOf(messageIndex, partIndex)}: Anthropic does not accept files in assistant messages; the file was dropped` });
              break;
          }
        }
        push('assistant', blocks);
        break;
      }
      case 'tool': {
        const content = message.content;
        const blocks: ContentBlock[] = [];
        for (let partIndex = 0; partIndex < content.length; partIndex++) {
          const part = content[partIndex]!;
          const cache = (part.providerOptions === undefined ? undefined : cacheControlOf(part.providerOptions, messageIndex, partIndex)) ?? (partIndex === content.length - 1 ? messageCache : undefined);
          blocks.push(withCache({ type: 'tool_result', tool_use_id: part.toolCallId, content: toolResultContent(part.output), ...(part.isError ? { is_error: true } : {}) }, cache));
        }
        push('user', blocks);
        break;
      }
    }
  }

  for (const message of messages) {
    // tool_result blocks must come first in a user turn
    if (message.role === 'user') {
      const blocks = message.content as ContentBlock[];
      if (blocks.some((block, index) => block.type === 'tool_result' && index > 0 && blocks[index - 1]!.type !== 'tool_result')) {
        message.content = [...blocks.filter((block) => block.type === 'tool_result'), ...blocks.filter((block) => block.type !== 'tool_result')];
      }
    }
  }
  // the API rejects a final assistant turn that ends with whitespace
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') {
    const blocks = last.content as ContentBlock[];
    const tail = blocks[blocks.length - 1];
    if (tail?.type === 'text') tail.text = tail.text.trimEnd();
  }
  return { system: system.length > 0 ? system : undefined, messages };
}
