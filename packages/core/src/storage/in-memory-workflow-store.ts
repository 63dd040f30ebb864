import { ConflictError } from '../errors/conflict-error.ts';
import { NotFoundError } from '../errors/not-found-error.ts';
import { throwIfAborted } from './check-abort.ts';
import type { StoreCallOptions } from './memory-store.ts';
import type {
  ListWorkflowRunsQuery,
  UpdateWorkflowRunArgs,
  WorkflowRunRecord,
  WorkflowStepResultRecord,
  WorkflowStore,
} from './workflow-store.ts';

type StoredRun = Omit<WorkflowRunRecord, 'snapshot'> & { snapshotText: string };

function stored(run: WorkflowRunRecord, snapshotText: string = JSON.stringify(run.snapshot) ?? 'null'): StoredRun {
  const { snapshot: _snapshot, ...rest } = run;
  return { ...rest, snapshotText };
}

// Snapshots are kept as JSON text: one stringify per write and one parse per read is much cheaper than deep-copying
// the object both ways, and it isolates callers from the store just as well.
function toRecord(run: StoredRun, snapshot?: WorkflowRunRecord['snapshot']): WorkflowRunRecord {
  const record: WorkflowRunRecord = {
    runId: run.runId,
    workflowId: run.workflowId,
    status: run.status,
    snapshot: null,
    version: run.version,
    resourceId: run.resourceId,
    leaseOwner: run.leaseOwner,
    leaseExpiresAt: run.leaseExpiresAt === undefined ? undefined : new Date(run.leaseExpiresAt),
    createdAt: new Date(run.createdAt),
    updatedAt: new Date(run.updatedAt),
  };
  if (snapshot !== undefined) record.snapshot = snapshot;
  else if (run.snapshotText.length <= 2048) record.snapshot = JSON.parse(run.snapshotText) as WorkflowRunRecord['snapshot'];
  else {
    // a large snapshot is parsed on first read: an executor committing a step reads only the new version
    const text = run.snapshotText;
    let parsed: { value: WorkflowRunRecord['snapshot'] } | undefined;
    Object.defineProperty(record, 'snapshot', {
      get: () => (parsed ??= { value: JSON.parse(text) as WorkflowRunRecord['snapshot'] }).value,
      set: (value: WorkflowRunRecord['snapshot']) => {
        parsed = { value };
      },
      enumerable: true,
      configurable: true,
    });
  }
  return record;
}

type StoredStep = Omit<WorkflowStepResultRecord, 'output' | 'error'> & { outputText: string | undefined; errorText: string | undefined };

function storedStep(step: WorkflowStepResultRecord): StoredStep {
  const { output, error, ...rest } = step;
  return {
    ...rest,
    startedAt: new Date(rest.startedAt),
    endedAt: new Date(rest.endedAt),
    outputText: output === undefined ? undefined : JSON.stringify(output),
    errorText: error === undefined ? undefined : JSON.stringify(error),
  };
}

function toStepRecord(step: StoredStep): WorkflowStepResultRecord {
  const { outputText, errorText, ...rest } = step;
  return {
    ...rest,
    startedAt: new Date(rest.startedAt),
    endedAt: new Date(rest.endedAt),
    ...(outputText === undefined ? {} : { output: JSON.parse(outputText) as WorkflowStepResultRecord['output'] }),
    ...(errorText === undefined ? {} : { error: JSON.parse(errorText) as WorkflowStepResultRecord['error'] }),
  };
}

/** The reference `WorkflowStore`, in process memory. */
export class InMemoryWorkflowStore implements WorkflowStore {
  readonly #runs = new Map<string, StoredRun>();
  readonly #steps = new Map<string, Map<string, StoredStep>>();

  async createRun(run: WorkflowRunRecord, options?: StoreCallOptions): Promise<WorkflowRunRecord> {
    throwIfAborted(options?.abortSignal);
    if (this.#runs.has(run.runId)) throw new ConflictError({ entity: 'workflow run', id: run.runId, message: `workflow run "${run.runId}" already exists` });
    const row = stored(run);
    this.#runs.set(run.runId, row);
    this.#steps.set(run.runId, new Map());
    return toRecord(row);
  }

  async getRun(runId: string, options?: StoreCallOptions): Promise<WorkflowRunRecord | null> {
    throwIfAborted(options?.abortSignal);
    const run = this.#runs.get(runId);
    return run ? toRecord(run) : null;
  }

  async listRuns(query: ListWorkflowRunsQuery): Promise<{ runs: WorkflowRunRecord[]; total: number }> {
    throwIfAborted(query.abortSignal);
    const statuses = query.status === undefined ? undefined : new Set(Array.isArray(query.status) ? query.status : [query.status]);
    const matching = [...this.#runs.values()]
      .filter(
        (run) =>
          (query.workflowId === undefined || run.workflowId === query.workflowId) &&
          (statuses === undefined || statuses.has(run.status)) &&
          (query.resourceId === undefined || run.resourceId === query.resourceId) &&
          (query.fromDate === undefined || run.createdAt >= query.fromDate) &&
          (query.toDate === undefined || run.createdAt <= query.toDate),
      )
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.runId < b.runId ? 1 : -1));
    const offset = query.offset ?? 0;
    const runs = matching.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    return { runs: runs.map((run) => toRecord(run)), total: matching.length };
  }

  async updateRun(args: UpdateWorkflowRunArgs): Promise<WorkflowRunRecord> {
    throwIfAborted(args.abortSignal);
    const run = this.#runs.get(args.runId);
    if (!run) throw new NotFoundError({ entity: 'workflow run', id: args.runId });
    if (run.version !== args.expectedVersion) {
      throw new ConflictError({
        entity: 'workflow run',
        id: args.runId,
        message: `workflow run "${args.runId}" changed concurrently: expected version ${args.expectedVersion}, found ${run.version}`,
      });
    }
    const next: StoredRun = {
      ...run,
      version: run.version + 1,
      updatedAt: args.updatedAt,
      ...(args.status === undefined ? {} : { status: args.status }),
      ...(args.snapshot === undefined ? {} : { snapshotText: JSON.stringify(args.snapshot) ?? 'null' }),
    };
    if (args.lease === null) {
      next.leaseOwner = undefined;
      next.leaseExpiresAt = undefined;
    } else if (args.lease !== undefined) {
      next.leaseOwner = args.lease.owner;
      next.leaseExpiresAt = args.lease.expiresAt;
    }
    const steps = this.#steps.get(args.runId)!;
    for (const step of args.stepResults ?? []) steps.set(`${step.stepPath}\u0000${step.iteration}`, storedStep(step));
    this.#runs.set(args.runId, next);
    // the caller's own snapshot object can be handed back; only the store's copy must stay private
    return toRecord(next, args.snapshot);
  }

  async listStepResults(runId: string, options?: StoreCallOptions): Promise<WorkflowStepResultRecord[]> {
    throwIfAborted(options?.abortSignal);
    return [...(this.#steps.get(runId)?.values() ?? [])]
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.endedAt.getTime() - b.endedAt.getTime())
      .map((step) => toStepRecord(step));
  }

  async claimExpiredRuns(
    args: { owner: string; now: Date; leaseMs: number; workflowId?: string; limit?: number } & StoreCallOptions,
  ): Promise<WorkflowRunRecord[]> {
    throwIfAborted(args.abortSignal);
    const claimed: WorkflowRunRecord[] = [];
    for (const run of this.#runs.values()) {
      if (args.limit !== undefined && claimed.length >= args.limit) break;
      if (run.status !== 'running') continue;
      if (args.workflowId !== undefined && run.workflowId !== args.workflowId) continue;
      if (run.leaseExpiresAt !== undefined && run.leaseExpiresAt > args.now) continue;
      run.leaseOwner = args.owner;
      run.leaseExpiresAt = new Date(args.now.getTime() + args.leaseMs);
      run.version += 1;
      run.updatedAt = args.now;
      claimed.push(toRecord(run));
    }
    return claimed;
  }

  async deleteRun(runId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.abortSignal);
    this.#steps.delete(runId);
    return this.#runs.delete(runId);
  }
}
