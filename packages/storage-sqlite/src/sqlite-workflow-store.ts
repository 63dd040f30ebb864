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
import { throwIfAborted } from '@mastra-ts/core';
import type { Selectable, Updateable } from 'kysely';
import type { SqliteConnection } from './sqlite-connection.ts';
import { fromJsonColumn, toJsonColumn } from './json-column.ts';
import { PreparedQuery, PreparedQueryVariants, slot } from './prepared-query.ts';
import type { WorkflowRunRow, WorkflowStepRow } from './sqlite-schema.ts';

const runSlots = ['run_id', 'workflow_id', 'status', 'snapshot', 'resource_id', 'version', 'lease_owner', 'lease_expires_at', 'created_at', 'updated_at'] as const;
const stepSlots = ['run_id', 'step_path', 'iteration', 'status', 'output', 'error', 'attempt', 'started_at', 'ended_at'] as const;
const updateHasStatus = 1;
const updateHasSnapshot = 2;
const updateHasLease = 4;

/** The prepared statements of the hot calls, compiled from kysely once per store. */
class WorkflowStatements {
  readonly insertRun: PreparedQuery;
  readonly selectRun: PreparedQuery;
  readonly selectVersion: PreparedQuery;
  readonly upsertStep: PreparedQuery;
  /** `UPDATE … RETURNING *` by which of status, snapshot and lease a call changes (bits `updateHas…`). */
  readonly updateRun: PreparedQueryVariants;

  constructor(connection: SqliteConnection) {
    const { db, database } = connection;
    this.insertRun = new PreparedQuery(
      database,
      db
        .insertInto('workflow_runs')
        .values(Object.fromEntries(runSlots.map((column) => [column, slot(column)])) as unknown as WorkflowRunRow)
        .onConflict((conflict) => conflict.column('run_id').doNothing()),
      runSlots,
    );
    this.selectRun = new PreparedQuery(database, db.selectFrom('workflow_runs').selectAll().where('run_id', '=', slot<string>('run_id')), ['run_id']);
    this.selectVersion = new PreparedQuery(database, db.selectFrom('workflow_runs').select('version').where('run_id', '=', slot<string>('run_id')), ['run_id']);
    this.upsertStep = new PreparedQuery(
      database,
      db
        .insertInto('workflow_steps')
        .values(Object.fromEntries(stepSlots.map((column) => [column, slot(column)])) as unknown as WorkflowStepRow)
        .onConflict((conflict) =>
          conflict.columns(['run_id', 'step_path', 'iteration']).doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            output: eb.ref('excluded.output'),
            error: eb.ref('excluded.error'),
            attempt: eb.ref('excluded.attempt'),
            started_at: eb.ref('excluded.started_at'),
            ended_at: eb.ref('excluded.ended_at'),
          })),
        ),
      stepSlots,
    );
    this.updateRun = new PreparedQueryVariants((variant) => {
      const changes: Updateable<WorkflowRunRow> = { version: slot<number>('version'), updated_at: slot<number>('updated_at') };
      const slots = ['version', 'updated_at'];
      if (variant & updateHasStatus) {
        slots.push('status');
        changes.status = slot<string>('status');
      }
      if (variant & updateHasSnapshot) {
        slots.push('snapshot');
        changes.snapshot = slot<string>('snapshot');
      }
      if (variant & updateHasLease) {
        slots.push('lease_owner', 'lease_expires_at');
        changes.lease_owner = slot<string | null>('lease_owner');
        changes.lease_expires_at = slot<number | null>('lease_expires_at');
      }
      slots.push('run_id', 'expected_version');
      const query = db.updateTable('workflow_runs').set(changes).where('run_id', '=', slot<string>('run_id')).where('version', '=', slot<number>('expected_version')).returningAll();
      return new PreparedQuery(database, query, slots);
    });
  }
}

/**
 * `WorkflowStore` on SQLite. `updateRun` checks the version, writes the run and its step results in one transaction;
 * `claimExpiredRuns` is one `UPDATE … RETURNING` inside the serialized write transaction, so two claimers never
 * get the same run. `createRun`, `getRun` and `updateRun` run prepared statements synchronously inside the
 * transaction (unless the storage was opened with `preparedStatements: false`).
 */
export class SqliteWorkflowStore implements WorkflowStore {
  readonly #connection: SqliteConnection;
  readonly #statements: WorkflowStatements | undefined;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
    if (connection.preparedStatements) this.#statements = new WorkflowStatements(connection);
  }

  async createRun(run: WorkflowRunRecord, options?: StoreCallOptions): Promise<WorkflowRunRecord> {
    const row = runToRow(run);
    const statements = this.#statements;
    if (!statements) return this.#createRunWithKysely(row, run.runId, options);
    await this.#connection.writeNow('createRun', options?.abortSignal, () => {
      const result = statements.insertRun.statement.run(
        row.run_id,
        row.workflow_id,
        row.status,
        row.snapshot,
        row.resource_id,
        row.version,
        row.lease_owner,
        row.lease_expires_at,
        row.created_at,
        row.updated_at,
      );
      if (result.changes === 0) throw runExists(run.runId);
    });
    return rowToRun(row);
  }

  async #createRunWithKysely(row: WorkflowRunRow, runId: string, options: StoreCallOptions | undefined): Promise<WorkflowRunRecord> {
    await this.#connection.write('createRun', options?.abortSignal, async ({ db }) => {
      const result = await db.insertInto('workflow_runs').values(row).onConflict((conflict) => conflict.column('run_id').doNothing()).executeTakeFirst();
      if (result.numInsertedOrUpdatedRows === 0n) throw runExists(runId);
    });
    return rowToRun(row);
  }

  async getRun(runId: string, options?: StoreCallOptions): Promise<WorkflowRunRecord | null> {
    const statements = this.#statements;
    if (statements) {
      const found = await this.#connection.readNow('getRun', options?.abortSignal, () => statements.selectRun.statement.get(runId) as WorkflowRunRow | undefined);
      return found ? rowToRun(found) : null;
    }
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
    const statements = this.#statements;
    if (!statements) return this.#updateRunWithKysely(args);
    return this.#connection.writeNow('updateRun', args.abortSignal, (abortSignal) => {
      const current = statements.selectVersion.statement.get(args.runId) as { version: number } | undefined;
      checkVersion(args, current);
      const { lease, status, snapshot } = args;
      const values: unknown[] = [args.expectedVersion + 1, args.updatedAt.getTime()];
      let variant = 0;
      if (status !== undefined) {
        values.push(status);
        variant |= updateHasStatus;
      }
      if (snapshot !== undefined) {
        values.push(JSON.stringify(snapshot));
        variant |= updateHasSnapshot;
      }
      if (lease !== undefined) {
        values.push(lease?.owner ?? null, lease?.expiresAt.getTime() ?? null);
        variant |= updateHasLease;
      }
      values.push(args.runId, args.expectedVersion);
      const updated = statements.updateRun.statement(variant).get(values) as WorkflowRunRow;
      const steps = args.stepResults;
      if (steps !== undefined) {
        const upsert = statements.upsertStep.statement;
        for (const step of steps) {
          throwIfAborted(abortSignal);
          upsert.run(args.runId, step.stepPath, step.iteration, step.status, toJsonColumn(step.output), toJsonColumn(step.error), step.attempt, step.startedAt.getTime(), step.endedAt.getTime());
        }
      }
      return rowToRun(updated);
    });
  }

  async #updateRunWithKysely(args: UpdateWorkflowRunArgs): Promise<WorkflowRunRecord> {
    return this.#connection.write('updateRun', args.abortSignal, async ({ db, checkAborted }) => {
      const current = await db.selectFrom('workflow_runs').select('version').where('run_id', '=', args.runId).executeTakeFirst();
      checkVersion(args, current);
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

function runExists(runId: string): ConflictError {
  return new ConflictError({ entity: 'workflow run', id: runId, message: `workflow run "${runId}" already exists: use a new run id or updateRun` });
}

function checkVersion(args: UpdateWorkflowRunArgs, current: { version: number } | undefined): asserts current is { version: number } {
  if (!current) throw new NotFoundError({ entity: 'workflow run', id: args.runId, message: `No workflow run "${args.runId}": create it with createRun first` });
  if (current.version !== args.expectedVersion) {
    throw new ConflictError({
      entity: 'workflow run',
      id: args.runId,
      message: `workflow run "${args.runId}" changed concurrently: expected version ${args.expectedVersion}, found ${current.version}; re-read the run and retry`,
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
