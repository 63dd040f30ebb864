import { ConflictError, InMemoryWorkflowStore, NotFoundError, TypeValidationError } from '@mastra-ts/core';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createStep } from './step.ts';
import { createWorkflow } from './workflow.ts';
import { createWorkflowExecutor } from './workflow-executor.ts';

const approval = z.object({ approved: z.boolean(), by: z.string() });

function approvalWorkflow(id = 'approval') {
  const after = vi.fn(async ({ inputData }: { inputData: { approved: boolean; by: string } }) => ({ done: inputData.approved, by: inputData.by }));
  const prepare = createStep({ id: 'prepare', inputSchema: z.object({ amount: z.number() }), outputSchema: z.object({ amount: z.number() }), execute: async ({ inputData }) => inputData });
  const approve = createStep({
    id: 'approve',
    inputSchema: z.object({ amount: z.number() }),
    outputSchema: approval,
    resumeSchema: approval,
    suspendSchema: z.object({ reason: z.string() }),
    execute: async ({ inputData, resumeData, suspend }) => {
      if (resumeData === undefined) return await suspend({ reason: `approve ${inputData.amount}?` });
      return resumeData;
    },
  });
  const finish = createStep({ id: 'finish', inputSchema: approval, outputSchema: z.object({ done: z.boolean(), by: z.string() }), execute: after });
  const workflow = createWorkflow({ id, inputSchema: z.object({ amount: z.number() }), outputSchema: z.object({ done: z.boolean(), by: z.string() }) })
    .then(prepare)
    .then(approve)
    .then(finish)
    .commit();
  return { workflow, after };
}

describe('suspend and resume', () => {
  it('suspends with a validated payload, then resumes with validated resumeData', async () => {
    const { workflow, after } = approvalWorkflow();
    workflow.useExecutor(createWorkflowExecutor());
    const run = workflow.createRun();
    const suspended = await run.start({ inputData: { amount: 42 } });
    expect(suspended.status).toBe('suspended');
    expect(suspended.suspended).toEqual([['approve']]);
    expect(suspended.steps.approve).toMatchObject({ status: 'suspended', suspendPayload: { reason: 'approve 42?' } });
    expect(suspended.suspendPayload).toEqual({ reason: 'approve 42?' });
    expect(after).not.toHaveBeenCalled();
    expect((await workflow.getRunById(run.runId))?.status).toBe('suspended');

    const invalid = await run.resume({ step: 'approve', resumeData: { approved: 'yes' } }).catch((error: unknown) => error);
    expect(TypeValidationError.isInstance(invalid)).toBe(true);
    expect((invalid as Error).message).toContain('resume data of step "approve"');
    expect((await workflow.getRunById(run.runId))?.status).toBe('suspended');

    const resumed = await run.resume({ step: 'approve', resumeData: { approved: true, by: 'ada' } });
    expect(resumed.status).toBe('success');
    expect(resumed.result).toEqual({ done: true, by: 'ada' });
    expect(resumed.steps.approve).toMatchObject({ status: 'success', resumePayload: { approved: true, by: 'ada' }, suspendPayload: { reason: 'approve 42?' } });
    expect(resumed.steps.prepare).toMatchObject({ status: 'success', output: { amount: 42 } });
    expect(after).toHaveBeenCalledTimes(1);
  });

  it('an invalid suspend payload fails the step', async () => {
    const step = createStep({ id: 'bad-suspend', inputSchema: z.any(), outputSchema: z.any(), suspendSchema: z.object({ reason: z.string() }), execute: async ({ suspend }) => await suspend({ reason: 1 } as never) });
    const result = await createWorkflow({ id: 'bad-suspend-wf' }).then(step).commit().createRun().start({ inputData: {} });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toContain('step "bad-suspend" suspend payload');
  });

  it('two concurrent resumes: exactly one proceeds, the other gets ConflictError; the next step runs once', async () => {
    const { workflow, after } = approvalWorkflow('double');
    workflow.useExecutor(createWorkflowExecutor());
    const run = workflow.createRun();
    await run.start({ inputData: { amount: 1 } });
    const other = workflow.createRun({ runId: run.runId });
    const outcomes = await Promise.allSettled([
      run.resume({ step: 'approve', resumeData: { approved: true, by: 'first' } }),
      other.resume({ step: 'approve', resumeData: { approved: true, by: 'second' } }),
    ]);
    const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(ConflictError.isInstance((rejected[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(after).toHaveBeenCalledTimes(1);
    // resuming a finished run is refused too
    await expect(run.resume({ step: 'approve', resumeData: { approved: true, by: 'late' } })).rejects.toSatisfy(ConflictError.isInstance);
  });

  it('a run suspended by one executor is resumed by another on the same store (another process)', async () => {
    const store = new InMemoryWorkflowStore();
    const first = approvalWorkflow('cross');
    const runId = 'cross-run';
    first.workflow.useExecutor(createWorkflowExecutor({ store, owner: 'process-a' }));
    expect((await first.workflow.createRun({ runId }).start({ inputData: { amount: 7 } })).status).toBe('suspended');
    const second = approvalWorkflow('cross');
    second.workflow.useExecutor(createWorkflowExecutor({ store, owner: 'process-b' }));
    const result = await second.workflow.createRun({ runId }).resume({ resumeData: { approved: false, by: 'bob' } });
    expect(result.status).toBe('success');
    expect(result.result).toEqual({ done: false, by: 'bob' });
    expect(first.after).not.toHaveBeenCalled();
    expect(second.after).toHaveBeenCalledTimes(1);
    expect(result.steps.prepare!.output).toEqual({ amount: 7 });
  });

  it('resume of an unknown step names the suspended ones', async () => {
    const { workflow } = approvalWorkflow('unknown-step');
    const run = workflow.createRun();
    await run.start({ inputData: { amount: 1 } });
    const error = await run.resume({ step: 'nope', resumeData: {} }).catch((caught: unknown) => caught);
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('suspended steps are "approve"');
  });

  it('parallel suspensions: each resumes separately; the run finishes after the last', async () => {
    const gate = (id: string) =>
      createStep({ id, inputSchema: z.any(), outputSchema: z.string(), resumeSchema: z.string(), execute: async ({ resumeData, suspend }) => resumeData ?? (await suspend({ id })) });
    const workflow = createWorkflow({ id: 'two-gates' }).parallel([gate('left'), gate('right')]).commit();
    const run = workflow.createRun();
    const first = await run.start({ inputData: {} });
    expect(first.suspended).toEqual([['left'], ['right']]);
    await expect(run.resume({ resumeData: 'x' })).rejects.toSatisfy(TypeValidationError.isInstance);
    const second = await run.resume({ step: 'right', resumeData: 'R' });
    expect(second.status).toBe('suspended');
    expect(second.suspended).toEqual([['left']]);
    const third = await run.resume({ step: 'left', resumeData: 'L' });
    expect(third.status).toBe('success');
    expect(third.result).toEqual({ left: 'L', right: 'R' });
  });

  it('a step suspended inside a nested workflow resumes by path', async () => {
    const gate = createStep({ id: 'gate', inputSchema: z.any(), outputSchema: z.object({ ok: z.boolean() }), resumeSchema: z.object({ ok: z.boolean() }), execute: async ({ resumeData, suspend }) => resumeData ?? (await suspend({})) });
    const inner = createWorkflow({ id: 'inner-gate', outputSchema: z.object({ ok: z.boolean() }) }).then(gate).commit();
    const outer = createWorkflow({ id: 'outer-gate' }).then(inner).commit();
    const run = outer.createRun();
    const suspended = await run.start({ inputData: {} });
    expect(suspended.suspended).toEqual([['inner-gate', 'gate']]);
    expect(suspended.steps['inner-gate']!.status).toBe('suspended');
    const done = await run.resume({ step: ['inner-gate', 'gate'], resumeData: { ok: true } });
    expect(done.status).toBe('success');
    expect(done.result).toEqual({ ok: true });
  });

  it('foreach items suspend and resume by forEachIndex', async () => {
    const check = createStep({
      id: 'check',
      inputSchema: z.number(),
      outputSchema: z.number(),
      resumeSchema: z.number(),
      execute: async ({ inputData, resumeData, suspend }) => (inputData % 2 === 0 ? inputData : (resumeData ?? (await suspend({ item: inputData })))),
    });
    const workflow = createWorkflow({ id: 'each-gate', inputSchema: z.array(z.number()) }).foreach(check, { concurrency: 3 }).commit();
    const run = workflow.createRun();
    expect((await run.start({ inputData: [1, 2, 3] })).status).toBe('suspended');
    expect((await run.resume({ step: 'check', forEachIndex: 2, resumeData: 30 })).status).toBe('suspended');
    const done = await run.resume({ step: 'check', forEachIndex: 0, resumeData: 10 });
    expect(done.result).toEqual([10, 2, 30]);
  });

  it('dependsOn form: a suspended branch holds only its dependents; resume finishes the graph', async () => {
    const calls: string[] = [];
    const step = (id: string, dependsOn: string[], gate = false) =>
      createStep({
        id,
        dependsOn,
        inputSchema: z.any(),
        outputSchema: z.any(),
        resumeSchema: z.string(),
        execute: async ({ resumeData, suspend }) => {
          calls.push(id);
          if (gate && resumeData === undefined) return await suspend({});
          return resumeData ?? id;
        },
      });
    const workflow = createWorkflow({ id: 'dag-gate', steps: [step('root', []), step('left', ['root']), step('right', ['root'], true), step('join', ['left', 'right'])] });
    const run = workflow.createRun();
    const first = await run.start({ inputData: {} });
    expect(first.status).toBe('suspended');
    expect(first.suspended).toEqual([['right']]);
    expect(calls.sort()).toEqual(['left', 'right', 'root']);
    const done = await run.resume({ step: 'right', resumeData: 'R' });
    expect(done.result).toBe('join');
    expect(done.steps.join).toMatchObject({ status: 'success', payload: { left: 'left', right: 'R' } });
    expect(calls.filter((id) => id === 'left')).toHaveLength(1);
  });
});
