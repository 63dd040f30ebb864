import { ConfigError } from '@mastra-ts/core';
import type { Workflow, WorkflowResult, WorkflowRunOutput, WorkflowStreamEvent } from '@mastra-ts/workflow';
import { formatValue } from '../format-value.ts';
import { paint, type CliIO } from '../io.ts';
import { parseFlags } from '../parse-flags.ts';
import { openProject } from '../project/open-project.ts';
import { readJsonFlag } from '../read-json-flag.ts';
import { UsageError } from '../usage-error.ts';

/**
 * `mastra-ts run <workflow>`: starts (or with `--resume`, resumes) a run of a project workflow in this process,
 * printing a line per step event, then the result. Exit code 0 when the run succeeded or suspended, 1 otherwise.
 */
export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(
    'run',
    argv,
    { dir: { type: 'string' }, entry: { type: 'string' }, input: { type: 'string' }, resume: { type: 'string' }, step: { type: 'string' }, data: { type: 'string' } },
    1,
  );
  const workflowName = positionals[0];
  if (!workflowName) throw new UsageError('run: name the workflow to run (mastra-ts run <workflow> --input <json>)', 'run');
  if (values.resume === undefined && values.input === undefined) throw new UsageError('run: pass --input <json|@file> to start a run, or --resume <runId> to resume one', 'run');
  if (values.resume !== undefined && values.input !== undefined) throw new UsageError('run: --input starts a run and --resume continues one: pass only one of them', 'run');
  if (values.resume === undefined && (values.step !== undefined || values.data !== undefined)) throw new UsageError('run: --step and --data go with --resume <runId>', 'run');
  const inputData = values.input !== undefined ? readJsonFlag('input', values.input, io.cwd) : undefined;
  const resumeData = values.data !== undefined ? readJsonFlag('data', values.data, io.cwd) : undefined;

  const project = await openProject(io.cwd, values, io.env);
  try {
    const workflow = project.mastra.getWorkflow(workflowName) as unknown as Workflow;
    if (typeof workflow.createRun !== 'function') throw new ConfigError({ message: `workflow "${workflowName}" is not a @mastra-ts/workflow workflow (it has no createRun)`, field: 'workflow', value: workflowName });
    const { stdout } = io;
    const startedAt = performance.now();
    let output: WorkflowRunOutput;
    if (values.resume !== undefined) {
      const existing = await workflow.getRunById(values.resume);
      if (!existing) throw new ConfigError({ message: `run ${values.resume} of workflow "${workflow.id}" was not found in this project's storage: check the run id`, field: 'resume', value: values.resume });
      stdout.write(`${paint(stdout, 'cyan', '▶')} resuming ${workflow.id} run ${values.resume}${values.step ? ` at ${values.step}` : ''}\n`);
      output = workflow.createRun({ runId: values.resume }).resumeStream({ ...(values.step !== undefined ? { step: values.step } : {}), resumeData });
    } else {
      const run = workflow.createRun();
      stdout.write(`${paint(stdout, 'cyan', '▶')} ${workflow.id} run ${run.runId}\n`);
      output = run.stream({ inputData });
    }
    const stepStarts = new Map<string, number>();
    for await (const event of output) {
      const text = eventLine(event, stepStarts, io);
      if (text) stdout.write(`${text}\n`);
    }
    const result = await output.result;
    return report(workflow, result, performance.now() - startedAt, io);
  } finally {
    await project.close();
  }
}

function eventLine(event: WorkflowStreamEvent, stepStarts: Map<string, number>, io: CliIO): string | undefined {
  const { stdout } = io;
  const payload = event.payload;
  const id = String(payload.id ?? '');
  switch (event.type) {
    case 'workflow-step-start':
      stepStarts.set(id, performance.now());
      return `  ${paint(stdout, 'cyan', '▶')} ${id}`;
    case 'workflow-step-result': {
      const started = stepStarts.get(id);
      const took = started === undefined ? '' : paint(stdout, 'dim', ` ${Math.round(performance.now() - started)} ms`);
      if (payload.status === 'success') return `  ${paint(stdout, 'green', '✓')} ${id}${took} → ${formatValue(payload.output)}`;
      if (payload.status === 'failed') return `  ${paint(stdout, 'red', '✗')} ${id}${took}: ${errorMessage(payload.error)}`;
      return undefined;
    }
    case 'workflow-step-suspended':
      return `  ${paint(stdout, 'yellow', '⏸')} ${id} suspended${payload.suspendPayload === undefined ? '' : `: ${formatValue(payload.suspendPayload)}`}`;
    case 'workflow-step-waiting':
      return `  ${paint(stdout, 'yellow', '…')} ${id} waiting`;
    case 'workflow-canceled':
      return `  ${paint(stdout, 'red', '■')} canceled`;
    default:
      return undefined;
  }
}

function report(workflow: Workflow, result: WorkflowResult, ms: number, io: CliIO): number {
  const { stdout, stderr } = io;
  const took = `${Math.round(ms)} ms`;
  if (result.status === 'success') {
    stdout.write(`${paint(stdout, 'green', '✓')} ${workflow.id} succeeded in ${took}\n${JSON.stringify(result.result, null, 2)}\n`);
    return 0;
  }
  if (result.status === 'suspended') {
    const step = result.suspended?.[0]?.join('.') ?? '<step>';
    stdout.write(`${paint(stdout, 'yellow', '⏸')} ${workflow.id} suspended at ${step} after ${took}${result.suspendPayload === undefined ? '' : `: ${formatValue(result.suspendPayload, 400)}`}\n`);
    stdout.write(`Resume it with: mastra-ts run ${workflow.id} --resume ${result.runId} --step ${step} --data '<json>'\n`);
    return 0;
  }
  stderr.write(`${paint(stderr, 'red', '✗')} ${workflow.id} ${result.status} after ${took}${result.error ? `: ${errorMessage(result.error)}` : ''}\n`);
  return 1;
}

function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message).split('\n')[0] ?? '';
  return String(error);
}
