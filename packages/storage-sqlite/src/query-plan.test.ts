import { createTestMessage, createTestRun, createTestThread } from '@mastra-ts/conformance';
import type { StorageMessage } from '@mastra-ts/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStorage } from './create-sqlite-storage.ts';
import { queryPlan, recordPrepared, TestStorages } from './test-storage.ts';

const storages = new TestStorages();
afterAll(() => storages.cleanup());

const total = 50_000;
const base = Date.UTC(2026, 0, 1);
// several messages share a millisecond, so the id breaks ties
const createdAt = (index: number): Date => new Date(base + Math.floor(index / 3));
const id = (index: number): string => `m${String(index).padStart(6, '0')}`;

describe('at scale: 50,000 messages in one thread', () => {
  let storage: SqliteStorage;
  let database: Database.Database;
  let prepared: string[] = [];

  /** The query plan of the last statement prepared for `operation`, with every parameter bound to 1. */
  const planOf = async (operation: () => Promise<unknown>): Promise<string> => {
    const before = prepared.length;
    await operation();
    const source = prepared.slice(before).find((text) => text.startsWith('select'));
    expect(source, 'the operation prepared a new select').toBeDefined();
    return queryPlan(database, source!);
  };

  beforeAll(async () => {
    database = new Database(storages.file());
    prepared = recordPrepared(database);
    storage = await storages.open({ database });
    await storage.memory.saveThread(createTestThread());
    await storage.memory.saveThread(createTestThread({ id: 'other' }));
    const messages: StorageMessage[] = Array.from({ length: total }, (_, index) => createTestMessage({ id: id(index), createdAt: createdAt(index) }));
    await storage.memory.saveMessages(messages);
    await storage.memory.saveMessages(Array.from({ length: 100 }, (_, index) => createTestMessage({ id: `o${index}`, threadId: 'other', createdAt: createdAt(index) })));
    database.exec('analyze');
  }, 120_000);

  it('reads the last 10 through the (thread_id, created_at, id) index, with no sort step', async () => {
    const plan = await planOf(() => storage.memory.listMessages({ threadId: 'thread-1', order: 'desc', limit: 10 }));
    expect(plan).toMatch(/SEARCH messages USING INDEX messages_thread_created \(thread_id=\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE|SCAN/);
    expect((await storage.memory.listMessages({ threadId: 'thread-1', order: 'desc', limit: 3 })).map((message) => message.id)).toEqual([id(total - 1), id(total - 2), id(total - 3)]);
  });

  it('keyset cursors both ways are index range searches on (thread_id, created_at, id)', async () => {
    const cursor = { createdAt: createdAt(25_000), id: id(25_000) };
    for (const query of [
      { threadId: 'thread-1', order: 'desc' as const, limit: 20, before: cursor },
      { threadId: 'thread-1', order: 'asc' as const, limit: 20, after: cursor },
      { threadId: 'thread-1', limit: 20, fromDate: createdAt(100), toDate: createdAt(200) },
    ]) {
      const plan = await planOf(() => storage.memory.listMessages(query));
      expect(plan, JSON.stringify(query)).toMatch(/SEARCH messages USING INDEX messages_thread_created \(thread_id=\? AND \(?created_at/);
      expect(plan, JSON.stringify(query)).not.toMatch(/TEMP B-TREE|SCAN/);
    }
  });

  it('threads by resource and runs by workflow and status use their indexes', async () => {
    await storage.workflows.createRun(createTestRun());
    const threadPlan = await planOf(() => storage.memory.listThreads({ resourceId: 'user-1', limit: 5 }));
    expect(threadPlan).toMatch(/USING (COVERING )?INDEX threads_resource_updated \(resource_id=\?\)/);
    expect(threadPlan).not.toMatch(/TEMP B-TREE/);
    const runPlan = await planOf(() => storage.workflows.listRuns({ workflowId: 'wf', status: 'running', limit: 5 }));
    expect(runPlan).toMatch(/USING INDEX workflow_runs_workflow_status_updated \(workflow_id=\? AND status=\?\)/);
  });

  it('pages through all 50,000 newest first and oldest first with cursors, in exact order', async () => {
    const collect = async (order: 'asc' | 'desc'): Promise<string[]> => {
      const ids: string[] = [];
      let last: StorageMessage | undefined;
      for (;;) {
        const cursor = last ? { createdAt: last.createdAt, id: last.id } : undefined;
        const page = await storage.memory.listMessages({ threadId: 'thread-1', order, limit: 2000, ...(cursor ? (order === 'desc' ? { before: cursor } : { after: cursor }) : {}) });
        if (page.length === 0) return ids;
        ids.push(...page.map((message) => message.id));
        last = page[page.length - 1];
      }
    };
    const ascending = Array.from({ length: total }, (_, index) => id(index));
    expect(await collect('asc')).toEqual(ascending);
    expect(await collect('desc')).toEqual([...ascending].reverse());
    expect(await storage.memory.countMessages('thread-1')).toBe(total);
  });
});
