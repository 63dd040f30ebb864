import type { MemoryStore, MessageCursor, StorageMessage } from '@mastra-ts/core';
import { groupIntoUnits } from './history-units.ts';
import type { CleanupOptions, ImportanceScorer } from './memory-types.ts';
import { messageText, toModelMessage } from './message-conversion.ts';

/** What a cleanup deleted. */
export interface CleanupResult {
  deleted: number;
  deletedIds: string[];
}

const pageSize = 500;

/**
 * Deletes a thread's messages beyond the newest `maxMessages` or older than `maxAgeMs`, except those scoring
 * at least `keepImportance`. A tool call and its results are kept or deleted together.
 */
export async function runCleanup(args: {
  store: MemoryStore;
  threadId: string;
  policy: CleanupOptions;
  scorer: ImportanceScorer;
  now: Date;
  abortSignal: AbortSignal | undefined;
}): Promise<CleanupResult> {
  const { store, threadId, policy } = args;
  const signal = args.abortSignal ? { abortSignal: args.abortSignal } : {};
  const keepImportance = policy.keepImportance ?? 0.7;
  let boundary: MessageCursor | undefined;
  if (policy.maxMessages !== undefined) {
    const newest = await store.listMessages({ threadId, order: 'desc', limit: Math.max(1, policy.maxMessages), ...signal });
    if (policy.maxMessages === 0) boundary = newest[0] ? { createdAt: new Date(newest[0].createdAt.getTime() + 1), id: '' } : undefined;
    else if (newest.length === policy.maxMessages) boundary = newest[newest.length - 1];
  }
  const cutoff = policy.maxAgeMs === undefined ? undefined : args.now.getTime() - policy.maxAgeMs;
  if (boundary === undefined && cutoff === undefined) return { deleted: 0, deletedIds: [] };

  const isEligible = (message: StorageMessage): boolean =>
    (boundary !== undefined && compare(message, boundary) < 0) || (cutoff !== undefined && message.createdAt.getTime() < cutoff);
  const prefix: StorageMessage[] = [];
  let next: StorageMessage | undefined;
  let after: MessageCursor | undefined;
  scan: for (;;) {
    const page = await store.listMessages({ threadId, order: 'asc', limit: pageSize, ...(after ? { after } : {}), ...signal });
    for (const message of page) {
      if (!isEligible(message)) {
        next = message;
        break scan;
      }
      prefix.push(message);
    }
    if (page.length < pageSize) break;
    after = page[page.length - 1];
  }
  if (prefix.length === 0) return { deleted: 0, deletedIds: [] };

  const units = groupIntoUnits(prefix.map((stored) => ({ stored, message: toModelMessage(stored) })));
  if (next?.role === 'tool' && units.length > 0) {
    const last = units[units.length - 1]!;
    if (last[0]!.message.role === 'assistant') units.pop();
  }
  const importance = (stored: StorageMessage): number => {
    const value = stored.metadata?.['importance'];
    return typeof value === 'number' ? value : args.scorer({ role: stored.role, text: messageText(stored), content: stored.content, metadata: stored.metadata });
  };
  const deletedIds: string[] = [];
  for (const unit of units) {
    if (unit.some((entry) => importance(entry.stored) >= keepImportance)) continue;
    for (const entry of unit) deletedIds.push(entry.stored.id);
  }
  let deleted = 0;
  for (let index = 0; index < deletedIds.length; index += pageSize) {
    deleted += await store.deleteMessages(deletedIds.slice(index, index + pageSize), signal);
  }
  return { deleted, deletedIds };
}

function compare(a: MessageCursor, b: MessageCursor): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
