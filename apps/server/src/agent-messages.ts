import type { ModelMessage } from '@mastra-ts/core';
import { HttpError } from './http-error.ts';

type Part = Record<string, unknown>;

/**
 * Converts what `@mastra/client-js` sends as `messages` (a string, AI SDK model messages, UI messages with
 * `parts`, or Mastra DB messages with `content.format === 2`) to core's `ModelMessage`s.
 */
export function toModelMessages(input: unknown): string | ModelMessage[] {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) throw invalid('messages', 'expected a string or an array of messages');
  const messages: ModelMessage[] = [];
  input.forEach((item, index) => {
    if (typeof item === 'string') {
      messages.push({ role: 'user', content: item });
      return;
    }
    if (item === null || typeof item !== 'object') throw invalid(`messages.${index}`, 'expected a string or a message { role, content }');
    messages.push(...convertMessage(item as Record<string, unknown>, index));
  });
  return messages;
}

function invalid(path: string, message: string): HttpError {
  return new HttpError('BAD_REQUEST', `Invalid body: ${path}: ${message}`, { issues: [{ path, message }] });
}

function convertMessage(message: Record<string, unknown>, index: number): ModelMessage[] {
  const role = message.role;
  if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') {
    throw invalid(`messages.${index}.role`, `unknown role ${JSON.stringify(role)}: use system, user, assistant or tool`);
  }
  const content = message.content;
  if (content !== null && typeof content === 'object' && !Array.isArray(content) && (content as Part).format === 2) {
    return fromUiParts(role, ((content as Part).parts as Part[] | undefined) ?? [], (content as Part).content as string | undefined, index);
  }
  if (Array.isArray(message.parts) && (typeof content !== 'object' || content === null)) {
    return fromUiParts(role, message.parts as Part[], typeof content === 'string' ? content : undefined, index);
  }
  if (typeof content === 'string') {
    if (role === 'tool') throw invalid(`messages.${index}.content`, 'a tool message needs an array of tool-result parts');
    return [{ role, content } as unknown as ModelMessage];
  }
  if (!Array.isArray(content)) throw invalid(`messages.${index}.content`, 'expected a string or an array of parts');
  const parts = (content as Part[]).map((part, partIndex) => normalizePart(part, `messages.${index}.content.${partIndex}`));
  if (role === 'system') return [{ role, content: parts.map((part) => String(part.text ?? '')).join('') }];
  return [{ role, content: parts } as unknown as ModelMessage];
}

function normalizePart(part: Part, path: string): Part {
  if (part === null || typeof part !== 'object' || typeof part.type !== 'string') throw invalid(path, 'expected a part { type, … }');
  switch (part.type) {
    case 'tool-call':
      return { type: 'tool-call', toolCallId: String(part.toolCallId), toolName: String(part.toolName), input: part.input ?? part.args ?? {} };
    case 'tool-result': {
      let output = part.output ?? part.result;
      if (output !== null && typeof output === 'object' && 'type' in output && 'value' in output && ['json', 'text', 'error-text', 'error-json'].includes(String((output as Part).type))) {
        output = (output as Part).value;
      }
      return { type: 'tool-result', toolCallId: String(part.toolCallId), toolName: String(part.toolName), output: output ?? null, ...(part.isError === true ? { isError: true } : {}) };
    }
    default:
      return part;
  }
}

function fromUiParts(role: 'system' | 'user' | 'assistant' | 'tool', parts: Part[], fallback: string | undefined, index: number): ModelMessage[] {
  const text: Part[] = [];
  const calls: Part[] = [];
  const results: Part[] = [];
  for (const part of parts) {
    if (part === null || typeof part !== 'object') continue;
    if (part.type === 'text' && typeof part.text === 'string') text.push({ type: 'text', text: part.text });
    else if (part.type === 'tool-invocation' && part.toolInvocation && typeof part.toolInvocation === 'object') {
      const invocation = part.toolInvocation as Part;
      calls.push({ type: 'tool-call', toolCallId: String(invocation.toolCallId), toolName: String(invocation.toolName), input: invocation.args ?? {} });
      if (invocation.state === 'result') results.push({ type: 'tool-result', toolCallId: String(invocation.toolCallId), toolName: String(invocation.toolName), output: invocation.result ?? null });
    } else if (typeof part.type === 'string' && part.type.startsWith('tool-') && typeof part.toolCallId === 'string') {
      const toolName = part.type.slice('tool-'.length);
      calls.push({ type: 'tool-call', toolCallId: part.toolCallId, toolName, input: part.input ?? {} });
      if (part.state === 'output-available') results.push({ type: 'tool-result', toolCallId: part.toolCallId, toolName, output: part.output ?? null });
    }
  }
  if (text.length === 0 && calls.length === 0 && fallback) text.push({ type: 'text', text: fallback });
  if (role === 'system') return [{ role, content: text.map((part) => String(part.text)).join('') }];
  if (role === 'tool') {
    if (results.length === 0) throw invalid(`messages.${index}`, 'a tool message needs tool results');
    return [{ role, content: results } as unknown as ModelMessage];
  }
  if (role === 'user') return [{ role, content: text } as unknown as ModelMessage];
  const messages: ModelMessage[] = [{ role: 'assistant', content: [...text, ...calls] } as unknown as ModelMessage];
  if (results.length > 0) messages.push({ role: 'tool', content: results } as unknown as ModelMessage);
  return messages;
}
