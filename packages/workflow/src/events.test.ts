import { collectAsyncIterable } from '@mastra-ts/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { WorkflowStreamEvent } from './events.ts';
import { createStep } from './step.ts';
import { createWorkflow } from './workflow.ts';

const num = z.object({ n: z.number() });
const add = (id: string) => createStep({ id, inputSchema: num, outputSchema: num, execute: async ({ inputData }) => ({ n: inputData.n + 1 }) });
const summary = (events: WorkflowStreamEvent[]) => events.map((event) => `${event.type}${typeof event.payload.id === 'string' ? `:${event.payload.id}` : ''}`);

describe('run events', () => {
  it('run.stream() yields events in order, ending with workflow-finish, and resolves the result', async () => {
    const workflow = createWorkflow({ id: 'streamed', inputSchema: num, outputSchema: num }).then(add('a')).then(add('b')).commit();
    const run = workflow.createRun({ runId: 'stream-run' });
    const output = run.stream({ inputData: { n: 0 } });
    const events = await collectAsyncIterable(output.fullStream);
    expect(summary(events)).toEqual([
      'workflow-start',
      'workflow-step-start:a',
      'workflow-step-result:a',
      'workflow-step-start:b',
      'workflow-step-result:b',
      'workflow-finish',
    ]);
    expect(events.every((event) => event.runId === 'stream-run' && event.from === 'WORKFLOW')).toBe(true);
    expect(events[0]!.payload).toEqual({ workflowId: 'streamed' });
    expect(events[2]!.payload).toMatchObject({ id: 'a', status: 'success', payload: { n: 0 }, output: { n: 1 } });
    expect(events[5]!.payload).toMatchObject({ workflowStatus: 'success', output: { usage: { totalTokens: 0 } } });
    expect((await output.result).result).toEqual({ n: 2 });
  });

  it('suspension emits workflow-step-suspended; resumeStream continues the same run', async () => {
    const gate = createStep({ id: 'gate', inputSchema: num, outputSchema: num, resumeSchema: num, execute: async ({ resumeData, suspend }) => resumeData ?? (await suspend({ why: 'wait' })) });
    const workflow = createWorkflow({ id: 'streamed-gate', inputSchema: num }).then(gate).then(add('after')).commit();
    const run = workflow.createRun();
    const first = [] as WorkflowStreamEvent[];
    for await (const event of run.stream({ inputData: { n: 0 } })) first.push(event);
    expect(summary(first)).toEqual(['workflow-start', 'workflow-step-start:gate', 'workflow-step-suspended:gate', 'workflow-step-result:gate', 'workflow-finish']);
    expect(first[2]!.payload).toMatchObject({ suspendPayload: { why: 'wait' } });
    expect(first[4]!.payload).toMatchObject({ workflowStatus: 'suspended' });
    const second = await collectAsyncIterable(run.resumeStream({ step: 'gate', resumeData: { n: 10 } }));
    expect(summary(second)).toEqual(['workflow-start', 'workflow-step-start:gate', 'workflow-step-result:gate', 'workflow-step-start:after', 'workflow-step-result:after', 'workflow-finish']);
  });

  it('watch() sees foreach progress, failures and sleeps; unwatch stops delivery', async () => {
    const boom = createStep({ id: 'boom', inputSchema: z.any(), outputSchema: z.any(), execute: async () => { throw new Error('bad'); } });
    const item = createStep({ id: 'item', inputSchema: z.number(), outputSchema: z.number(), execute: async ({ inputData }) => inputData });
    const workflow = createWorkflow({ id: 'watched', inputSchema: z.array(z.number()) }).foreach(item).sleep(0).then(boom).commit();
    const run = workflow.createRun();
    const events: WorkflowStreamEvent[] = [];
    const unwatch = run.watch((event) => events.push(event));
    const result = await run.start({ inputData: [1, 2] });
    expect(result.status).toBe('failed');
    expect(summary(events)).toEqual([
      'workflow-start',
      'workflow-step-start:item',
      'workflow-step-result:item',
      'workflow-step-progress:item',
      'workflow-step-start:item',
      'workflow-step-result:item',
      'workflow-step-progress:item',
      'workflow-step-waiting:sleep_1',
      'workflow-step-result:sleep_1',
      'workflow-step-start:boom',
      'workflow-step-result:boom',
      'workflow-finish',
    ]);
    expect(events[6]!.payload).toMatchObject({ completedCount: 2, totalCount: 2, currentIndex: 1 });
    expect(events[11]!.payload).toMatchObject({ workflowStatus: 'failed', metadata: { errorMessage: 'bad' } });
    unwatch();
    await workflow.createRun({ runId: run.runId + '-2' }).start({ inputData: [] });
    expect(events).toHaveLength(12);
  });

  it('cancel emits workflow-canceled before workflow-finish', async () => {
    let started = false;
    const wait = createStep({ id: 'wait', inputSchema: z.any(), outputSchema: z.any(), execute: async () => ((started = true), await new Promise(() => undefined)) });
    const run = createWorkflow({ id: 'cancel-events' }).then(wait).commit().createRun();
    const output = run.stream({ inputData: {} });
    const collected = collectAsyncIterable(output);
    await vi.waitFor(() => expect(started).toBe(true));
    await run.cancel();
    expect(summary(await collected).slice(-2)).toEqual(['workflow-canceled', 'workflow-finish']);
  });

  it('nested workflows emit their own start/result around their steps; writer.write emits workflow-step-output', async () => {
    const talker = createStep({ id: 'talker', inputSchema: num, outputSchema: num, execute: async ({ inputData, writer }) => (await writer.write({ progress: 'half' }), inputData) });
    const inner = createWorkflow({ id: 'inner-events', inputSchema: num, outputSchema: num }).then(talker).commit();
    const outer = createWorkflow({ id: 'outer-events', inputSchema: num }).then(inner).commit();
    const events = await collectAsyncIterable(outer.createRun().stream({ inputData: { n: 1 } }));
    expect(summary(events)).toEqual([
      'workflow-start',
      'workflow-step-start:inner-events',
      'workflow-step-start:inner-events.talker',
      'workflow-step-output:inner-events.talker',
      'workflow-step-result:inner-events.talker',
      'workflow-step-result:inner-events',
      'workflow-finish',
    ]);
    expect(events[3]!.payload).toMatchObject({ output: { progress: 'half' } });
  });
});
