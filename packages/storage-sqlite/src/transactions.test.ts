import { createTestMessage, createTestRun, createTestThread } from '@mastra-ts/conformance';
import { AbortError, StorageError } from '@mastra-ts/core';
import type { SpanRecord, StorageMessage } from '@mastra-ts/core';
import { afterEach, describe, expect, it } from 'vitest';
import { TestStorages } from './test-storage.ts';

const storages = new TestStorages();
afterEach(() => storages.cleanup());

const base = Date.UTC(2026, 0, 1);

/** A JSON value whose serialization runs `effect`: lets a test act in the middle of a batch, inside the transaction. */
function trap(effect: () => void): StorageMessage['content'] {
  return {
    toJSON(): string {
      effect();
      return 'never stored';
    },
  } as unknown as StorageMessage['content'];
}

function messages(count: number, prefix: string, special?: { index: number; content: StorageMessage['content'] }): StorageMessage[] {
  return Array.from({ length: count }, (_, index) =>
    createTestMessage({ id: `${prefix}-${String(index).padStart(5, '0')}`, createdAt: new Date(base + 10_000 + index), ...(special?.index === index ? { content: special.content } : {}) }),
  );
}

describe('transactional writes', () => {
  it('a batch naming a thread that does not exist says which, and how to fix it, and saves nothing (also with the prepared path off)', async () => {
    for (const prepared of [true, false]) {
      const storage = await storages.open({ path: ':memory:', preparedStatements: prepared });
      await storage.memory.saveThread(createTestThread());
      const error = await storage.memory
        .saveMessages([createTestMessage({ id: 'ok' }), createTestMessage({ id: 'stray', threadId: 'gone' })])
        .catch((caught: unknown) => caught);
      expect(StorageError.isInstance(error)).toBe(true);
      expect((error as StorageError).message).toContain('thread "gone" of message "stray" does not exist: save the thread first');
      expect(await storage.memory.listMessages({ threadId: 'thread-1' })).toEqual([]);
      expect((await storage.memory.getThread('thread-1'))?.updatedAt).toEqual(createTestThread().updatedAt);
    }
  });

  for (const [label, settings] of [['in memory', () => ({ path: ':memory:' })], ['file', () => ({ path: storages.file() })]] as const) {
    it(`a batch failing after 700 of 1,200 messages leaves the previous state (${label})`, async () => {
      const storage = await storages.open(settings());
      await storage.memory.saveThread(createTestThread());
      await storage.memory.saveMessages(messages(10, 'kept'));
      const before = await storage.memory.getThread('thread-1');
      const failure = new Error('serializer exploded');
      const error = await storage.memory
        .saveMessages(messages(1200, 'lost', { index: 700, content: trap(() => { throw failure; }) }))
        .catch((caught: unknown) => caught);
      expect(StorageError.isInstance(error)).toBe(true);
      expect((error as StorageError).cause).toBe(failure);
      expect(await storage.memory.countMessages('thread-1')).toBe(10);
      expect(await storage.memory.getThread('thread-1')).toEqual(before);
      await storage.memory.saveMessages(messages(3, 'after'));
      expect(await storage.memory.countMessages('thread-1')).toBe(13);
    });
  }

  it('an update whose second step result fails writes neither the run nor the first step', async () => {
    const storage = await storages.open();
    await storage.workflows.createRun(createTestRun());
    const step = { runId: 'run-1', iteration: 0, status: 'success' as const, attempt: 1, startedAt: new Date(base), endedAt: new Date(base + 1) };
    await expect(
      storage.workflows.updateRun({
        runId: 'run-1',
        expectedVersion: 0,
        status: 'running',
        snapshot: { context: { changed: true } },
        updatedAt: new Date(base + 5),
        stepResults: [
          { ...step, stepPath: 'a', output: 1 },
          { ...step, stepPath: 'b', output: trap(() => { throw new Error('boom'); }) },
        ],
      }),
    ).rejects.toSatisfy(StorageError.isInstance);
    expect(await storage.workflows.getRun('run-1')).toEqual(createTestRun());
    expect(await storage.workflows.listStepResults('run-1')).toEqual([]);
  });

  it('a span batch failing midway saves none of it', async () => {
    const storage = await storages.open();
    const span = (index: number, attributes: SpanRecord['attributes'] = {}): SpanRecord => ({ traceId: 't', spanId: `s${index}`, name: 'x', kind: 'internal', startTime: index, status: 'ok', attributes });
    const spans = Array.from({ length: 800 }, (_, index) => span(index, index === 600 ? { bad: trap(() => { throw new Error('boom'); }) } : {}));
    await expect(storage.traces.saveSpans(spans)).rejects.toSatisfy(StorageError.isInstance);
    expect(await storage.traces.getTrace('t')).toEqual([]);
  });
});

describe('abort signals', () => {
  it('aborting in the middle of a batch rolls it back and rejects with AbortError', async () => {
    const storage = await storages.open();
    await storage.memory.saveThread(createTestThread());
    const controller = new AbortController();
    const error = await storage.memory
      .saveMessages(messages(1200, 'aborted', { index: 700, content: trap(() => controller.abort(new Error('user left'))) }), { abortSignal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(AbortError.isInstance(error)).toBe(true);
    expect(await storage.memory.countMessages('thread-1')).toBe(0);
  });

  it('a write aborted while it waits in the queue never runs', async () => {
    const storage = await storages.open();
    await storage.memory.saveThread(createTestThread());
    const controller = new AbortController();
    const first = storage.memory.saveMessages(messages(5, 'first'));
    const second = storage.memory.saveMessages(messages(5, 'second'), { abortSignal: controller.signal });
    controller.abort();
    await first;
    await expect(second).rejects.toSatisfy(AbortError.isInstance);
    expect((await storage.memory.listMessages({ threadId: 'thread-1' })).map((message) => message.id.split('-')[0])).toEqual(Array(5).fill('first'));
  });

  it('every store method rejects an already aborted signal', async () => {
    const storage = await storages.open();
    const abortSignal = AbortSignal.abort();
    const calls: Array<Promise<unknown>> = [
      storage.memory.saveThread(createTestThread(), { abortSignal }),
      storage.memory.listThreads({ abortSignal }),
      storage.memory.listMessages({ threadId: 'thread-1', abortSignal }),
      storage.memory.saveMessages(messages(1, 'x'), { abortSignal }),
      storage.memory.countMessages('thread-1', { abortSignal }),
      storage.memory.deleteMessages(['x'], { abortSignal }),
      storage.memory.getResource('r', { abortSignal }),
      storage.workflows.createRun(createTestRun(), { abortSignal }),
      storage.workflows.listRuns({ abortSignal }),
      storage.workflows.updateRun({ runId: 'run-1', expectedVersion: 0, updatedAt: new Date(), abortSignal }),
      storage.workflows.claimExpiredRuns({ owner: 'o', now: new Date(), leaseMs: 1, abortSignal }),
      storage.records.listRecords('t', { abortSignal }),
      storage.records.getRecord('t', 'x', { abortSignal }),
      storage.traces.saveSpans([], { abortSignal }),
      storage.traces.listSpans({ abortSignal }),
      storage.vectors.loadIndex({ indexName: 'i', abortSignal }),
      storage.vectors.upsertDocuments({ indexName: 'i', documents: [], abortSignal }),
    ];
    for (const call of calls) await expect(call).rejects.toSatisfy(AbortError.isInstance);
  });
});

describe('concurrent writers in one process', () => {
  it('many async tasks writing at once all land, without a busy error', async () => {
    const storage = await storages.open({ path: storages.file(), busyTimeoutMs: 0 });
    await storage.memory.saveThread(createTestThread());
    await Promise.all(Array.from({ length: 50 }, (_, task) => storage.memory.saveMessages(messages(20, `task${String(task).padStart(2, '0')}`))));
    expect(await storage.memory.countMessages('thread-1')).toBe(1000);
  });

  it('two storages on one file share one write queue, so even with busyTimeoutMs 0 no write sees SQLITE_BUSY', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file, busyTimeoutMs: 0 });
    const second = await storages.open({ path: file, busyTimeoutMs: 0 });
    await first.memory.saveThread(createTestThread());
    const writes: Array<Promise<void>> = [];
    for (let index = 0; index < 200; index++) {
      const storage = index % 2 === 0 ? first : second;
      writes.push(storage.memory.saveMessages(messages(5, `w${String(index).padStart(3, '0')}`)));
      if (index % 10 === 0) writes.push(storage.workflows.createRun(createTestRun({ runId: `run-${index}` })).then(() => undefined));
    }
    await Promise.all(writes);
    expect(await second.memory.countMessages('thread-1')).toBe(1000);
    expect((await first.workflows.listRuns({})).total).toBe(20);
  });

  it('claimExpiredRuns from two storages on one file never hands a run to both', async () => {
    const file = storages.file();
    const first = await storages.open({ path: file });
    const second = await storages.open({ path: file });
    for (let index = 0; index < 40; index++) await first.workflows.createRun(createTestRun({ runId: `run-${index}`, status: 'running', leaseOwner: 'dead', leaseExpiresAt: new Date(base) }));
    const now = new Date(base + 60_000);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? first : second).workflows.claimExpiredRuns({ owner: `worker-${index}`, now, leaseMs: 30_000, limit: 5 })),
    );
    const claimed = claims.flat().map((run) => run.runId);
    expect(claimed).toHaveLength(40);
    expect(new Set(claimed).size).toBe(40);
  });
});
