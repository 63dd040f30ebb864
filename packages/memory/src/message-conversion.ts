import { messageSearchText, type JSONValue, type ModelMessage, type StorageMessage } from '@mastra-ts/core';

type Part = { type: string; [key: string]: unknown };

/** Converts a message's content to JSON: bytes become base64, URLs strings, tool values plain JSON. */
export function toStorageContent(message: ModelMessage): JSONValue {
  if (typeof message.content === 'string') return message.content;
  return (message.content as Part[]).map((part) => {
    switch (part.type) {
      case 'image':
        return { ...part, image: binaryToJSON(part['image']) } as JSONValue;
      case 'file':
        return { ...part, data: binaryToJSON(part['data']) } as JSONValue;
      case 'tool-call':
        return { ...part, input: toJSON(part['input']) } as JSONValue;
      case 'tool-result':
        return { ...part, output: toJSON(part['output']) } as JSONValue;
      default:
        return toJSON(part);
    }
  });
}

/** The message kind stored in `StorageMessage.type`. */
export function messageType(message: ModelMessage): string {
  if (message.role === 'tool') return 'tool-result';
  if (message.role === 'assistant' && Array.isArray(message.content) && message.content.some((part) => part.type === 'tool-call')) return 'tool-call';
  return 'text';
}

/** Converts a stored message back to a model message. */
export function toModelMessage(message: StorageMessage): ModelMessage {
  const content = message.content;
  switch (message.role) {
    case 'system':
      return { role: 'system', content: typeof content === 'string' ? content : messageText(message) };
    case 'tool':
      return { role: 'tool', content: (Array.isArray(content) ? content : []) as unknown as Extract<ModelMessage, { role: 'tool' }>['content'] };
    default:
      return { role: message.role, content: content as Extract<ModelMessage, { role: 'user' }>['content'] } as ModelMessage;
  }
}

/** Plain text of a message: text parts joined, tool calls and results rendered briefly. */
export function messageText(message: { content: JSONValue | ModelMessage['content'] }): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const raw of content as unknown[]) {
    const part = raw as Part;
    if (part === null || typeof part !== 'object') continue;
    if (part.type === 'text' && typeof part['text'] === 'string') texts.push(part['text']);
    else if (part.type === 'tool-call') texts.push(`[called ${String(part['toolName'])}(${truncate(safeStringify(part['input']), 200)})]`);
    else if (part.type === 'tool-result') texts.push(`[${String(part['toolName'])} returned ${truncate(safeStringify(part['output']), 200)}]`);
  }
  return texts.join('\n');
}

/**
 * Text worth embedding: user and assistant text only (tool traffic is noise for similarity), the same text keyword
 * search indexes (core's `messageSearchText`).
 */
export function embeddableText(message: { role: string; content: JSONValue | ModelMessage['content'] }): string {
  return messageSearchText(message as { role: string; content: JSONValue });
}

function binaryToJSON(value: unknown): JSONValue {
  if (value instanceof URL) return value.href;
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value as JSONValue;
}

function toJSON(value: unknown): JSONValue {
  if (value === undefined) return null;
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  const text = safeStringify(value);
  return text === undefined ? null : (JSON.parse(text) as JSONValue);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return String(value);
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
