import { AbortError, InMemoryWorkflowStore } from '@mastra-ts/core';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createStep } from './step.ts';
import { createWorkflow } from './workflow.ts';
import { createWorkflowExecutor } from './workflow-executor.ts';

describe('retries', () => {
  it('retries a failing step with exponential backoff, keeping the idempotency key; attempt counts up', async () => {
    vi.useFakeTimers();
    try {
      const seen: Array<{ attempt: number; key: string; at: number }> = [];
      const start = Date.now();
      const flaky = createStep({
        id: 'flaky',
        inputSchema: z.any(),
        outputSchema: z.string(),
        retries: 3,
        execute: async ({ attempt, idempotencyKey }) => {
          seen.push({ attempt, key: idempotencyKey, at: Date.now() - start });
          if (attempt < 2) throw new Error(`boom ${attempt}`);
          return 'ok';
        },
      });
      const workflow = createWorkflow({ id: 'retrying', retryConfig: { delay: 100 } }).then(flaky).commit();
      const pending = workflow.createRun({ runId: 'r' }).start({ inputData: {} });
      await vi.advanceTimersByTimeAsync(99);
      expect(seen).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(seen).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(200);
      const result = await pending;
      expect(result.status).toBe('success');
      expect(seen).toEqual([
        { attempt: 0, key: 'r:flaky:0', at: 0 },
        { attempt: 1, key: 'r:flaky:0', at: 100 },
        { attempt: 2, key: 'r:flaky:0', at: 300 },
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails the run with the step error after the last retry; workflow retryConfig.attempts is the default', async () => {
    let calls = 0;
    const broken = createStep({
      id: 'broken',
      inputSchema: z.any(),
      outputSchema: z.any(),
      execute: async () => {
        calls++;
        throw new Error('always');
      },
    });
    const store = new InMemoryWorkflowStore();
    const workflow = createWorkflow({ id: 'failing', retryConfig: { attempts: 2 } }).then(broken).commit().useExecutor(createWorkflowExecutor({ store }));
    const result = await workflow.createRun({ runId: 'f' }).start({ inputData: {} });
    expect(calls).toBe(3);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe('always');
    expect(result.steps.broken).toMatchObject({ status: 'failed' });
    const stored = await workflow.getRunById('f');
    expect(stored).toMatchObject({ status: 'failed', error: { message: 'always' } });
    expect(stored?.steps.broken).toMatchObject({ status: 'failed', error: { message: 'always' } });
    expect((await store.getRun('f'))?.leaseOwner).toBeUndefined();
  });
});

describe('timeouts', () => {
  it('aborts a step that exceeds timeoutMs through its abortSignal and fails the run naming the step', async () => {
    vi.useFakeTimers();
    try {
      let sawAbort = false;
      const slow = createStep({
        id: 'slow',
        inputSchema: z.any(),
        outputSchema: z.any(),
        timeoutMs: 1_000,
        execute: async ({ abortSignal }) => {
          abortSignal.addEventListener('abort', () => (sawAbort = true));
          await new Promise(() => undefined);
        },
      });
      const pending = createWorkflow({ id: 'timeout' }).then(slow).commit().createRun().start({ inputData: {} });
      await vi.advanceTimersByTimeAsync(1_000);
      const result = await pending;
      expect(sawAbort).toBe(true);
      expect(result.status).toBe('failed');
      expect(AbortError.isInstance(result.error)).toBe(true);
      expect(result.error?.message).toBe('step "slow" timed out after 1000 ms: raise its timeoutMs or make it faster');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a timed-out attempt is retried', async () => {
    vi.useFakeTimers();
    try {
      const attempts: number[] = [];
      const sometimesSlow = createStep({
        id: 'sometimes-slow',
        inputSchema: z.any(),
        outputSchema: z.string(),
        timeoutMs: 500,
        retries: 1,
        execute: async ({ attempt }) => {
          attempts.push(attempt);
          if (attempt === 0) await new Promise(() => undefined);
          return 'fast';
        },
      });
      const pending = createWorkflow({ id: 'timeout-retry' }).then(sometimesSlow).commit().createRun().start({ inputData: {} });
      await vi.advanceTimersByTimeAsync(500);
      expect((await pending).result).toBe('fast');
      expect(attempts).toEqual([0, 1]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('cancel', () => {
  it('cancel aborts running steps, skips the rest and ends the run canceled', async () => {
    let aborted = false;
    let started = false;
    const never = vi.fn(async () => 1);
    const blocking = createStep({
      id: 'blocking',
      inputSchema: z.any(),
      outputSchema: z.any(),
      execute: async ({ abortSignal }) => {
        started = true;
        await new Promise<void>((_, reject) => abortSignal.addEventListener('abort', () => ((aborted = true), reject(abortSignal.reason))));
      },
    });
    const store = new InMemoryWorkflowStore();
    const workflow = createWorkflow({ id: 'cancelable' })
      .then(blocking)
      .then(createStep({ id: 'later', inputSchema: z.any(), outputSchema: z.any(), execute: never }))
      .commit()
      .useExecutor(createWorkflowExecutor({ store }));
    const run = workflow.createRun({ runId: 'c' });
    const pending = run.start({ inputData: {} });
    await vi.waitFor(() => expect(started).toBe(true));
    await run.cancel();
    const result = await pending;
    expect(result.status).toBe('canceled');
    expect(aborted).toBe(true);
    expect(never).not.toHaveBeenCalled();
    expect(result.steps.blocking!.status).toBe('canceled');
    expect((await store.getRun('c'))?.status).toBe('canceled');
  });

  it('a step that ignores its abortSignal does not hold the run: cancel still ends it', async () => {
    let started = false;
    const stubborn = createStep({ id: 'stubborn', inputSchema: z.any(), outputSchema: z.any(), execute: async () => ((started = true), await new Promise(() => undefined)) });
    const run = createWorkflow({ id: 'stubborn-wf' }).then(stubborn).commit().createRun();
    const pending = run.start({ inputData: {} });
    await vi.waitFor(() => expect(started).toBe(true));
    await run.cancel();
    expect((await pending).status).toBe('canceled');
  });

  it('cancel of a suspended run marks it canceled in the store; it cannot be resumed after', async () => {
    const gate = createStep({ id: 'gate', inputSchema: z.any(), outputSchema: z.any(), execute: async ({ suspend }) => await suspend({}) });
    const workflow = createWorkflow({ id: 'cancel-suspended' }).then(gate).commit();
    const run = workflow.createRun();
    expect((await run.start({ inputData: {} })).status).toBe('suspended');
    await run.cancel();
    expect((await workflow.getRunById(run.runId))?.status).toBe('canceled');
    await expect(run.resume({ resumeData: {} })).rejects.toThrow(/is canceled, not suspended/);
  });

  it('a run canceled in the store by another process stops at its next commit and reports canceled', async () => {
    const store = new InMemoryWorkflowStore();
    let release: (() => void) | undefined;
    const next = vi.fn(async () => 2);
    const workflow = createWorkflow({ id: 'remote-cancel' })
      .then(createStep({ id: 'wait', inputSchema: z.any(), outputSchema: z.any(), execute: async () => (await new Promise<void>((resolve) => (release = resolve)), 1) }))
      .then(createStep({ id: 'next', inputSchema: z.any(), outputSchema: z.any(), execute: next }))
      .commit();
    const pending = workflow.useExecutor(createWorkflowExecutor({ store, owner: 'a' })).createRun({ runId: 'rc' }).start({ inputData: {} });
    await vi.waitFor(() => expect(release).toBeDefined());
    await workflow.useExecutor(createWorkflowExecutor({ store, owner: 'b' })).createRun({ runId: 'rc' }).cancel();
    release!();
    expect((await pending).status).toBe('canceled');
    expect(next).not.toHaveBeenCalled();
  });

  it('aborting the abortSignal given to start cancels the run', async () => {
    let started = false;
    const wait = createStep({ id: 'wait', inputSchema: z.any(), outputSchema: z.any(), execute: async ({ abortSignal }) => ((started = true), await new Promise((_, reject) => abortSignal.addEventListener('abort', () => reject(abortSignal.reason)))) });
    const controller = new AbortController();
    const pending = createWorkflow({ id: 'signal-cancel' }).then(wait).commit().createRun().start({ inputData: {}, abortSignal: controller.signal });
    await vi.waitFor(() => expect(started).toBe(true));
    controller.abort();
    expect((await pending).status).toBe('canceled');
  });
});
