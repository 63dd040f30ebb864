import type { StorageMessage, StorageThread } from '@mastra-ts/core';

type Part = Record<string, unknown>;

/** A stored message as Mastra's `MastraDBMessage` (format 2). */
export function toMastraMessage(message: StorageMessage): Record<string, unknown> {
  const parts = toParts(message.content);
  const text = parts.filter((part) => part.type === 'text').map((part) => String(part.text)).join('');
  return {
    id: message.id,
    role: message.role === 'tool' ? 'assistant' : message.role,
    createdAt: message.createdAt,
    threadId: message.threadId,
    ...(message.resourceId === undefined ? {} : { resourceId: message.resourceId }),
    type: message.type ?? 'v2',
    content: { format: 2, parts, content: text, ...(message.metadata ? { metadata: message.metadata } : {}) },
  };
}

/** A stored message as an AI SDK UI message. */
export function toUiMessage(message: StorageMessage): Record<string, unknown> {
  const parts = toParts(message.content).map((part): Part => {
    if (part.type !== 'tool-invocation') return part;
    const invocation = part.toolInvocation as Part;
    return {
      type: `tool-${String(invocation.toolName)}`,
      toolCallId: invocation.toolCallId,
      state: invocation.state === 'result' ? 'output-available' : 'input-available',
      input: invocation.args,
      ...(invocation.state === 'result' ? { output: invocation.result } : {}),
    };
  });
  return { id: message.id, role: message.role === 'tool' ? 'assistant' : message.role, parts, metadata: { createdAt: message.createdAt, threadId: message.threadId } };
}

function toParts(content: unknown): Part[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return (content as Part[]).map((part): Part => {
    switch (part.type) {
      case 'tool-call':
        return { type: 'tool-invocation', toolInvocation: { state: 'call', toolCallId: part.toolCallId, toolName: part.toolName, args: part.input ?? part.args } };
      case 'tool-result':
        return { type: 'tool-invocation', toolInvocation: { state: 'result', toolCallId: part.toolCallId, toolName: part.toolName, args: {}, result: part.output ?? part.result } };
      case 'reasoning':
        return { type: 'reasoning', reasoning: part.text, details: [{ type: 'text', text: part.text }] };
      default:
        return part;
    }
  });
}

/** A thread as the client expects it (Dates become ISO strings in JSON). */
export function toMastraThread(thread: StorageThread): Record<string, unknown> {
  return {
    id: thread.id,
    resourceId: thread.resourceId,
    title: thread.title ?? '',
    metadata: thread.metadata ?? {},
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
  };
}
