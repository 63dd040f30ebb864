import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSqliteStorage, type SqliteStorage } from '@mastra-ts/storage-sqlite';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const child = path.join(packageDir, 'test', 'fixtures', 'crash-child.mjs');
const runCount = 30;
const distEntry = pathToFileURL(path.join(packageDir, 'dist', 'index.mjs')).href;

type Fixtures = typeof import('./fixtures/crash-workflows.mjs');
type Workflow = typeof import('../src/index.ts');

// The child process runs the built package, so build it when dist is missing or older than src.
beforeAll(() => {
  const dist = path.join(packageDir, 'dist', 'index.mjs');
  const newestSource = Math.max(...readdirSync(path.join(packageDir, 'src')).map((file) => statSync(path.join(packageDir, 'src', file)).mtimeMs));
  let built = 0;
  try {
    built = statSync(dist).mtimeMs;
  } catch {
    built = 0;
  }
  if (built < newestSource) execFileSync(path.join(packageDir, 'node_modules', '.bin', 'tsdown'), { cwd: packageDir, stdio: 'ignore' });
}, 60_000);

let directory: string;
let storage: SqliteStorage | undefined;
afterEach(async () => {
  await storage?.dispose();
  storage = undefined;
  rmSync(directory, { recursive: true, force: true });
});

/**
 * Runs the child until `killAfterSteps` steps have started after every run was stored (`all-created`), then
 * SIGKILLs it; or until it exits by itself.
 */
function runChild(args: string[], killAfterSteps?: number): Promise<{ output: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, ...args], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let steps = 0;
    let stderr = '';
    process_.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const created = output.indexOf('all-created\n');
      steps = created === -1 ? 0 : output.slice(created).split('step\n').length - 1;
      if (killAfterSteps !== undefined && steps >= killAfterSteps && process_.exitCode === null) process_.kill('SIGKILL');
    });
    process_.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    process_.on('error', reject);
    process_.on('exit', (code, signal) => {
      if (signal === null && code !== 0) reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ output, signal });
    });
  });
}

describe('a real crash: SIGKILL of the process running the workflows', () => {
  it('a new process recovers every run: all succeed, each step result is recorded once, only in-flight steps re-execute (once)', async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'workflow-crash-'));
    const dbPath = path.join(directory, 'runs.db');
    const logPath = path.join(directory, 'steps.log');
    const killAfter = 1 + Math.floor(Math.random() * 120);
    const { signal } = await runChild(['crash', dbPath, logPath, String(runCount)], killAfter);
    expect(signal, `the child must be killed mid-run (after ${killAfter} steps)`).toBe('SIGKILL');

    storage = createSqliteStorage({ path: dbPath });
    await storage.migrate();
    const store = storage.workflows;
    const { runs } = await store.listRuns({ workflowId: 'crash-test' });
    expect(runs).toHaveLength(runCount);
    expect(runs.filter((run) => run.status === 'running').length).toBeGreaterThan(0);

    const readLog = (): Array<{ runId: string; step: string; iteration: number; key: string }> =>
      readFileSync(logPath, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { runId: string; step: string; iteration: number; key: string });
    const executedAtKill = new Set(readLog().map((entry) => `${entry.runId}/${entry.step}#${entry.iteration}`));
    const committedAtKill = new Set<string>();
    for (const run of runs) for (const step of await store.listStepResults(run.runId)) committedAtKill.add(`${run.runId}/${step.stepPath}#${step.iteration}`);
    const inFlightAtKill = new Set([...executedAtKill].filter((key) => !committedAtKill.has(key)));
    if (process.env.CRASH_DEBUG) console.log(`killed after ${killAfter} steps: ${executedAtKill.size} executed, ${committedAtKill.size} committed, ${inFlightAtKill.size} in flight`);

    const fixtures = (await import('./fixtures/crash-workflows.mjs')) as Fixtures;
    const { createWorkflowExecutor } = (await import(distEntry)) as Workflow;
    const executor = createWorkflowExecutor({ store, owner: 'recovering-process', leaseMs: 60_000, now: () => Date.now() + 120_000, workflows: [fixtures.crashWorkflow(logPath)] });
    const recovered = await executor.recoverRuns();
    const stillRunning = runs.filter((run) => run.status === 'running').map((run) => run.runId).sort();
    expect(recovered.map((entry) => entry.runId).sort()).toEqual(stillRunning);
    for (const entry of recovered) expect((await entry.result).status).toBe('success');

    const after = await store.listRuns({ workflowId: 'crash-test' });
    expect(after.runs.every((run) => run.status === 'success')).toBe(true);
    const executions = new Map<string, string[]>();
    for (const entry of readLog()) {
      const key = `${entry.runId}/${entry.step}#${entry.iteration}`;
      executions.set(key, [...(executions.get(key) ?? []), entry.key]);
    }
    for (const run of after.runs) {
      const index = Number(run.runId.slice(4));
      expect((run.snapshot as { result?: unknown }).result).toEqual({ n: fixtures.expectedTotal(index) });
      const recorded = (await store.listStepResults(run.runId)).map((step) => `${step.stepPath}#${step.iteration}`).sort();
      expect(recorded).toEqual([...fixtures.crashSteps].sort());
      for (const step of fixtures.crashSteps) {
        const key = `${run.runId}/${step}`;
        const keys = executions.get(key) ?? [];
        if (inFlightAtKill.has(key)) {
          expect(keys.length, `${key} was in flight at the kill`).toBe(2);
          expect(keys[0]).toBe(keys[1]);
        } else expect(keys.length, `${key} was ${committedAtKill.has(key) ? 'committed' : 'not started'} at the kill`).toBe(1);
      }
    }
  }, 90_000);

  it('a run suspended by one process is resumed by another', async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'workflow-resume-'));
    const dbPath = path.join(directory, 'runs.db');
    const { output } = await runChild(['suspend', dbPath, '', '0']);
    expect(JSON.parse(output.trim())).toEqual({ status: 'suspended', suspended: [['approve']] });

    storage = createSqliteStorage({ path: dbPath });
    await storage.migrate();
    const fixtures = (await import('./fixtures/crash-workflows.mjs')) as Fixtures;
    const { createWorkflowExecutor } = (await import(distEntry)) as Workflow;
    const workflow = fixtures.approvalWorkflow().useExecutor(createWorkflowExecutor({ store: storage.workflows, owner: 'second-process' }));
    const run = workflow.createRun({ runId: 'approval-run' });
    const result = await run.resume({ step: 'approve', resumeData: { approved: true } });
    expect(result.status).toBe('success');
    expect(result.result).toEqual({ n: 5, approved: true });
    await expect(run.resume({ step: 'approve', resumeData: { approved: false } })).rejects.toThrow(/is success, not suspended/);
  }, 90_000);
});
