import type { WorkflowRunRecord, WorkflowStore } from '@mastra-ts/core';
import { ConflictError } from '@mastra-ts/core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoreFactory } from './describe-memory-store.ts';

const base = Date.UTC(2026, 0, 1);
const at = (seconds: number): Date => new Date(base + seconds * 1000);

/** A run for tests. */
export function createTestRun(overrides: Partial<WorkflowRunRecord> = {}): WorkflowRunRecord {
  return { runId: 'run-1', workflowId: 'wf', status: 'pending', snapshot: { context: {} }, version: 0, createdAt: at(0), updatedAt: at(0), ...overrides };
}

/** The `WorkflowStore` conformance suite. */
export function describeWorkflowStore(name: string, factory: StoreFactory<WorkflowStore>): void {
  describe(`WorkflowStore conformance: ${name}`, () => {
    let store: WorkflowStore;
    beforeEach(async () => {
      store = await factory();
    });

    it('creates and reads a run; a duplicate id conflicts', async () => {
      const run = createTestRun({ resourceId: 'user-1' });
      await store.createRun(run);
      expect(await store.getRun('run-1')).toEqual(run);
      expect(await store.getRun('missing')).toBeNull();
      await expect(store.createRun(run)).rejects.toSatisfy(ConflictError.isInstance);
    });

    it('updates with optimistic concurrency and records step results in the same write', async () => {
      await store.createRun(createTestRun());
      const updated = await store.updateRun({
        runId: 'run-1',
        expectedVersion: 0,
        status: 'running',
        snapshot: { context: { a: 1 } },
        updatedAt: at(2),
        stepResults: [{ runId: 'run-1', stepPath: 'a', iteration: 0, status: 'success', output: { value: 1 }, attempt: 1, startedAt: at(1), endedAt: at(2) }],
      });
      expect(updated.version).toBe(1);
      expect(updated.status).toBe('running');
      expect(updated.snapshot).toEqual({ context: { a: 1 } });
      expect(await store.listStepResults('run-1')).toEqual([
        { runId: 'run-1', stepPath: 'a', iteration: 0, status: 'success', output: { value: 1 }, attempt: 1, startedAt: at(1), endedAt: at(2) },
      ]);
      await expect(store.updateRun({ runId: 'run-1', expectedVersion: 0, status: 'success', updatedAt: at(3) })).rejects.toSatisfy(ConflictError.isInstance);
      const run = await store.getRun('run-1');
      expect(run?.status).toBe('running');
      expect(run?.version).toBe(1);
    });

    it('a conflicting update writes none of its step results', async () => {
      await store.createRun(createTestRun());
      await store.updateRun({ runId: 'run-1', expectedVersion: 0, status: 'running', updatedAt: at(1) });
      await expect(
        store.updateRun({
          runId: 'run-1',
          expectedVersion: 0,
          updatedAt: at(2),
          stepResults: [{ runId: 'run-1', stepPath: 'b', iteration: 0, status: 'success', output: 1, attempt: 1, startedAt: at(1), endedAt: at(2) }],
        }),
      ).rejects.toSatisfy(ConflictError.isInstance);
      expect(await store.listStepResults('run-1')).toEqual([]);
    });

    it('only one of two concurrent updates from the same version wins', async () => {
      await store.createRun(createTestRun({ status: 'suspended' }));
      const results = await Promise.allSettled([
        store.updateRun({ runId: 'run-1', expectedVersion: 0, status: 'running', updatedAt: at(1) }),
        store.updateRun({ runId: 'run-1', expectedVersion: 0, status: 'running', updatedAt: at(1) }),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    });

    it('a step result is replaced by (stepPath, iteration)', async () => {
      await store.createRun(createTestRun());
      const step = { runId: 'run-1', stepPath: 'a', iteration: 0, status: 'failed' as const, error: { message: 'x' }, attempt: 1, startedAt: at(1), endedAt: at(2) };
      await store.updateRun({ runId: 'run-1', expectedVersion: 0, updatedAt: at(2), stepResults: [step] });
      await store.updateRun({ runId: 'run-1', expectedVersion: 1, updatedAt: at(3), stepResults: [{ ...step, status: 'success', error: undefined, output: 2, attempt: 2 }] });
      const steps = await store.listStepResults('run-1');
      expect(steps).toHaveLength(1);
      expect(steps[0]).toMatchObject({ status: 'success', output: 2, attempt: 2 });
    });

    it('sets and releases leases', async () => {
      await store.createRun(createTestRun());
      const leased = await store.updateRun({ runId: 'run-1', expectedVersion: 0, status: 'running', lease: { owner: 'p1', expiresAt: at(30) }, updatedAt: at(1) });
      expect(leased.leaseOwner).toBe('p1');
      expect(leased.leaseExpiresAt).toEqual(at(30));
      const released = await store.updateRun({ runId: 'run-1', expectedVersion: 1, lease: null, updatedAt: at(2) });
      expect(released.leaseOwner).toBeUndefined();
      expect(released.leaseExpiresAt).toBeUndefined();
    });

    it('claims running runs whose lease expired, once', async () => {
      await store.createRun(createTestRun({ runId: 'expired', status: 'running', leaseOwner: 'dead', leaseExpiresAt: at(10) }));
      await store.createRun(createTestRun({ runId: 'alive', status: 'running', leaseOwner: 'p2', leaseExpiresAt: at(100) }));
      await store.createRun(createTestRun({ runId: 'done', status: 'success' }));
      const claimed = await store.claimExpiredRuns({ owner: 'p3', now: at(50), leaseMs: 30_000 });
      expect(claimed.map((run) => run.runId)).toEqual(['expired']);
      expect(claimed[0]?.leaseOwner).toBe('p3');
      expect(claimed[0]?.leaseExpiresAt).toEqual(at(80));
      expect(await store.claimExpiredRuns({ owner: 'p4', now: at(51), leaseMs: 30_000 })).toEqual([]);
      const [first, second] = await Promise.all([
        store.claimExpiredRuns({ owner: 'p5', now: at(200), leaseMs: 1000 }),
        store.claimExpiredRuns({ owner: 'p6', now: at(200), leaseMs: 1000 }),
      ]);
      expect([...first!, ...second!].map((run) => run.runId).sort()).toEqual(['alive', 'expired']);
    });

    it('lists runs by workflow and status, newest first, with total', async () => {
      await store.createRun(createTestRun({ runId: 'r1', createdAt: at(1) }));
      await store.createRun(createTestRun({ runId: 'r2', createdAt: at(2), status: 'success' }));
      await store.createRun(createTestRun({ runId: 'r3', createdAt: at(3), workflowId: 'other' }));
      const all = await store.listRuns({ workflowId: 'wf' });
      expect(all.runs.map((run) => run.runId)).toEqual(['r2', 'r1']);
      expect(all.total).toBe(2);
      expect((await store.listRuns({ status: 'success' })).runs.map((run) => run.runId)).toEqual(['r2']);
      expect((await store.listRuns({ limit: 1, offset: 1 })).runs.map((run) => run.runId)).toEqual(['r2']);
    });

    it('deletes a run with its step results', async () => {
      await store.createRun(createTestRun());
      await store.updateRun({ runId: 'run-1', expectedVersion: 0, updatedAt: at(1), stepResults: [{ runId: 'run-1', stepPath: 'a', iteration: 0, status: 'success', attempt: 1, startedAt: at(0), endedAt: at(1) }] });
      expect(await store.deleteRun('run-1')).toBe(true);
      expect(await store.getRun('run-1')).toBeNull();
      expect(await store.listStepResults('run-1')).toEqual([]);
    });
  });
}
