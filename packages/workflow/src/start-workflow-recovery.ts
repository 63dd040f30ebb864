import type { Mastra } from '@mastra-ts/core';
import type { ExecutableWorkflow } from './run-execution.ts';
import { stepKind } from './step.ts';
import { sharedExecutor, type RecoveredRun } from './workflow-executor.ts';

/**
 * Continues the runs of `mastra`'s workflows whose executor died (lease expired), from their last committed step,
 * on `mastra.getStorage().workflows`. The server calls it once at start.
 *
 * @example
 * const recovered = await startWorkflowRecovery(mastra);
 * await Promise.all(recovered.map((run) => run.result));
 */
export async function startWorkflowRecovery(mastra: Mastra, options: { limit?: number; abortSignal?: AbortSignal } = {}): Promise<RecoveredRun[]> {
  const executor = sharedExecutor(mastra.getStorage()?.workflows);
  executor.mastra ??= mastra;
  for (const workflow of Object.values(mastra.listWorkflows())) {
    if ((workflow as { [stepKind]?: unknown })[stepKind] === 'workflow') executor.register(workflow as unknown as ExecutableWorkflow);
  }
  return executor.recoverRuns(options);
}
