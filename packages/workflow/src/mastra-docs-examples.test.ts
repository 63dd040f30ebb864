// Workflows written as in Mastra's documentation; only the imports differ.
import { Mastra } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStep, createWorkflow } from './index.ts';

describe("Mastra documentation workflows, ported by changing imports", () => {
  it('sequential steps with .map between them', async () => {
    const step1 = createStep({
      id: 'step-1',
      description: 'passes value from input to output',
      inputSchema: z.object({ value: z.number() }),
      outputSchema: z.object({ value: z.number() }),
      execute: async ({ inputData }) => {
        const { value } = inputData;
        return { value };
      },
    });
    const step2 = createStep({
      id: 'step-2',
      inputSchema: z.object({ doubled: z.number() }),
      outputSchema: z.object({ value: z.number() }),
      execute: async ({ inputData }) => ({ value: inputData.doubled + 1 }),
    });
    const testWorkflow = createWorkflow({
      id: 'test-workflow',
      description: 'Test workflow',
      inputSchema: z.object({ value: z.number() }),
      outputSchema: z.object({ value: z.number() }),
    })
      .then(step1)
      .map(async ({ inputData }) => ({ doubled: inputData.value * 2 }))
      .then(step2)
      .commit();
    const mastra = new Mastra({ workflows: { testWorkflow } });
    const run = await mastra.getWorkflow('testWorkflow').createRun();
    const result = await run.start({ inputData: { value: 10 } });
    expect(result.status).toBe('success');
    if (result.status === 'success') expect(result.result).toEqual({ value: 21 });
  });

  it('branching on the previous output', async () => {
    const lessThanStep = createStep({
      id: 'less-than-step',
      inputSchema: z.object({ value: z.number() }),
      outputSchema: z.object({ message: z.string() }),
      execute: async ({ inputData }) => ({ message: `${inputData.value} is small` }),
    });
    const greaterThanStep = createStep({
      id: 'greater-than-step',
      inputSchema: z.object({ value: z.number() }),
      outputSchema: z.object({ message: z.string() }),
      execute: async ({ inputData }) => ({ message: `${inputData.value} is big` }),
    });
    const branchWorkflow = createWorkflow({ id: 'branch-workflow', inputSchema: z.object({ value: z.number() }), outputSchema: z.object({}) })
      .branch([
        [async ({ inputData: { value } }) => value <= 10, lessThanStep],
        [async ({ inputData: { value } }) => value > 10, greaterThanStep],
      ])
      .commit();
    const result = await (await branchWorkflow.createRun()).start({ inputData: { value: 42 } });
    expect(result.steps['greater-than-step']?.output).toEqual({ message: '42 is big' });
  });

  it('loops and foreach', async () => {
    const counterStep = createStep({
      id: 'counter-step',
      inputSchema: z.object({ number: z.number() }),
      outputSchema: z.object({ number: z.number() }),
      execute: async ({ inputData }) => ({ number: inputData.number + 1 }),
    });
    const mapStep = createStep({
      id: 'map-step',
      inputSchema: z.number(),
      outputSchema: z.object({ value: z.number() }),
      execute: async ({ inputData }) => ({ value: inputData * 2 }),
    });
    const loopWorkflow = createWorkflow({ id: 'loop-workflow', inputSchema: z.object({ number: z.number() }), outputSchema: z.array(z.object({ value: z.number() })) })
      .dountil(counterStep, async ({ inputData: { number } }) => number >= 3)
      .map(async ({ inputData }) => [inputData.number, inputData.number + 1])
      .foreach(mapStep, { concurrency: 2 })
      .commit();
    const result = await (await loopWorkflow.createRun()).start({ inputData: { number: 0 } });
    expect(result.result).toEqual([{ value: 6 }, { value: 8 }]);
  });

  it('human in the loop: suspend, then resume with the step object', async () => {
    const step1 = createStep({
      id: 'step-1',
      inputSchema: z.object({ userEmail: z.string() }),
      outputSchema: z.object({ output: z.string() }),
      resumeSchema: z.object({ approved: z.boolean() }),
      suspendSchema: z.object({ reason: z.string() }),
      execute: async ({ inputData, resumeData, suspend }) => {
        const { userEmail } = inputData;
        const { approved } = resumeData ?? {};
        if (!approved) {
          return await suspend({ reason: 'Human approval required.' });
        }
        return { output: `Email sent to ${userEmail}` };
      },
    });
    const testWorkflow = createWorkflow({ id: 'hitl', inputSchema: z.object({ userEmail: z.string() }), outputSchema: z.object({ output: z.string() }) })
      .then(step1)
      .commit();
    const run = await testWorkflow.createRun();
    const result = await run.start({ inputData: { userEmail: 'alex@example.com' } });
    expect(result.status).toBe('suspended');
    if (result.status === 'suspended') {
      expect(result.steps['step-1']?.suspendPayload).toEqual({ reason: 'Human approval required.' });
      const resumedResult = await run.resume({ step: step1, resumeData: { approved: true } });
      expect(resumedResult.result).toEqual({ output: 'Email sent to alex@example.com' });
    }
  });
});
