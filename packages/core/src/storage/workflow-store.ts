import type { JSONValue } from '../shared/json-value.ts';
import type { StoreCallOptions } from './memory-store.ts';

/** Status of a workflow run. */
export type WorkflowRunStatus = 'pending' | 'running' | 'suspended' | 'success' | 'failed' | 'canceled';

/** A workflow run row. */
export interface WorkflowRunRecord {
  runId: string;
  workflowId: string;
  status: WorkflowRunStatus;
  /** The executor's snapshot of the run (context, suspended paths, …). Opaque to the store. */
  snapshot: JSONValue;
  resourceId?: string | undefined;
  /** Incremented by every update; used for optimistic concurrency. */
  version: number;
  /** The process holding the run, while it executes. */
  leaseOwner?: string | undefined;
  leaseExpiresAt?: Date | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** The recorded result of one step execution. Keyed by `(runId, stepPath, iteration)`. */
export interface WorkflowStepResultRecord {
  runId: string;
  /** Dotted path of the step in the graph, e.g. `fetch` or `loop.3.child`. */
  stepPath: string;
  iteration: number;
  status: 'success' | 'failed' | 'suspended' | 'skipped';
  output?: JSONValue | undefined;
  error?: JSONValue | undefined;
  attempt: number;
  startedAt: Date;
  endedAt: Date;
}

/** Query for `listRuns`. */
export interface ListWorkflowRunsQuery extends StoreCallOptions {
  workflowId?: string;
  status?: WorkflowRunStatus | WorkflowRunStatus[];
  resourceId?: string;
  fromDate?: Date;
  toDate?: Date;
  limit?: number;
  offset?: number;
}

/** Arguments of `updateRun`. */
export interface UpdateWorkflowRunArgs extends StoreCallOptions {
  runId: string;
  /** The version the caller read. The update fails with `ConflictError` when it changed since. */
  expectedVersion: number;
  status?: WorkflowRunStatus;
  snapshot?: JSONValue;
  /** Step results to record in the same transaction. */
  stepResults?: WorkflowStepResultRecord[];
  /** `null` releases the lease. */
  lease?: { owner: string; expiresAt: Date } | null;
  updatedAt: Date;
}

/**
 * Workflow runs, their snapshots, step results and leases.
 * `updateRun` commits the snapshot and step results in one transaction, guarded by the run version,
 * which is what makes a second concurrent resume fail instead of running steps twice.
 */
export interface WorkflowStore {
  /** Inserts a run; fails with `ConflictError` when the run id exists. */
  createRun(run: WorkflowRunRecord, options?: StoreCallOptions): Promise<WorkflowRunRecord>;
  getRun(runId: string, options?: StoreCallOptions): Promise<WorkflowRunRecord | null>;
  listRuns(query: ListWorkflowRunsQuery): Promise<{ runs: WorkflowRunRecord[]; total: number }>;
  /** Applies the update if `expectedVersion` matches; returns the new row (version + 1). */
  updateRun(args: UpdateWorkflowRunArgs): Promise<WorkflowRunRecord>;
  listStepResults(runId: string, options?: StoreCallOptions): Promise<WorkflowStepResultRecord[]>;
  /**
   * Atomically claims runs in `running` status whose lease expired before `now` (a crashed process),
   * setting `owner` and a new expiry. Returns the claimed runs.
   */
  claimExpiredRuns(args: { owner: string; now: Date; leaseMs: number; workflowId?: string; limit?: number } & StoreCallOptions): Promise<WorkflowRunRecord[]>;
  deleteRun(runId: string, options?: StoreCallOptions): Promise<boolean>;
}
