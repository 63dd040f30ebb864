import { ConflictError, NotFoundError } from '@mastra-ts/core';
import type {
  JSONValue,
  ListWorkflowRunsQuery,
  StoreCallOptions,
  UpdateWorkflowRunArgs,
  WorkflowRunRecord,
  WorkflowRunStatus,
  WorkflowStepResultRecord,
  WorkflowStore,
} from '@mastra-ts/core';
import type { Selectable, Updateable } from 'kysely';
import type { SqliteConnection } from './sqlite-connection.ts';
import { fromJsonColumn, toJsonColumn } from './json-column.ts';
import type { WorkflowRunRow, WorkflowStepRow } from './sqlite-schema.ts';

/**
 * `WorkflowStore` on SQLite. `updateRun` checks the version, writes the run and its step results in one transaction;
 * `claimExpiredRuns` is one `UPDATE … RETURNING` inside the serialized write transaction, so two claimers never
 * get the same run.
 */
export class SqliteWorkflowStore implements WorkflowStore {
  readonly #connection: SqliteConnection;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
  }

  async createRun(run: WorkflowRunRecord, options?: StoreCallOptions): Promise<WorkflowRunRecord> {
    const row = runToRow(run);
    await this.#connection.write('createRun', options?.abortSignal, async ({ db }) => {
      const result = await db.insertInto('workflow_runs').values(row).onConflict((conflict) => conflict.column('run_id').doNothing()).executeTakeFirst();
      if (result.numInsertedOrUpdatedRows === 0n) {
        throw new ConflictError({ entity: 'workflow run', id: run.runId, message: `workflow run "${run.runId}" already exists: use a new run id or updateRun` });
      }
    });
    return rowToRun(row);
  }

  async getRun(runId: string, options?: StoreCallOptions): Promise<WorkflowRunRecord | null> {
    const row = await this.#connection.read('getRun', options?.abortSignal, (db) => db.selectFrom('workflow_runs').selectAll().where('run_id', '=', runId).executeTakeFirst());
    return row ? rowToRun(row) : null;
  }

  async listRuns(query: ListWorkflowRunsQuery): Promise<{ runs: WorkflowRunRecord[]; total: number }> {
    return this.#connection.read('listRuns', query.abortSignal, async (db) => {
      let base = db.selectFrom('workflow_runs');
      if (query.workflowId !== undefined) base = base.where('workflow_id', '=', query.workflowId);
      if (query.status !== undefined) {
        const statuses = Array.isArray(query.status) ? query.status : [query.status];
        base = statuses.length === 0 ? base.where((eb) => eb.lit(false)) : base.where('status', 'in', statuses);
      }
      if (query.resourceId !== undefined) base = base.where('resource_id', '=', query.resourceId);
      if (query.fromDate !== undefined) base = base.where('created_at', '>=', query.fromDate.getTime());
      if (query.toDate !== undefined) base = base.where('created_at', '<=', query.toDate.getTime());
      const offset = query.offset ?? 0;
      let select = base.selectAll().orderBy('created_at', 'desc').orderBy('run_id', 'desc');
      if (query.limit !== undefined) select = select.limit(query.limit).offset(offset);
      else if (offset > 0) select = select.limit(-1).offset(offset);
      const rows = await select.execute();
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      return { runs: rows.map(rowToRun), total };
    });
  }

  async updateRun(args: UpdateWorkflowRunArgs): Promise<WorkflowRunRecord> {
    return this.#connection.write('updateRun', args.abortSignal, async ({ db, checkAborted }) => {
      const current = await db.selectFrom('workflow_runs').select('version').where('run_id', '=', args.runId).executeTakeFirst();
      if (!current) throw new NotFoundError({ entity: 'workflow run', id: args.runId, message: `No workflow run "${args.runId}": create it with createRun first` });
      if (current.version !== args.expectedVersion) {
        throw new ConflictError({
          entity: 'workflow run',
          id: args.runId,
          message: `workflow run "${args.runId}" changed concurrently: expected version ${args.expectedVersion}, found ${current.version}; re-read the run and retry`,
        });
      }
      const changes: Updateable<WorkflowRunRow> = { version: current.version + 1, updated_at: args.updatedAt.getTime() };
      if (args.status !== undefined) changes.status = args.status;
      if (args.snapshot !== undefined) changes.snapshot = JSON.stringify(args.snapshot);
      if (args.lease === null) {
        changes.lease_owner = null;
        changes.lease_expires_at = null;
      } else if (args.lease !== undefined) {
        changes.lease_owner = args.lease.owner;
        changes.lease_expires_at = args.lease.expiresAt.getTime();
      }
      const updated = await db.updateTable('workflow_runs').set(changes).where('run_id', '=', args.runId).where('version', '=', args.expectedVersion).returningAll().executeTakeFirstOrThrow();
      for (const step of args.stepResults ?? []) {
        checkAborted();
        const row = stepToRow({ ...step, runId: args.runId });
        await db
          .insertInto('workflow_steps')
          .values(row)
          .onConflict((conflict) =>
            conflict.columns(['run_id', 'step_path', 'iteration']).doUpdateSet({
              status: row.status,
              output: row.output,
              error: row.error,
              attempt: row.attempt,
              started_at: row.started_at,
              ended_at: row.ended_at,
            }),
          )
          .execute();
      }
      return rowToRun(updated);
    });
  }

  async listStepResults(runId: string, options?: StoreCallOptions): Promise<WorkflowStepResultRecord[]> {
    const rows = await this.#connection.read('listStepResults', options?.abortSignal, (db) =>
      db.selectFrom('workflow_steps').selectAll().where('run_id', '=', runId).orderBy('started_at').orderBy('ended_at').orderBy('step_path').orderBy('iteration').execute(),
    );
    return rows.map(rowToStep);
  }

  async claimExpiredRuns(
    args: { owner: string; now: Date; leaseMs: number; workflowId?: string; limit?: number } & StoreCallOptions,
  ): Promise<WorkflowRunRecord[]> {
    const now = args.now.getTime();
    const rows = await this.#connection.write('claimExpiredRuns', args.abortSignal, ({ db }) =>
      db
        .updateTable('workflow_runs')
        .set((eb) => ({ lease_owner: args.owner, lease_expires_at: now + args.leaseMs, version: eb('version', '+', 1), updated_at: now }))
        .where('run_id', 'in', (eb) => {
          let candidates = eb
            .selectFrom('workflow_runs')
            .select('run_id')
            .where('status', '=', 'running')
            .where((inner) => inner.or([inner('lease_expires_at', 'is', null), inner('lease_expires_at', '<=', now)]));
          if (args.workflowId !== undefined) candidates = candidates.where('workflow_id', '=', args.workflowId);
          candidates = candidates.orderBy('created_at').orderBy('run_id');
          return args.limit === undefined ? candidates : candidates.limit(args.limit);
        })
        .returningAll()
        .execute(),
    );
    return rows.map(rowToRun).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.runId < b.runId ? -1 : 1));
  }

  async deleteRun(runId: string, options?: StoreCallOptions): Promise<boolean> {
    return this.#connection.write('deleteRun', options?.abortSignal, async ({ db }) => {
      await db.deleteFrom('workflow_steps').where('run_id', '=', runId).execute();
      const result = await db.deleteFrom('workflow_runs').where('run_id', '=', runId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}

function runToRow(run: WorkflowRunRecord): WorkflowRunRow {
  return {
    run_id: run.runId,
    workflow_id: run.workflowId,
    status: run.status,
    snapshot: JSON.stringify(run.snapshot),
    resource_id: run.resourceId ?? null,
    version: run.version,
    lease_owner: run.leaseOwner ?? null,
    lease_expires_at: run.leaseExpiresAt?.getTime() ?? null,
    created_at: run.createdAt.getTime(),
    updated_at: run.updatedAt.getTime(),
  };
}

function rowToRun(row: Selectable<WorkflowRunRow>): WorkflowRunRecord {
  const run: WorkflowRunRecord = {
    runId: row.run_id,
    workflowId: row.workflow_id,
    status: row.status as WorkflowRunStatus,
    snapshot: JSON.parse(row.snapshot) as JSONValue,
    version: row.version,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
  if (row.resource_id !== null) run.resourceId = row.resource_id;
  if (row.lease_owner !== null) run.leaseOwner = row.lease_owner;
  if (row.lease_expires_at !== null) run.leaseExpiresAt = new Date(row.lease_expires_at);
  return run;
}

function stepToRow(step: WorkflowStepResultRecord): WorkflowStepRow {
  return {
    run_id: step.runId,
    step_path: step.stepPath,
    iteration: step.iteration,
    status: step.status,
    output: toJsonColumn(step.output),
    error: toJsonColumn(step.error),
    attempt: step.attempt,
    started_at: step.startedAt.getTime(),
    ended_at: step.endedAt.getTime(),
  };
}

function rowToStep(row: Selectable<WorkflowStepRow>): WorkflowStepResultRecord {
  const step: WorkflowStepResultRecord = {
    runId: row.run_id,
    stepPath: row.step_path,
    iteration: row.iteration,
    status: row.status as WorkflowStepResultRecord['status'],
    attempt: row.attempt,
    startedAt: new Date(row.started_at),
    endedAt: new Date(row.ended_at),
  };
  if (row.output !== null) step.output = fromJsonColumn<JSONValue>(row.output);
  if (row.error !== null) step.error = fromJsonColumn<JSONValue>(row.error);
  return step;
}
