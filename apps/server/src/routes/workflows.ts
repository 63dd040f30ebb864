import { ConflictError, NotFoundError, RequestContext, type Mastra, type RegisteredWorkflow, type Schema, type WorkflowRunRecord, type WorkflowRunStatus, type WorkflowStore } from '@mastra-ts/core';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { boolQuery, intQuery, optionalString } from '../input.ts';
import { defineRoute, json, trackBackground, type RouteDefinition, type ServerState } from '../route.ts';
import { schemaString } from '../schema-string.ts';
import { idempotent } from '../idempotency.ts';
import type { WorkflowEvent } from '../workflow-events.ts';

/** What the routes use from a run (`@mastra-ts/workflow`'s `Run`). */
interface ServerRun {
  readonly runId: string;
  start(options: { inputData: unknown; initialState?: unknown; requestContext?: RequestContext }): Promise<Record<string, unknown>>;
  resume(options: { step?: string | string[]; resumeData?: unknown; forEachIndex?: number; requestContext?: RequestContext }): Promise<Record<string, unknown>>;
  cancel(): unknown;
  watch?(listener: (event: WorkflowEvent) => void): () => void;
}

/** What the routes use from a workflow (`@mastra-ts/workflow`'s `Workflow`). */
interface ServerWorkflow extends RegisteredWorkflow {
  readonly description?: string;
  readonly inputSchema?: Schema;
  readonly outputSchema?: Schema;
  readonly stateSchema?: Schema;
  readonly steps?: Record<string, { id: string; description?: string; inputSchema?: Schema; outputSchema?: Schema; resumeSchema?: Schema; suspendSchema?: Schema }>;
  readonly stepGraph?: unknown[];
  createRun(options?: { runId?: string; resourceId?: string }): ServerRun | Promise<ServerRun>;
  /** Creates the run and stores it as `pending`. */
  createRunAsync?(options?: { runId?: string; resourceId?: string }): Promise<ServerRun>;
  getRunById?(runId: string, options?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown> | null>;
}

function getWorkflow(mastra: Mastra, workflowId: string): ServerWorkflow {
  const workflow = mastra.getWorkflow(workflowId) as ServerWorkflow;
  if (typeof workflow.createRun !== 'function') throw new HttpError('NOT_IMPLEMENTED', `Workflow "${workflowId}" cannot be run: build it with createWorkflow() from @mastra-ts/workflow`);
  return workflow;
}

function workflowStore(mastra: Mastra): WorkflowStore | undefined {
  return mastra.getStorage()?.workflows;
}

function describeWorkflow(key: string, workflow: ServerWorkflow, partial: boolean): Record<string, unknown> {
  const steps: Record<string, Record<string, unknown>> = {};
  for (const [id, step] of Object.entries(workflow.steps ?? {})) {
    steps[id] = {
      id: step.id ?? id,
      ...(step.description === undefined ? {} : { description: step.description }),
      ...(partial
        ? {}
        : {
            inputSchema: schemaString(step.inputSchema),
            outputSchema: schemaString(step.outputSchema),
            resumeSchema: schemaString(step.resumeSchema),
            suspendSchema: schemaString(step.suspendSchema),
          }),
    };
  }
  return {
    name: workflow.id ?? key,
    ...(workflow.description === undefined ? {} : { description: workflow.description }),
    steps,
    allSteps: steps,
    stepGraph: Array.isArray(workflow.stepGraph) ? workflow.stepGraph : Object.keys(steps).map((id) => ({ type: 'step', step: { id } })),
    ...(partial ? {} : { inputSchema: schemaString(workflow.inputSchema), outputSchema: schemaString(workflow.outputSchema), stateSchema: schemaString(workflow.stateSchema) }),
    origin: 'code',
  };
}

/** A workflow result as JSON: errors become `{ name, message }` (no stack). */
function serializeResult(result: Record<string, unknown>): Record<string, unknown> {
  const steps: Record<string, unknown> = {};
  for (const [id, step] of Object.entries((result.steps as Record<string, Record<string, unknown>> | undefined) ?? {})) {
    steps[id] = step.error === undefined ? step : { ...step, error: serializeError(step.error) };
  }
  return { ...result, steps, ...(result.error === undefined ? {} : { error: serializeError(result.error) }) };
}

function serializeError(error: unknown): unknown {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return error;
}

async function existingRun(mastra: Mastra, workflow: ServerWorkflow, runId: string, abortSignal: AbortSignal): Promise<WorkflowRunRecord | Record<string, unknown> | null> {
  const store = workflowStore(mastra);
  if (store) return store.getRun(runId, { abortSignal });
  return workflow.getRunById ? workflow.getRunById(runId, { abortSignal }) : null;
}

async function requireRun(mastra: Mastra, workflow: ServerWorkflow, workflowId: string, runId: string, abortSignal: AbortSignal): Promise<void> {
  const run = await existingRun(mastra, workflow, runId, abortSignal);
  if (!run) throw new NotFoundError({ entity: 'workflow run', id: runId, message: `No run "${runId}" of workflow "${workflowId}": create it first with POST /workflows/${workflowId}/create-run` });
}

/** The workflow and a handle on its existing run `input.runId`; `NotFoundError` when either is unknown. */
async function openRun(mastra: Mastra, input: { workflowId: string; runId: string }, abortSignal: AbortSignal): Promise<{ workflow: ServerWorkflow; run: ServerRun }> {
  const workflow = getWorkflow(mastra, input.workflowId);
  await requireRun(mastra, workflow, input.workflowId, input.runId, abortSignal);
  return { workflow, run: await workflow.createRun({ runId: input.runId }) };
}

/** Subscribes the event hub to a run; returns the unsubscribe and the close of the recorder. */
function record(state: ServerState, run: ServerRun): { stop(): void; live: AsyncIterable<WorkflowEvent> | undefined } {
  const recorder = state.workflowEvents.open(run.runId);
  const unsubscribe = run.watch?.((event) => recorder.push(event));
  return {
    stop() {
      unsubscribe?.();
      recorder.close();
    },
    live: undefined,
  };
}

/** Runs `action` on the run and streams its events until it settles; the run keeps going if the client leaves. */
function streamRun(state: ServerState, run: ServerRun, action: () => Promise<Record<string, unknown>>, abortSignal: AbortSignal): AsyncIterable<WorkflowEvent> {
  const offset = state.workflowEvents.size(run.runId);
  const recording = record(state, run);
  const finished = action().then(
    (result) => result,
    (error: unknown) => ({ status: 'failed', error }),
  );
  const settled = finished.finally(() => recording.stop());
  trackBackground(state, settled);
  return state.workflowEvents.observe(run.runId, offset, abortSignal);
}

/** Runs `action` on `run` with its events recorded for observers; the recording stops when the action settles. */
async function recorded<T>(state: ServerState, run: ServerRun, action: () => Promise<T>): Promise<T> {
  const recording = record(state, run);
  try {
    return await action();
  } finally {
    recording.stop();
  }
}

/** `createRun` options from a request: its runId and resourceId when given. */
function runOptions(input: { runId?: string | undefined; resourceId?: string | undefined }): { runId?: string; resourceId?: string } {
  return { ...(input.runId ? { runId: input.runId } : {}), ...(input.resourceId ? { resourceId: input.resourceId } : {}) };
}

const workflowParams = z.object({ workflowId: z.string().min(1) });
const runQuery = z.object({ runId: z.string().min(1).max(200) });
const startBody = z.object({ inputData: z.unknown().optional(), initialState: z.unknown().optional(), resourceId: z.string().min(1).optional(), requestContext: z.record(z.string(), z.unknown()).optional() });
const resumeBody = z.object({
  step: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  resumeData: z.unknown().optional(),
  forEachIndex: z.number().int().min(0).optional(),
  requestContext: z.record(z.string(), z.unknown()).optional(),
});

function resumeOptions(input: z.output<typeof resumeBody>, requestContext: RequestContext): Parameters<ServerRun['resume']>[0] {
  return {
    ...(input.step === undefined ? {} : { step: input.step }),
    ...(input.resumeData === undefined ? {} : { resumeData: input.resumeData }),
    ...(input.forEachIndex === undefined ? {} : { forEachIndex: input.forEachIndex }),
    requestContext,
  };
}

function startOptions(input: z.output<typeof startBody>, requestContext: RequestContext): Parameters<ServerRun['start']>[0] {
  return { inputData: input.inputData, ...(input.initialState === undefined ? {} : { initialState: input.initialState }), requestContext };
}

/**
 * Creates a run and starts it to its result (recorded for observers). With a `runId` the call is idempotent: a
 * repeated request gets the first one's result.
 */
async function startToResult(
  mastra: Mastra,
  state: ServerState,
  input: { workflowId: string; runId?: string | undefined; resourceId?: string | undefined },
  options: Parameters<ServerRun['start']>[0],
): Promise<unknown> {
  const workflow = getWorkflow(mastra, input.workflowId);
  const work = async (): Promise<unknown> => {
    const run = await workflow.createRun(runOptions(input));
    return serializeResult(await recorded(state, run, () => run.start(options)));
  };
  return input.runId === undefined ? work() : idempotent(state, `workflow:${workflow.id}:start:${input.runId}`, work);
}

const terminal = new Set<WorkflowRunStatus>(['success', 'failed', 'canceled']);

/** Workflow routes: list, details, runs (create, start, resume, stream, observe, cancel, status, list, delete), and `/execute`. */
export function workflowRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/workflows',
      family: 'workflows',
      summary: 'List workflows by id',
      query: z.object({ partial: boolQuery() }),
      handler({ mastra, input }) {
        const result: Record<string, unknown> = {};
        for (const [key, workflow] of Object.entries(mastra.listWorkflows())) result[key] = describeWorkflow(key, workflow as ServerWorkflow, input.partial === true);
        return json(result);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/workflows/run-counts',
      family: 'workflows',
      summary: 'Running and suspended runs per workflow',
      async handler({ mastra, abortSignal }) {
        const store = workflowStore(mastra);
        const result: Record<string, { running: number; suspended: number }> = {};
        for (const [key, workflow] of Object.entries(mastra.listWorkflows())) {
          const count = async (status: WorkflowRunStatus): Promise<number> => (store ? (await store.listRuns({ workflowId: workflow.id, status, limit: 1, abortSignal })).total : 0);
          result[key] = { running: await count('running'), suspended: await count('suspended') };
        }
        return json(result);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/workflows/:workflowId',
      family: 'workflows',
      summary: 'Workflow details: steps, graph, schemas',
      params: workflowParams,
      handler({ mastra, input }) {
        return json(describeWorkflow(input.workflowId, mastra.getWorkflow(input.workflowId) as ServerWorkflow, false));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/create-run',
      family: 'workflows',
      summary: 'Create a pending run (idempotent by runId)',
      params: workflowParams,
      query: z.object({ runId: optionalString() }),
      body: z.object({ resourceId: z.string().min(1).optional() }),
      async handler({ mastra, input, abortSignal }) {
        const workflow = getWorkflow(mastra, input.workflowId);
        if (input.runId !== undefined && (await existingRun(mastra, workflow, input.runId, abortSignal))) return json({ runId: input.runId });
        const options = runOptions(input);
        const run = workflow.createRunAsync ? await workflow.createRunAsync(options) : await workflow.createRun(options);
        return json({ runId: run.runId });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/start',
      family: 'workflows',
      summary: 'Start a created run without waiting for it',
      params: workflowParams,
      query: runQuery,
      body: startBody,
      async handler({ mastra, input, requestContext, abortSignal, state }) {
        const { run } = await openRun(mastra, input, abortSignal);
        trackBackground(state, recorded(state, run, () => run.start(startOptions(input, requestContext))));
        return json({ message: 'Workflow run started' });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/start-async',
      family: 'workflows',
      summary: 'Start a run and wait for its result',
      params: workflowParams,
      query: z.object({ runId: optionalString() }),
      body: startBody,
      async handler({ mastra, input, requestContext, state }) {
        return json(await startToResult(mastra, state, input, startOptions(input, requestContext)));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/execute',
      family: 'workflows',
      summary: "The original design's route: run a workflow to its result in one call",
      params: workflowParams,
      body: startBody.extend({ input: z.unknown().optional(), runId: z.string().min(1).optional() }),
      async handler({ mastra, input, requestContext, state }) {
        return json(await startToResult(mastra, state, input, { ...startOptions(input, requestContext), inputData: input.inputData ?? input.input }));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/stream',
      family: 'workflows',
      summary: 'Start a run and stream its events (JSON records separated by \\x1E)',
      params: workflowParams,
      query: runQuery,
      body: startBody.extend({ closeOnSuspend: z.boolean().optional() }),
      responds: 'records',
      async handler({ mastra, input, requestContext, abortSignal, state }) {
        const workflow = getWorkflow(mastra, input.workflowId);
        const existing = await existingRun(mastra, workflow, input.runId, abortSignal);
        const status = existing && 'status' in existing ? (existing.status as WorkflowRunStatus) : undefined;
        if (status !== undefined && terminal.has(status)) throw new ConflictError({ entity: 'workflow run', id: input.runId, message: `Run "${input.runId}" already finished (${status}); create a new run` });
        const run = await workflow.createRun({ runId: input.runId, ...(input.resourceId ? { resourceId: input.resourceId } : {}) });
        return { kind: 'records', records: streamRun(state, run, () => run.start(startOptions(input, requestContext)), abortSignal) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/resume',
      family: 'workflows',
      summary: 'Resume a suspended run without waiting',
      params: workflowParams,
      query: runQuery,
      body: resumeBody,
      async handler({ mastra, input, requestContext, abortSignal, state }) {
        const { run } = await openRun(mastra, input, abortSignal);
        trackBackground(state, recorded(state, run, () => run.resume(resumeOptions(input, requestContext))));
        return json({ message: 'Workflow run resumed' });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/resume-no-wait',
      family: 'workflows',
      summary: 'Resume a suspended run without waiting; returns its runId',
      params: workflowParams,
      query: runQuery,
      body: resumeBody,
      async handler({ mastra, input, requestContext, abortSignal, state }) {
        const { run } = await openRun(mastra, input, abortSignal);
        trackBackground(state, recorded(state, run, () => run.resume(resumeOptions(input, requestContext))));
        return json({ runId: input.runId });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/resume-async',
      family: 'workflows',
      summary: 'Resume a suspended run and wait for its result (a concurrent second resume gets 409)',
      params: workflowParams,
      query: runQuery,
      body: resumeBody,
      async handler({ mastra, input, requestContext, abortSignal, state }) {
        const workflow = getWorkflow(mastra, input.workflowId);
        await requireRun(mastra, workflow, input.workflowId, input.runId, abortSignal);
        const resume = async (): Promise<unknown> => {
          const run = await workflow.createRun({ runId: input.runId });
          return serializeResult(await recorded(state, run, () => run.resume(resumeOptions(input, requestContext))));
        };
        // a retried resume (same run, step and data) gets the first one's result; a different resume still races and gets 409
        return json(await idempotent(state, `workflow:${workflow.id}:resume:${input.runId}:${JSON.stringify([input.step, input.resumeData, input.forEachIndex])}`, resume));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/resume-stream',
      family: 'workflows',
      summary: 'Resume a suspended run and stream its events',
      params: workflowParams,
      query: runQuery,
      body: resumeBody,
      responds: 'records',
      async handler({ mastra, input, requestContext, abortSignal, state }) {
        const { run } = await openRun(mastra, input, abortSignal);
        return { kind: 'records', records: streamRun(state, run, () => run.resume(resumeOptions(input, requestContext)), abortSignal) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/observe',
      family: 'workflows',
      summary: "Replay a run's events from an offset, then follow it live",
      params: workflowParams,
      query: z.object({ runId: z.string().min(1), offset: intQuery(0) }),
      responds: 'records',
      async handler({ mastra, input, abortSignal, state }) {
        const workflow = getWorkflow(mastra, input.workflowId);
        if (!state.workflowEvents.has(input.runId)) await requireRun(mastra, workflow, input.workflowId, input.runId, abortSignal);
        return { kind: 'records', records: state.workflowEvents.observe(input.runId, input.offset ?? 0, abortSignal) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/workflows/:workflowId/runs/:runId/cancel',
      family: 'workflows',
      summary: 'Cancel a run',
      params: z.object({ workflowId: z.string().min(1), runId: z.string().min(1) }),
      async handler({ mastra, input, abortSignal }) {
        const { run } = await openRun(mastra, input, abortSignal);
        await run.cancel();
        return json({ message: 'Workflow run canceled' });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/workflows/:workflowId/runs',
      family: 'workflows',
      summary: "A workflow's runs, newest first",
      params: workflowParams,
      query: z.object({
        fromDate: z.coerce.date().optional(),
        toDate: z.coerce.date().optional(),
        page: intQuery(0),
        perPage: intQuery(1, 1000),
        limit: intQuery(1, 1000),
        offset: intQuery(0),
        resourceId: optionalString(),
        status: z.enum(['pending', 'running', 'suspended', 'success', 'failed', 'canceled']).optional(),
      }),
      async handler({ mastra, input, abortSignal }) {
        mastra.getWorkflow(input.workflowId);
        const store = workflowStore(mastra);
        if (!store) return json({ runs: [], total: 0 });
        const limit = input.perPage ?? input.limit ?? 50;
        const offset = input.page !== undefined ? input.page * limit : (input.offset ?? 0);
        const { runs, total } = await store.listRuns({
          workflowId: (mastra.getWorkflow(input.workflowId) as ServerWorkflow).id,
          limit,
          offset,
          ...(input.status ? { status: input.status } : {}),
          ...(input.resourceId ? { resourceId: input.resourceId } : {}),
          ...(input.fromDate ? { fromDate: input.fromDate } : {}),
          ...(input.toDate ? { toDate: input.toDate } : {}),
          abortSignal,
        });
        return json({
          runs: runs.map((run) => ({ workflowName: run.workflowId, runId: run.runId, status: run.status, snapshot: run.snapshot, createdAt: run.createdAt, updatedAt: run.updatedAt, ...(run.resourceId ? { resourceId: run.resourceId } : {}) })),
          total,
        });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/workflows/:workflowId/runs/:runId',
      family: 'workflows',
      summary: "A run's status, result and steps (the polling endpoint)",
      params: z.object({ workflowId: z.string().min(1), runId: z.string().min(1) }),
      query: z.object({ fields: optionalString(), withNestedWorkflows: boolQuery() }),
      async handler({ mastra, input, abortSignal }) {
        const workflow = getWorkflow(mastra, input.workflowId);
        const info = workflow.getRunById ? await workflow.getRunById(input.runId, { abortSignal }) : await workflowStore(mastra)?.getRun(input.runId, { abortSignal });
        if (!info) throw new NotFoundError({ entity: 'workflow run', id: input.runId, message: `No run "${input.runId}" of workflow "${input.workflowId}"` });
        const full = serializeResult(info as Record<string, unknown>);
        const result: Record<string, unknown> = {
          runId: input.runId,
          workflowName: full.workflowId ?? workflow.id,
          resourceId: full.resourceId,
          createdAt: full.createdAt,
          updatedAt: full.updatedAt,
          status: full.status,
        };
        const all: Record<string, unknown> = { result: full.result, error: full.error, payload: full.input, steps: full.steps, initialState: full.state, suspended: full.suspended };
        const fields = input.fields?.split(',').map((field) => field.trim()).filter(Boolean);
        for (const [key, value] of Object.entries(all)) if (value !== undefined && (!fields || fields.includes(key))) result[key] = value;
        return json(result);
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/workflows/:workflowId/runs/:runId',
      family: 'workflows',
      summary: 'Delete a run',
      params: z.object({ workflowId: z.string().min(1), runId: z.string().min(1) }),
      async handler({ mastra, input, abortSignal }) {
        mastra.getWorkflow(input.workflowId);
        const store = workflowStore(mastra);
        if (!store || !(await store.deleteRun(input.runId, { abortSignal }))) throw new NotFoundError({ entity: 'workflow run', id: input.runId });
        return json({ message: 'Workflow run deleted' });
      },
    }),
  ];
}
