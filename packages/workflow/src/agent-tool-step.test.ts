import { Agent, createTool, Mastra, RequestContext } from '@mastra-ts/core';
import { collectAsyncIterable, MockLanguageModelV1, textStreamParts } from '@mastra-ts/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createStep } from './step.ts';
import { startWorkflowRecovery } from './start-workflow-recovery.ts';
import { createWorkflow } from './workflow.ts';
import { createWorkflowExecutor } from './workflow-executor.ts';

describe('agents and tools as steps', () => {
  it('createStep(agent): input { prompt }, output { text }, the prompt reaches the model', async () => {
    const model = new MockLanguageModelV1({ doStream: textStreamParts(['Paris ', 'is sunny.']) });
    const agent = new Agent({ name: 'weather-agent', instructions: 'Be brief.', model });
    const step = createStep(agent);
    expect(step.id).toBe('weather-agent');
    const workflow = createWorkflow({ id: 'agent-flow', inputSchema: z.object({ city: z.string() }), outputSchema: z.object({ text: z.string() }) })
      .map(async ({ inputData }) => ({ prompt: `Weather in ${inputData.city}?` }))
      .then(step)
      .commit();
    const output = workflow.createRun().stream({ inputData: { city: 'Paris' } });
    const events = await collectAsyncIterable(output);
    const result = await output.result;
    expect(result.status).toBe('success');
    expect(result.result).toEqual({ text: 'Paris is sunny.' });
    expect(JSON.stringify(model.doStreamCalls[0]!.prompt)).toContain('Weather in Paris?');
    const deltas = events.filter((event) => event.type === 'workflow-step-output' && (event.payload.output as { type: string }).type === 'text-delta');
    expect(deltas.map((event) => (event.payload.output as { delta: string }).delta)).toEqual(['Paris ', 'is sunny.']);
    expect(deltas[0]!.payload.id).toBe('weather-agent');
  });

  it('createStep(agent, { structuredOutput }) outputs the validated object', async () => {
    const model = new MockLanguageModelV1({ doStream: textStreamParts(['{"celsius":', '21}']) });
    const agent = new Agent({ name: 'structured', instructions: 'JSON only.', model });
    const workflow = createWorkflow({ id: 'agent-structured' })
      .then(createStep(agent, { structuredOutput: { schema: z.object({ celsius: z.number() }) } }))
      .commit();
    const result = await workflow.createRun().start({ inputData: { prompt: 'temp?' } });
    expect(result.result).toEqual({ celsius: 21 });
  });

  it('an agent step rejects input without a prompt, naming the step', async () => {
    const agent = new Agent({ name: 'picky', instructions: 'x', model: new MockLanguageModelV1({ doStream: textStreamParts(['x']) }) });
    const result = await createWorkflow({ id: 'agent-bad' }).then(createStep(agent)).commit().createRun().start({ inputData: { question: 'no prompt' } });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toContain('step "picky" input');
  });

  it('createStep(tool): runs the tool with its schemas and a workflow context', async () => {
    const seen: unknown[] = [];
    const tool = createTool({
      id: 'lookup',
      description: 'Looks up a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }, context) => {
        seen.push(context.workflow, context.requestContext.get('user'), context.toolCallId);
        return { city, population: city.length * 1000 };
      },
    });
    const step = createStep(tool);
    expect(step.id).toBe('lookup');
    const workflow = createWorkflow({ id: 'tool-flow', inputSchema: z.object({ city: z.string() }) }).then(step).commit();
    const result = await workflow.createRun({ runId: 'tool-run' }).start({ inputData: { city: 'Oslo' }, requestContext: new RequestContext({ user: 'u1' }) });
    expect(result.result).toEqual({ city: 'Oslo', population: 4000 });
    expect(seen).toEqual([{ runId: 'tool-run', workflowId: 'tool-flow', stepId: 'lookup' }, 'u1', 'tool-run:lookup:0']);
    const invalid = await workflow.createRun().start({ inputData: { city: 3 } as never }).catch((error: unknown) => error);
    expect((invalid as Error).message).toContain('workflow "tool-flow" input');
  });

  it('a tool with an outputSchema and a two-parameter execute is still a tool', async () => {
    const tool = createTool({ id: 'typed-tool', inputSchema: z.object({ a: z.number() }), outputSchema: z.object({ b: z.number() }), execute: async ({ a }, _context) => ({ b: a * 2 }) });
    const result = await createWorkflow({ id: 'typed-tool-flow' }).then(createStep(tool)).commit().createRun().start({ inputData: { a: 2 } });
    expect(result.result).toEqual({ b: 4 });
  });
});

describe('registration with Mastra', () => {
  it('a registered workflow stores its runs in mastra.getStorage().workflows and sees mastra in steps', async () => {
    const { InMemoryWorkflowStore } = await import('@mastra-ts/core');
    const store = new InMemoryWorkflowStore();
    let seenMastra: unknown;
    const step = createStep({ id: 's', inputSchema: z.any(), outputSchema: z.any(), execute: async ({ mastra }) => ((seenMastra = mastra), 1) });
    const workflow = createWorkflow({ id: 'registered' }).then(step).commit();
    const mastra = new Mastra({ workflows: { registered: workflow }, storage: { workflows: store } });
    expect(mastra.getWorkflow('registered')).toBe(workflow);
    const run = await workflow.createRunAsync({ resourceId: 'user-1' });
    expect((await store.getRun(run.runId))?.status).toBe('pending');
    const result = await run.start({ inputData: {} });
    expect(result.status).toBe('success');
    expect(seenMastra).toBe(mastra);
    expect(await store.getRun(run.runId)).toMatchObject({ status: 'success', resourceId: 'user-1', workflowId: 'registered' });
  });

  it.each(['startWorkflowRecovery(mastra)', 'mastra.startWorkflowRecovery()'])('%s continues runs of registered workflows whose executor died', async (how) => {
    const { InMemoryWorkflowStore } = await import('@mastra-ts/core');
    const store = new InMemoryWorkflowStore();
    const calls: string[] = [];
    let hang = true;
    const first = createStep({ id: 'first', inputSchema: z.any(), outputSchema: z.any(), execute: async () => (calls.push('first'), 1) });
    const second = createStep({
      id: 'second',
      inputSchema: z.any(),
      outputSchema: z.any(),
      execute: async () => {
        calls.push('second');
        if (hang) await new Promise(() => undefined);
        return 2;
      },
    });
    const workflow = createWorkflow({ id: 'recoverable' }).then(first).then(second).commit();
    const dead = createWorkflowExecutor({ store, owner: 'dead', leaseMs: 1_000, now: () => Date.now() - 60_000 });
    workflow.useExecutor(dead).createRun({ runId: 'orphan' }).start({ inputData: {} }).catch(() => undefined);
    await vi.waitFor(() => expect(calls).toEqual(['first', 'second']));
    hang = false;
    const mastra = new Mastra({ workflows: { recoverable: workflow }, storage: { workflows: store } });
    const recovered = (how === 'mastra.startWorkflowRecovery()' ? await mastra.startWorkflowRecovery() : await startWorkflowRecovery(mastra)) as Awaited<ReturnType<typeof startWorkflowRecovery>>;
    expect(recovered.map((entry) => entry.runId)).toEqual(['orphan']);
    expect((await recovered[0]!.result).result).toBe(2);
    expect(calls).toEqual(['first', 'second', 'second']);
  });
});

describe('steps vs tools', () => {
  it('a step definition without outputSchema is a step (receives { inputData }), a createTool tool is a tool (receives its input)', async () => {
    // a JavaScript user may leave outputSchema out; the types require it, the runtime must not mistake it for a tool
    const definition = { id: 'plain', inputSchema: z.object({ n: z.number() }), execute: async ({ inputData }: { inputData: { n: number } }) => ({ doubled: inputData.n * 2 }) };
    const step = createStep(definition as unknown as Parameters<typeof createStep>[0]);
    const tool = createTool({ id: 'tool', inputSchema: z.object({ doubled: z.number() }), execute: async ({ doubled }) => ({ plusOne: doubled + 1 }) });
    const result = await createWorkflow({ id: 'mixed' }).then(step).then(createStep(tool)).commit().createRun().start({ inputData: { n: 4 } });
    expect(result.status).toBe('success');
    expect(result.status === 'success' ? result.result : undefined).toEqual({ plusOne: 9 });
  });
});
