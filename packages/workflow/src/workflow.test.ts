import { TypeValidationError } from '@mastra-ts/core';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createStep } from './step.ts';
import { createWorkflow, mapVariable } from './workflow.ts';
import { createWorkflowExecutor } from './workflow-executor.ts';

const num = z.object({ n: z.number() });
const add = (id: string, by: number) =>
  createStep({ id, inputSchema: num, outputSchema: num, execute: async ({ inputData }) => ({ n: inputData.n + by }) });

describe('builder constructs', () => {
  it('then: runs steps in sequence, each with the previous output, and validates the workflow output', async () => {
    const workflow = createWorkflow({ id: 'seq', inputSchema: num, outputSchema: num }).then(add('one', 1)).then(add('ten', 10)).commit();
    const result = await workflow.createRun().start({ inputData: { n: 1 } });
    expect(result.status).toBe('success');
    expect(result.result).toEqual({ n: 12 });
    expect(result.steps.one).toMatchObject({ status: 'success', payload: { n: 1 }, output: { n: 2 } });
    expect(result.steps.ten).toMatchObject({ status: 'success', payload: { n: 2 }, output: { n: 12 } });
    expect(typeof result.steps.one!.startedAt).toBe('number');
  });

  it('parallel: runs steps concurrently and passes { [id]: output } on', async () => {
    const release: Array<() => void> = [];
    const started: string[] = [];
    const gated = (id: string) =>
      createStep({
        id,
        inputSchema: num,
        outputSchema: num,
        execute: async ({ inputData }) => {
          started.push(id);
          await new Promise<void>((resolve) => release.push(resolve));
          return { n: inputData.n * 2 };
        },
      });
    const sum = createStep({
      id: 'sum',
      inputSchema: z.object({ a: num, b: num }),
      outputSchema: num,
      execute: async ({ inputData }) => ({ n: inputData.a.n + inputData.b.n }),
    });
    const workflow = createWorkflow({ id: 'par', inputSchema: num, outputSchema: num }).parallel([gated('a'), gated('b')]).then(sum).commit();
    const pending = workflow.createRun().start({ inputData: { n: 3 } });
    await vi.waitFor(() => expect(started).toEqual(['a', 'b']));
    release.forEach((resolve) => resolve());
    const result = await pending;
    expect(result.result).toEqual({ n: 12 });
  });

  it('branch: runs only the steps whose condition holds', async () => {
    const low = createStep({ id: 'low', inputSchema: num, outputSchema: z.object({ label: z.string() }), execute: async () => ({ label: 'low' }) });
    const high = createStep({ id: 'high', inputSchema: num, outputSchema: z.object({ label: z.string() }), execute: async () => ({ label: 'high' }) });
    const workflow = createWorkflow({ id: 'branchy', inputSchema: num })
      .branch([
        [async ({ inputData }) => inputData.n < 10, low],
        [async ({ inputData }) => inputData.n >= 10, high],
      ])
      .commit();
    const small = await workflow.createRun().start({ inputData: { n: 1 } });
    expect(small.result).toEqual({ low: { label: 'low' } });
    expect(small.steps.high).toBeUndefined();
    const big = await workflow.createRun().start({ inputData: { n: 50 } });
    expect(big.result).toEqual({ high: { label: 'high' } });
  });

  it('dowhile and dountil: repeat a step with its own output; conditions see iterationCount', async () => {
    const counts: number[] = [];
    const whileFlow = createWorkflow({ id: 'while', inputSchema: num, outputSchema: num })
      .dowhile(add('inc', 1), async ({ inputData, iterationCount }) => {
        counts.push(iterationCount);
        return inputData.n < 5;
      })
      .commit();
    expect((await whileFlow.createRun().start({ inputData: { n: 0 } })).result).toEqual({ n: 5 });
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    const untilFlow = createWorkflow({ id: 'until', inputSchema: num, outputSchema: num }).dountil(add('inc2', 3), async ({ inputData }) => inputData.n >= 10).commit();
    const result = await untilFlow.createRun().start({ inputData: { n: 0 } });
    expect(result.result).toEqual({ n: 12 });
    expect(result.steps.inc2).toMatchObject({ status: 'success', output: { n: 12 } });
  });

  it('foreach: runs a step per item with bounded concurrency and keeps the order', async () => {
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const square = createStep({
      id: 'square',
      inputSchema: z.number(),
      outputSchema: z.number(),
      execute: async ({ inputData }) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        return inputData * inputData;
      },
    });
    const workflow = createWorkflow({ id: 'each', inputSchema: z.array(z.number()), outputSchema: z.array(z.number()) }).foreach(square, { concurrency: 2 }).commit();
    const pending = workflow.createRun().start({ inputData: [1, 2, 3, 4, 5] });
    for (let released = 0; released < 5; released++) {
      await vi.waitFor(() => expect(release.length).toBeGreaterThan(released));
      expect(running).toBeLessThanOrEqual(2);
      release[released]!();
    }
    const result = await pending;
    expect(result.result).toEqual([1, 4, 9, 16, 25]);
    expect(peak).toBe(2);
    expect(result.steps.square).toMatchObject({ status: 'success', output: [1, 4, 9, 16, 25], payload: [1, 2, 3, 4, 5] });
  });

  it('foreach stops taking items after one fails', async () => {
    const seen: number[] = [];
    const picky = createStep({
      id: 'picky',
      inputSchema: z.number(),
      outputSchema: z.number(),
      execute: async ({ inputData }) => {
        seen.push(inputData);
        if (inputData === 2) throw new Error('two is bad');
        return inputData;
      },
    });
    const result = await createWorkflow({ id: 'each-fail', inputSchema: z.array(z.number()) }).foreach(picky).commit().createRun().start({ inputData: [1, 2, 3, 4] });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe('two is bad');
    expect(seen).toEqual([1, 2]);
  });

  it('foreach over a non-array fails the run with a TypeValidationError naming the step', async () => {
    const workflow = createWorkflow({ id: 'each-bad', inputSchema: num }).foreach(add('x', 1)).commit();
    const result = await workflow.createRun().start({ inputData: { n: 1 } });
    expect(result.status).toBe('failed');
    expect(TypeValidationError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toContain('foreach step "x" input');
  });

  it('map: with a function, and with the object form reading step outputs, the input and constants', async () => {
    const workflow = createWorkflow({ id: 'mapper', inputSchema: num })
      .then(add('first', 1))
      .map(async ({ inputData }) => ({ n: inputData.n * 100 }))
      .then(add('second', 1))
      .map({ fromFirst: mapVariable({ step: add('first', 1), path: 'n' }), original: { initData: { id: 'mapper' }, path: 'n' }, constant: { value: 'x' } })
      .commit();
    const result = await workflow.createRun().start({ inputData: { n: 1 } });
    expect(result.status).toBe('success');
    expect(result.result).toEqual({ fromFirst: 2, original: 1, constant: 'x' });
    expect(result.steps.mapping_1).toMatchObject({ status: 'success', output: { n: 200 } });
  });

  it('state: steps read and replace it; setState validates against stateSchema', async () => {
    const bump = createStep({
      id: 'bump',
      inputSchema: num,
      outputSchema: num,
      stateSchema: z.object({ count: z.number() }),
      execute: async ({ inputData, state, setState }) => {
        await setState({ count: state.count + inputData.n });
        return inputData;
      },
    });
    const bad = createStep({ id: 'bad', inputSchema: num, outputSchema: num, execute: async ({ inputData, setState }) => {
      void setState({ count: 'nope' } as never);
      return inputData;
    } });
    const stateSchema = z.object({ count: z.number() });
    const ok = createWorkflow({ id: 'stateful', inputSchema: num, outputSchema: num, stateSchema }).then(bump).commit();
    const result = await ok.createRun().start({ inputData: { n: 4 }, initialState: { count: 1 } });
    expect(result.state).toEqual({ count: 5 });
    const failing = createWorkflow({ id: 'stateful-bad', inputSchema: num, stateSchema }).then(bad).commit();
    const failed = await failing.createRun().start({ inputData: { n: 4 }, initialState: { count: 1 } });
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toContain('state (set by step "bad")');
  });

  it('getStepResult, getInitData and bail', async () => {
    const reader = createStep({
      id: 'reader',
      inputSchema: num,
      outputSchema: z.object({ first: z.number(), init: z.number() }),
      execute: async ({ getStepResult, getInitData }) => ({ first: getStepResult<{ n: number }>('first')!.n, init: getInitData<{ n: number }>().n }),
    });
    const quitter = createStep({ id: 'quit', inputSchema: z.any(), outputSchema: z.any(), execute: async ({ bail }) => bail({ early: true }) });
    const never = vi.fn(async () => ({ n: 0 }));
    const after = createStep({ id: 'after', inputSchema: z.any(), outputSchema: z.any(), execute: never });
    const workflow = createWorkflow({ id: 'ctx', inputSchema: num }).then(add('first', 5)).then(reader).then(quitter).then(after).commit();
    const result = await workflow.createRun().start({ inputData: { n: 1 } });
    expect(result.status).toBe('success');
    expect(result.result).toEqual({ early: true });
    expect(result.steps.reader!.output).toEqual({ first: 6, init: 1 });
    expect(never).not.toHaveBeenCalled();
  });

  it('nested workflow: a workflow is a step of another, with its own schemas', async () => {
    const inner = createWorkflow({ id: 'inner', inputSchema: num, outputSchema: num }).then(add('i1', 1)).then(add('i2', 2)).commit();
    const outer = createWorkflow({ id: 'outer', inputSchema: num, outputSchema: num }).then(add('o1', 10)).then(inner).then(add('o2', 100)).commit();
    const result = await outer.createRun().start({ inputData: { n: 0 } });
    expect(result.result).toEqual({ n: 113 });
    expect(result.steps.inner).toMatchObject({ status: 'success', payload: { n: 10 }, output: { n: 13 } });
    expect(result.steps['inner.i2']).toMatchObject({ status: 'success', output: { n: 13 } });
  });

  it('validates inputs: bad workflow input rejects start; bad step output fails the run naming the step', async () => {
    const workflow = createWorkflow({ id: 'validating', inputSchema: num, outputSchema: num }).then(add('ok', 1)).commit();
    const error = await workflow.createRun().start({ inputData: { n: 'one' } as never }).catch((caught: unknown) => caught);
    expect(TypeValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('workflow "validating" input');
    const liar = createStep({ id: 'liar', inputSchema: num, outputSchema: num, execute: async () => ({ n: 'x' }) as never });
    const broken = createWorkflow({ id: 'broken', inputSchema: num }).then(liar).commit();
    const result = await broken.createRun().start({ inputData: { n: 1 } });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/step "liar" output: n:/);
    expect(result.steps.liar!.status).toBe('failed');
  });

  it('a workflow of no steps returns its input; a duplicate step id is refused at commit', () => {
    expect(() => createWorkflow({ id: 'dup' }).then(add('same', 1)).then(add('same', 2)).commit()).toThrow(/step id "same" is used twice/);
  });
});

describe('dependsOn form', () => {
  it('runs a diamond: the two middle steps run concurrently; a multi-dependency step gets { [id]: output }', async () => {
    const started: string[] = [];
    const release: Array<() => void> = [];
    const middle = (id: string, by: number) =>
      createStep({
        id,
        dependsOn: ['start'],
        inputSchema: num,
        outputSchema: num,
        execute: async ({ inputData }) => {
          started.push(id);
          await new Promise<void>((resolve) => release.push(resolve));
          return { n: inputData.n + by };
        },
      });
    const start = add('start', 1);
    const join = createStep({
      id: 'join',
      dependsOn: ['left', 'right'],
      inputSchema: z.object({ left: num, right: num }),
      outputSchema: num,
      execute: async ({ inputData }) => ({ n: inputData.left.n * inputData.right.n }),
    });
    const workflow = createWorkflow({ id: 'diamond', inputSchema: num, outputSchema: num, steps: [join, middle('left', 1), middle('right', 2), start] }).commit();
    const pending = workflow.createRun().start({ inputData: { n: 1 } });
    await vi.waitFor(() => expect(release.length).toBe(2));
    expect(started.sort()).toEqual(['left', 'right']);
    release.forEach((resolve) => resolve());
    const result = await pending;
    expect(result.result).toEqual({ n: 12 });
  });

  it('accepts { step, dependsOn } items', async () => {
    const workflow = createWorkflow({ id: 'pairs', inputSchema: num, outputSchema: num, steps: [{ step: add('b', 2), dependsOn: ['a'] }, { step: add('a', 1), dependsOn: [] }] });
    expect((await workflow.createRun().start({ inputData: { n: 0 } })).result).toEqual({ n: 3 });
  });

  it('refuses a missing dependency at build time, naming the step and the dependency', () => {
    const b = createStep({ id: 'b', dependsOn: ['ghost'], execute: async () => 1, outputSchema: z.number(), inputSchema: z.any() });
    const error = (() => {
      try {
        createWorkflow({ id: 'missing', steps: [add('a', 1), b] }).commit();
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(TypeValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('step "b" depends on "ghost"');
  });

  it('refuses a cycle at build time, naming the steps of the cycle', () => {
    const step = (id: string, dependsOn: string[]) => createStep({ id, dependsOn, inputSchema: z.any(), outputSchema: z.any(), execute: async () => 1 });
    expect(() => createWorkflow({ id: 'cyclic', steps: [step('root', []), step('a', ['root', 'c']), step('b', ['a']), step('c', ['b'])] }).commit()).toThrow(
      /dependency cycle: (a → b → c → a|b → c → a → b|c → a → b → c)/,
    );
  });

  it('refuses mixing dependsOn with the builder', () => {
    const b = createStep({ id: 'b', dependsOn: ['a'], inputSchema: z.any(), outputSchema: z.any(), execute: async () => 1 });
    expect(() => createWorkflow({ id: 'mixed', steps: [add('a', 1), b] }).then(add('c', 1)).commit()).toThrow(/use one form or the other/);
  });
});

describe('sleep', () => {
  it('sleep(ms) and sleepUntil(date) wait on the timer and pass the input through', async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
    try {
      const workflow = createWorkflow({ id: 'sleepy', inputSchema: num, outputSchema: num })
        .then(add('a', 1))
        .sleep(1000)
        .sleepUntil(new Date(Date.UTC(2030, 0, 1) + 5000))
        .then(add('b', 1))
        .commit();
      let done = false;
      const pending = workflow
        .createRun()
        .start({ inputData: { n: 0 } })
        .finally(() => {
          done = true;
        });
      await vi.advanceTimersByTimeAsync(999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(3999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(2);
      const result = await pending;
      expect(result.result).toEqual({ n: 2 });
      expect(result.steps.sleep_1).toMatchObject({ status: 'success' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a sleep duration can be computed from the previous output', async () => {
    vi.useFakeTimers();
    try {
      const executor = createWorkflowExecutor();
      const workflow = createWorkflow({ id: 'dyn-sleep', inputSchema: num, outputSchema: num })
        .sleep(async ({ inputData }) => (inputData as { n: number }).n * 1000)
        .commit()
        .useExecutor(executor);
      let done = false;
      const pending = workflow.createRun().start({ inputData: { n: 3 } }).finally(() => (done = true));
      await vi.advanceTimersByTimeAsync(2999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await pending).result).toEqual({ n: 3 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('sleeps longer than setTimeout allows (2^31 ms) without waking early', async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
    try {
      const month = 30 * 24 * 3600 * 1000;
      const workflow = createWorkflow({ id: 'long-nap', inputSchema: num, outputSchema: num }).sleepUntil(new Date(Date.UTC(2030, 0, 1) + month)).commit();
      let done = false;
      const pending = workflow.createRun().start({ inputData: { n: 1 } }).finally(() => (done = true));
      await vi.advanceTimersByTimeAsync(month - 1);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect((await pending).status).toBe('success');
    } finally {
      vi.useRealTimers();
    }
  });
});
