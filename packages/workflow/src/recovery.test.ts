import { AbortError, ConflictError, InMemoryWorkflowStore } from '@mastra-ts/core';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createStep } from './step.ts';
import { createWorkflow } from './workflow.ts';
import { createWorkflowExecutor } from './workflow-executor.ts';

const num = z.object({ n: z.number() });
const base = Date.UTC(2030, 0, 1);

/** A workflow whose step `c` hangs forever while `hang.value` is true; every execution is logged. */
function hangingWorkflow(log: Array<{ step: string; key: string; attempt: number }>, hang: { value: boolean }) {
  const step = (id: string) =>
    createStep({
      id,
      inputSchema: num,
      outputSchema: num,
      execute: async ({ inputData, idempotencyKey, attempt }) => {
        log.push({ step: id, key: idempotencyKey, attempt });
        if (id === 'c' && hang.value) await new Promise(() => undefined);
        return { n: inputData.n + 1 };
      },
    });
  return createWorkflow({ id: 'crashy', inputSchema: num, outputSchema: num }).then(step('a')).then(step('b')).then(step('c')).then(step('d')).commit();
}

describe('crash recovery', () => {
  it('a new executor reclaims an expired lease: completed steps are not re-run, the interrupted one re-runs with the same idempotency key', async () => {
    const store = new InMemoryWorkflowStore();
    const log: Array<{ step: string; key: string; attempt: number }> = [];
    const hang = { value: true };
    const workflow = hangingWorkflow(log, hang);
    const crashed = createWorkflowExecutor({ store, owner: 'crashed', leaseMs: 10_000, now: () => base });
    const run = workflow.useExecutor(crashed).createRun({ runId: 'run-1' });
    const abandoned = run.start({ inputData: { n: 0 } });
    abandoned.catch(() => undefined);
    await vi.waitFor(() => expect(log.map((entry) => entry.step)).toEqual(['a', 'b', 'c']));

    const tooEarly = createWorkflowExecutor({ store, owner: 'early', leaseMs: 10_000, now: () => base + 5_000, workflows: [workflow] });
    expect(await tooEarly.recoverRuns()).toEqual([]);

    hang.value = false;
    const recovering = createWorkflowExecutor({ store, owner: 'recovering', leaseMs: 10_000, now: () => base + 10_001, workflows: [workflow] });
    const events: string[] = [];
    const recovered = await recovering.recoverRuns({ onEvent: (event) => events.push(`${event.type}${typeof event.payload.id === 'string' ? `:${event.payload.id}` : ''}`) });
    expect(recovered.map((entry) => entry.runId)).toEqual(['run-1']);
    const result = await recovered[0]!.result;
    expect(result.status).toBe('success');
    expect(result.result).toEqual({ n: 4 });
    expect(log.map((entry) => entry.step)).toEqual(['a', 'b', 'c', 'c', 'd']);
    const cKeys = log.filter((entry) => entry.step === 'c').map((entry) => entry.key);
    expect(cKeys).toEqual(['run-1:c:0', 'run-1:c:0']);
    expect(result.steps.a).toMatchObject({ status: 'success', output: { n: 1 } });
    const stored = await store.listStepResults('run-1');
    expect(stored.map((step) => step.stepPath).sort()).toEqual(['a', 'b', 'c', 'd']);
    const record = await store.getRun('run-1');
    expect(record).toMatchObject({ status: 'success', leaseOwner: undefined });
    expect(events).toEqual(['workflow-start', 'workflow-step-start:c', 'workflow-step-result:c', 'workflow-step-start:d', 'workflow-step-result:d', 'workflow-finish']);
    expect((await workflow.listWorkflowRuns({ status: 'success' })).runs.map((run) => run.runId)).toEqual(['run-1']);
  });

  it('the executor that lost its lease is fenced: its late commit is refused and its run stops', async () => {
    const store = new InMemoryWorkflowStore();
    let release: (() => void) | undefined;
    const executions: string[] = [];
    const slow = createStep({
      id: 'slow',
      inputSchema: num,
      outputSchema: num,
      execute: async ({ inputData }) => {
        executions.push('slow');
        if (release === undefined) await new Promise<void>((resolve) => (release = resolve));
        return inputData;
      },
    });
    const next = createStep({ id: 'next', inputSchema: num, outputSchema: num, execute: async ({ inputData }) => (executions.push('next'), inputData) });
    const workflow = createWorkflow({ id: 'fenced', inputSchema: num, outputSchema: num }).then(slow).then(next).commit();
    const stale = createWorkflowExecutor({ store, owner: 'stale', leaseMs: 1_000, now: () => base });
    const staleRun = workflow.useExecutor(stale).createRun({ runId: 'fenced-run' }).start({ inputData: { n: 1 } });
    await vi.waitFor(() => expect(release).toBeDefined());
    const fresh = createWorkflowExecutor({ store, owner: 'fresh', leaseMs: 1_000, now: () => base + 5_000, workflows: [workflow] });
    const [recovered] = await fresh.recoverRuns();
    expect((await recovered!.result).status).toBe('success');
    release!();
    await expect(staleRun).rejects.toSatisfy(ConflictError.isInstance);
    expect(executions).toEqual(['slow', 'slow', 'next']);
    expect((await store.getRun('fenced-run'))?.status).toBe('success');
  });

  it('recovery replays loop decisions and foreach progress without re-running finished iterations', async () => {
    const store = new InMemoryWorkflowStore();
    const calls: string[] = [];
    let hang = true;
    const inc = createStep({
      id: 'inc',
      inputSchema: num,
      outputSchema: num,
      execute: async ({ inputData, iteration }) => {
        calls.push(`inc${iteration}`);
        return { n: inputData.n + 1 };
      },
    });
    const item = createStep({
      id: 'item',
      inputSchema: z.number(),
      outputSchema: z.number(),
      execute: async ({ inputData, iteration }) => {
        calls.push(`item${iteration}`);
        if (iteration === 2 && hang) await new Promise(() => undefined);
        return inputData * 10;
      },
    });
    const workflow = createWorkflow({ id: 'loops', inputSchema: num })
      .dountil(inc, async ({ inputData }) => inputData.n >= 3)
      .map(async ({ inputData }) => [inputData.n, inputData.n + 1, inputData.n + 2])
      .foreach(item)
      .commit();
    const crashed = createWorkflowExecutor({ store, owner: 'crashed', leaseMs: 1_000, now: () => base });
    workflow.useExecutor(crashed).createRun({ runId: 'loop-run' }).start({ inputData: { n: 0 } }).catch(() => undefined);
    await vi.waitFor(() => expect(calls).toContain('item2'));
    hang = false;
    const [recovered] = await createWorkflowExecutor({ store, owner: 'new', leaseMs: 1_000, now: () => base + 2_000, workflows: [workflow] }).recoverRuns();
    const result = await recovered!.result;
    expect(result.result).toEqual([30, 40, 50]);
    expect(calls).toEqual(['inc0', 'inc1', 'inc2', 'item0', 'item1', 'item2', 'item2']);
  });

  it('a durable sleep survives the executor: the recovered run sleeps only the remainder', async () => {
    vi.useFakeTimers({ now: base });
    try {
      const store = new InMemoryWorkflowStore();
      const after = vi.fn(async ({ inputData }: { inputData: { n: number } }) => inputData);
      const workflow = createWorkflow({ id: 'nap', inputSchema: num, outputSchema: num })
        .sleep(60_000)
        .then(createStep({ id: 'after', inputSchema: num, outputSchema: num, execute: after }))
        .commit();
      const first = createWorkflowExecutor({ store, owner: 'first', leaseMs: 10_000 });
      workflow.useExecutor(first).createRun({ runId: 'nap-run' }).start({ inputData: { n: 1 } }).catch(() => undefined);
      await vi.advanceTimersByTimeAsync(0);
      expect((await store.getRun('nap-run'))?.snapshot).toMatchObject({ sleeps: { 'sleep_0#0': base + 60_000 } });
      await first.dispose();
      await vi.advanceTimersByTimeAsync(20_000);
      const second = createWorkflowExecutor({ store, owner: 'second', leaseMs: 10_000, workflows: [workflow] });
      const [recovered] = await second.recoverRuns();
      let done = false;
      recovered!.result.finally(() => (done = true)).catch(() => undefined);
      await vi.advanceTimersByTimeAsync(39_999);
      expect(done).toBe(false);
      expect(after).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect((await recovered!.result).status).toBe('success');
      expect(after).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('dispose releases leases at once and rejects the stopped runs with AbortError', async () => {
    const store = new InMemoryWorkflowStore();
    const log: Array<{ step: string; key: string; attempt: number }> = [];
    const hang = { value: true };
    const workflow = hangingWorkflow(log, hang);
    const executor = createWorkflowExecutor({ store, owner: 'shutting-down', leaseMs: 60_000, now: () => base });
    const pending = workflow.useExecutor(executor).createRun({ runId: 'disposed' }).start({ inputData: { n: 0 } });
    await vi.waitFor(() => expect(log).toHaveLength(3));
    await executor.dispose();
    await expect(pending).rejects.toSatisfy(AbortError.isInstance);
    expect((await store.getRun('disposed'))?.leaseExpiresAt).toBeUndefined();
    hang.value = false;
    const [recovered] = await createWorkflowExecutor({ store, owner: 'next', now: () => base, workflows: [workflow] }).recoverRuns();
    expect((await recovered!.result).result).toEqual({ n: 4 });
  });

  it('the lease is renewed while a long step runs, so a healthy run is not reclaimed', async () => {
    vi.useFakeTimers({ now: base });
    try {
      const store = new InMemoryWorkflowStore();
      let release: (() => void) | undefined;
      const long = createStep({ id: 'long', inputSchema: num, outputSchema: num, execute: async ({ inputData }) => (await new Promise<void>((resolve) => (release = resolve)), inputData) });
      const workflow = createWorkflow({ id: 'long-wf', inputSchema: num, outputSchema: num }).then(long).commit();
      const executor = createWorkflowExecutor({ store, owner: 'healthy', leaseMs: 3_000 });
      const pending = workflow.useExecutor(executor).createRun({ runId: 'long-run' }).start({ inputData: { n: 1 } });
      await vi.advanceTimersByTimeAsync(10_000);
      const record = await store.getRun('long-run');
      expect(record?.leaseOwner).toBe('healthy');
      expect(record!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now());
      expect(await createWorkflowExecutor({ store, owner: 'thief', leaseMs: 3_000, workflows: [workflow] }).recoverRuns()).toEqual([]);
      release!();
      expect((await pending).status).toBe('success');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a recovered run gets back the JSON-safe part of its request context', async () => {
    const { RequestContext } = await import('@mastra-ts/core');
    const store = new InMemoryWorkflowStore();
    const seen: unknown[] = [];
    let hang = true;
    const reader = createStep({
      id: 'reader',
      inputSchema: z.any(),
      outputSchema: z.any(),
      execute: async ({ requestContext }) => {
        seen.push(requestContext.get('user'), typeof requestContext.get('callback'));
        if (hang) await new Promise(() => undefined);
        return 1;
      },
    });
    const workflow = createWorkflow({ id: 'context-recovery' }).then(reader).commit();
    const context = new RequestContext({ user: 'u-7', callback: () => 1 });
    workflow.useExecutor(createWorkflowExecutor({ store, owner: 'a', leaseMs: 1_000, now: () => base })).createRun({ runId: 'ctx' }).start({ inputData: {}, requestContext: context }).catch(() => undefined);
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    hang = false;
    const [recovered] = await createWorkflowExecutor({ store, owner: 'b', leaseMs: 1_000, now: () => base + 5_000, workflows: [workflow] }).recoverRuns();
    expect((await recovered!.result).status).toBe('success');
    expect(seen).toEqual(['u-7', 'function', 'u-7', 'undefined']);
  });

  it('an executor that reclaims its own lapsed run stops the old execution before replaying', async () => {
    const store = new InMemoryWorkflowStore();
    const log: Array<{ step: string; key: string; attempt: number }> = [];
    const hang = { value: true };
    const workflow = hangingWorkflow(log, hang);
    let now = base;
    const executor = createWorkflowExecutor({ store, owner: 'self', leaseMs: 1_000, now: () => now, workflows: [workflow] });
    const first = workflow.useExecutor(executor).createRun({ runId: 'lapsed' }).start({ inputData: { n: 0 } });
    await vi.waitFor(() => expect(log).toHaveLength(3));
    hang.value = false;
    now += 1_001;
    const [again] = await executor.recoverRuns();
    await expect(first).rejects.toSatisfy(ConflictError.isInstance);
    expect((await again!.result).result).toEqual({ n: 4 });
    expect(log.map((entry) => entry.step)).toEqual(['a', 'b', 'c', 'c', 'd']);
  });
});
