// Per-step overhead of the durable executor vs calling the step functions directly, and runs per second.
// Run: pnpm --filter @mastra-ts/workflow bench
// Figures are CPU time of this process (user + system), which stays meaningful on a loaded machine; wall time is
// printed beside them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemoryWorkflowStore, safeValidate, type UpdateWorkflowRunArgs, type WorkflowRunRecord, type WorkflowStore } from '@mastra-ts/core';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { z } from 'zod';
import { createStep, createWorkflow, createWorkflowExecutor, type AnyStep, type StepExecuteContext } from '../src/index.ts';

const num = z.object({ n: z.number() });
const makeSteps = (count: number, prefix: string): AnyStep[] =>
  Array.from({ length: count }, (_, index) =>
    createStep({ id: `${prefix}${index}`, inputSchema: num, outputSchema: num, execute: async ({ inputData }) => ({ n: inputData.n + 1 }) }),
  );

function chain(id: string, steps: AnyStep[], store: WorkflowStore) {
  let workflow = createWorkflow({ id, inputSchema: num, outputSchema: num });
  for (const step of steps) workflow = workflow.then(step) as typeof workflow;
  return workflow.commit().useExecutor(createWorkflowExecutor({ store }));
}

/** A store that only tracks versions: what is left is the executor's own cost. */
function countingStore(): WorkflowStore {
  const versions = new Map<string, number>();
  return {
    createRun: async (run: WorkflowRunRecord) => (versions.set(run.runId, run.version), run),
    updateRun: async (args: UpdateWorkflowRunArgs) => {
      const version = versions.get(args.runId)! + 1;
      versions.set(args.runId, version);
      return { version } as WorkflowRunRecord;
    },
  } as unknown as WorkflowStore;
}

async function measure(iterations: number, body: () => Promise<unknown>): Promise<{ cpuMs: number; wallMs: number }> {
  for (let warm = 0; warm < Math.min(100, iterations); warm++) await body();
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  for (let index = 0; index < iterations; index++) await body();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: Number(process.hrtime.bigint() - wall) / 1e6 };
}

const fmt = (value: number, digits = 2) => value.toFixed(digits).padStart(8);
const steps100 = makeSteps(100, 's');
const context = { inputData: { n: 0 } } as StepExecuteContext<{ n: number }>;
const runs = 300;
const perStep = (ms: number, count = runs) => (ms * 1000) / (count * 100);

const direct = await measure(runs, async () => {
  let value = { n: 0 };
  for (const step of steps100) value = await step.execute({ ...context, inputData: value });
  return value;
});
const validated = await measure(runs, async () => {
  let value = { n: 0 };
  for (const step of steps100) {
    const input = await safeValidate(num, value);
    const output = await step.execute({ ...context, inputData: input.success ? input.value : value });
    const checked = await safeValidate(num, output);
    value = checked.success ? checked.value : output;
  }
  return value;
});
const alone = chain('bench-100-counting', steps100, countingStore());
const executorAlone = await measure(runs, () => alone.createRun().start({ inputData: { n: 0 } }));
const memoryWorkflow = chain('bench-100-memory', makeSteps(100, 'm'), new InMemoryWorkflowStore());
const memory = await measure(runs, () => memoryWorkflow.createRun().start({ inputData: { n: 0 } }));
const rawStore = new InMemoryWorkflowStore();
let storeRun = 0;
const storeOnly = await measure(runs, async () => {
  const runId = `raw-${storeRun++}`;
  let record = await rawStore.createRun({ runId, workflowId: 'raw', status: 'running', snapshot: { v: 1, input: { n: 0 }, state: {} }, version: 0, createdAt: new Date(), updatedAt: new Date() });
  for (let index = 0; index < 100; index++) {
    const now = new Date();
    record = await rawStore.updateRun({ runId, expectedVersion: record.version, lease: { owner: 'bench', expiresAt: now }, updatedAt: now, stepResults: [{ runId, stepPath: `s${index}`, iteration: 0, status: 'success', output: { n: index }, attempt: 0, startedAt: now, endedAt: now }] });
  }
});

console.log(`100-step linear workflow, ${runs} runs each (Node ${process.version}); µs per step, CPU time (wall)`);
console.log(`  direct step calls (baseline)            ${fmt(perStep(direct.cpuMs))} (${fmt(perStep(direct.wallMs))})`);
console.log(`  direct calls + zod input/output checks  ${fmt(perStep(validated.cpuMs))} (${fmt(perStep(validated.wallMs))})`);
console.log(`  executor, store that only counts        ${fmt(perStep(executorAlone.cpuMs))} (${fmt(perStep(executorAlone.wallMs))})   ${(executorAlone.cpuMs / direct.cpuMs).toFixed(1)}x direct`);
console.log(`  executor, core InMemoryWorkflowStore    ${fmt(perStep(memory.cpuMs))} (${fmt(perStep(memory.wallMs))})   ${(memory.cpuMs / direct.cpuMs).toFixed(1)}x direct`);
console.log(`    of which InMemoryWorkflowStore.updateRun alone ${fmt(perStep(storeOnly.cpuMs))} (${fmt(perStep(storeOnly.wallMs))})`);
console.log(`  executor's own overhead per step (counting store − direct calls): ${(perStep(executorAlone.cpuMs) - perStep(direct.cpuMs)).toFixed(2)} µs CPU`);

const directory = mkdtempSync(path.join(tmpdir(), 'workflow-bench-'));
const storage = createSqliteStorage({ path: path.join(directory, 'bench.db'), synchronous: 'NORMAL' });
await storage.migrate();
try {
  const sqliteRuns = 100;
  const sqliteWorkflow = chain('bench-100-sqlite', makeSteps(100, 'q'), storage.workflows);
  const sqlite = await measure(sqliteRuns, () => sqliteWorkflow.createRun().start({ inputData: { n: 0 } }));
  console.log(`  executor, SQLite file (synchronous=NORMAL) ${fmt(perStep(sqlite.cpuMs, sqliteRuns))} (${fmt(perStep(sqlite.wallMs, sqliteRuns))})   ${((sqlite.cpuMs / sqliteRuns) / (direct.cpuMs / runs)).toFixed(1)}x direct`);

  console.log('\nruns per second, one run at a time: CPU-time rate (wall-clock rate); "counting" is the executor alone');
  for (const [label, store, count] of [
    ['counting', countingStore(), 5000],
    ['in-memory', new InMemoryWorkflowStore(), 3000],
    ['SQLite', storage.workflows, 1000],
  ] as const) {
    const ten = chain(`ten-${label}`, makeSteps(10, `t${label}`), store);
    const tenRuns = await measure(count, () => ten.createRun().start({ inputData: { n: 0 } }));
    const fan = createWorkflow({ id: `fan-${label}`, inputSchema: num })
      .parallel(makeSteps(8, `f${label}`))
      .commit()
      .useExecutor(createWorkflowExecutor({ store }));
    const fanRuns = await measure(count, () => fan.createRun().start({ inputData: { n: 0 } }));
    const rate = (ms: number) => Math.round((count * 1000) / ms).toString().padStart(7);
    console.log(`  ${label.padEnd(10)} 10-step chain ${rate(tenRuns.cpuMs)} (${rate(tenRuns.wallMs)}) runs/s   8-way parallel ${rate(fanRuns.cpuMs)} (${rate(fanRuns.wallMs)}) runs/s`);
  }
} finally {
  await storage.dispose();
  rmSync(directory, { recursive: true, force: true });
}
