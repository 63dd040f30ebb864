import { Mastra, createInMemoryStorage } from '@mastra-ts/core';
import { createStep, createWorkflow } from '@mastra-ts/workflow';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../test/test-server.ts';

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const num = z.object({ n: z.number() });

function project(): Mastra {
  const double = createStep({ id: 'double', description: 'Doubles n', inputSchema: num, outputSchema: num, execute: async ({ inputData }) => ({ n: inputData.n * 2 }) });
  const approve = createStep({
    id: 'approve',
    inputSchema: num,
    outputSchema: z.object({ n: z.number(), approvedBy: z.string() }),
    resumeSchema: z.object({ approver: z.string() }),
    suspendSchema: z.object({ reason: z.string() }),
    execute: async ({ inputData, resumeData, suspend }) => {
      if (!resumeData) return suspend({ reason: `approve ${inputData.n}?` });
      return { n: inputData.n, approvedBy: resumeData.approver };
    },
  });
  const pipeline = createWorkflow({ id: 'pipeline', description: 'Doubles then asks for approval', inputSchema: num, outputSchema: z.object({ n: z.number(), approvedBy: z.string() }) })
    .then(double)
    .then(approve)
    .commit();
  const quick = createWorkflow({ id: 'quick', inputSchema: num, outputSchema: num }).then(double).commit();
  return new Mastra({ workflows: { pipeline, quick }, storage: createInMemoryStorage() });
}

describe('workflow routes driven by @mastra/client-js', () => {
  it('lists workflows and details with steps and schemas', async () => {
    running = await startTestServer(project());
    const workflows = await running.client.listWorkflows();
    expect(Object.keys(workflows).sort()).toEqual(['pipeline', 'quick']);
    const details = await running.client.getWorkflow('pipeline').details();
    expect(details.description).toBe('Doubles then asks for approval');
    expect(Object.keys(details.steps)).toEqual(['double', 'approve']);
    const schema = await running.client.getWorkflow('pipeline').getSchema();
    expect(schema.inputSchema).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } });
  });

  it('creates a run, starts it async, suspends, resumes and reports status and runs', async () => {
    running = await startTestServer(project());
    const workflow = running.client.getWorkflow('pipeline');
    const run = await workflow.createRun({ runId: 'run-1' });
    expect(run.runId).toBe('run-1');
    expect((await workflow.runById('run-1')).status).toBe('pending');
    const suspended = await run.startAsync({ inputData: { n: 4 } });
    expect(suspended.status).toBe('suspended');
    expect(suspended.steps.double).toMatchObject({ status: 'success', output: { n: 8 } });
    expect(await running.client.getWorkflow('pipeline').details()).toBeDefined();
    expect(await (await fetch(`${running.url}/api/workflows/run-counts`)).json()).toMatchObject({ pipeline: { running: 0, suspended: 1 } });
    const concurrent = await Promise.allSettled([run.resumeAsync({ step: 'approve', resumeData: { approver: 'ada' } }), run.resumeAsync({ step: 'approve', resumeData: { approver: 'bob' } })]);
    const fulfilled = concurrent.filter((entry) => entry.status === 'fulfilled');
    const rejected = concurrent.filter((entry): entry is PromiseRejectedResult => entry.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected[0]!.reason).toMatchObject({ status: 409 });
    const retried = concurrent.find((entry) => entry.status === 'fulfilled')!.value as unknown as { result: { approvedBy: string } };
    const winner = retried.result.approvedBy;
    const replay = await run.resumeAsync({ step: 'approve', resumeData: { approver: winner } });
    expect((replay as unknown as { result: unknown }).result).toEqual(retried.result);
    const status = await workflow.runById('run-1');
    expect(status).toMatchObject({ runId: 'run-1', status: 'success', workflowName: 'pipeline', payload: { n: 4 } });
    expect((status.result as { n: number }).n).toBe(8);
    const only = await workflow.runById('run-1', { fields: ['result'] });
    expect(only).not.toHaveProperty('steps');
    const runs = await workflow.runs();
    expect(runs.total).toBe(1);
    expect(runs.runs[0]).toMatchObject({ runId: 'run-1', workflowName: 'pipeline' });
    expect(await workflow.deleteRunById('run-1')).toEqual({ message: 'Workflow run deleted' });
    await expect(workflow.runById('run-1')).rejects.toMatchObject({ status: 404 });
  });

  it('streams run events as \\x1E records, then resume-streams after a suspend', async () => {
    running = await startTestServer(project());
    const workflow = running.client.getWorkflow('pipeline');
    const run = await workflow.createRun();
    const events: Array<{ type: string; payload: Record<string, unknown> }> = [];
    const stream = await run.stream({ inputData: { n: 1 } });
    for await (const event of stream as unknown as AsyncIterable<{ type: string; payload: Record<string, unknown> }>) events.push(event);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('workflow-start');
    expect(types).toContain('workflow-step-start');
    expect(events.find((event) => event.type === 'workflow-step-result' && event.payload.id === 'double')!.payload).toMatchObject({ status: 'success', output: { n: 2 } });
    expect(events.some((event) => event.type === 'workflow-step-suspended' && event.payload.id === 'approve')).toBe(true);

    const resumed: string[] = [];
    const resumeStream = await run.resumeStream({ step: 'approve', resumeData: { approver: 'ada' } });
    for await (const event of resumeStream as unknown as AsyncIterable<{ type: string; payload: Record<string, unknown> }>) resumed.push(event.type);
    expect(resumed).toContain('workflow-finish');
    expect(resumed).not.toContain('workflow-step-suspended');
    expect((await workflow.runById(run.runId)).status).toBe('success');

    const observed: string[] = [];
    for await (const event of (await run.observe({ offset: 0 })) as unknown as AsyncIterable<{ type: string }>) observed.push(event.type);
    expect(observed).toEqual([...types, ...resumed]);
  });

  it('starts fire-and-forget runs, refuses start without create-run, and runs the original /execute route', async () => {
    running = await startTestServer(project());
    const quick = running.client.getWorkflow('quick');
    const run = await quick.createRun({ runId: 'q1' });
    expect(await run.start({ inputData: { n: 5 } })).toEqual({ message: 'Workflow run started' });
    const observed: Array<{ type: string; payload: Record<string, unknown> }> = [];
    for await (const event of (await run.observe()) as unknown as AsyncIterable<{ type: string; payload: Record<string, unknown> }>) observed.push(event);
    expect(observed.at(-1)).toMatchObject({ type: 'workflow-finish' });
    expect((await quick.runById('q1')).result).toEqual({ n: 10 });
    await expect((await quick.createRun({ runId: 'q1' })).startAsync({ inputData: { n: 1 } })).rejects.toMatchObject({ status: 409 });

    const missing = await fetch(`${running.url}/api/workflows/quick/start?runId=never-created`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputData":{"n":1}}' });
    expect(missing.status).toBe(404);
    const bad = await fetch(`${running.url}/api/workflows/quick/start-async`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputData":{"n":"one"}}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('n');
    const retriedStart = await Promise.all([0, 1].map(() => fetch(`${running!.url}/api/workflows/quick/start-async?runId=same`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputData":{"n":2}}' }).then((response) => response.json())));
    expect(retriedStart).toEqual([expect.objectContaining({ status: 'success', result: { n: 4 } }), expect.objectContaining({ status: 'success', result: { n: 4 } })]);
    const executed = await fetch(`${running.url}/api/workflows/quick/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"input":{"n":21}}' });
    expect(await executed.json()).toMatchObject({ status: 'success', result: { n: 42 } });
    await expect(running.client.getWorkflow('nope').details()).rejects.toMatchObject({ status: 404 });
  });

  it('cancels a suspended run', async () => {
    running = await startTestServer(project());
    const workflow = running.client.getWorkflow('pipeline');
    const run = await workflow.createRun();
    await run.startAsync({ inputData: { n: 1 } });
    expect(await run.cancel()).toEqual({ message: 'Workflow run canceled' });
    expect((await workflow.runById(run.runId)).status).toBe('canceled');
  });
});
