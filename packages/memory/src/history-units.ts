import type { ModelMessage } from '@mastra-ts/core';

/** A loaded history message with its stored identity. */
export interface HistoryEntry {
  id: string;
  threadId: string;
  createdAt: Date;
  message: ModelMessage;
}

type ToolCallLike = { type: string; toolCallId?: string };

function toolCallIds(message: ModelMessage): string[] {
  if (message.role !== 'assistant' || typeof message.content === 'string') return [];
  return (message.content as ToolCallLike[]).filter((part) => part.type === 'tool-call').map((part) => part.toolCallId!);
}

/**
 * Makes a window of history valid for providers: drops tool results whose call fell outside the window,
 * and tool calls left without a result (except in the last message, where a client-side tool may be pending).
 */
export function sanitizeToolPairs<Entry extends { message: ModelMessage }>(entries: Entry[]): Entry[] {
  const calls = new Set<string>();
  const results = new Set<string>();
  for (const entry of entries) {
    for (const id of toolCallIds(entry.message)) calls.add(id);
    if (entry.message.role === 'tool') for (const part of entry.message.content) results.add(part.toolCallId);
  }
  const sanitized: Entry[] = [];
  entries.forEach((entry, index) => {
    const message = entry.message;
    if (message.role === 'tool') {
      const content = message.content.filter((part) => calls.has(part.toolCallId));
      if (content.length === 0) return;
      sanitized.push(content.length === message.content.length ? entry : { ...entry, message: { ...message, content } });
      return;
    }
    if (message.role === 'assistant' && typeof message.content !== 'string' && index < entries.length - 1) {
      const content = message.content.filter((part) => part.type !== 'tool-call' || results.has(part.toolCallId));
      if (content.length === 0) return;
      sanitized.push(content.length === message.content.length ? entry : { ...entry, message: { ...message, content } });
      return;
    }
    sanitized.push(entry);
  });
  return sanitized;
}

/** Groups history into units that are kept or dropped whole: a tool call with its results, or one message. */
export function groupIntoUnits<Entry extends { message: ModelMessage }>(entries: Entry[]): Entry[][] {
  const units: Entry[][] = [];
  let open: Entry[] | undefined;
  for (const entry of entries) {
    if (entry.message.role === 'tool' && open) {
      open.push(entry);
      continue;
    }
    const unit = [entry];
    units.push(unit);
    open = toolCallIds(entry.message).length > 0 ? unit : undefined;
  }
  return units;
}
