/**
 * @module
 * `@mastra-ts/workflow`: durable workflows with a Mastra-style API. Steps, sequences, parallel branches, conditions,
 * loops, foreach, sleeps, nested workflows, agents and tools as steps, suspend/resume; every step is committed to a
 * `WorkflowStore`, and runs survive a crash of the process that ran them.
 */
export { createStep, type AgentStepOptions, type AnyStep, type Step, type StepDefinition, type StepExecuteContext, type StepOutput, type ToolStepOptions } from './step.ts';
export { createWorkflow, mapVariable, Workflow, type CreateRunOptions, type MappingField, type WorkflowConfig } from './workflow.ts';
export { Run, type WorkflowRunOutput } from './run.ts';
export {
  createWorkflowExecutor,
  WorkflowExecutor,
  type RecoveredRun,
  type WorkflowExecutorSettings,
  type WorkflowRunInfo,
} from './workflow-executor.ts';
export { startWorkflowRecovery } from './start-workflow-recovery.ts';
export type { ConditionContext, ConditionFunction, DependencyItem, DynamicValue, FlowEntry, GraphNode, WorkflowGraph } from './graph.ts';
export type { WorkflowEventListener, WorkflowEventType, WorkflowStreamEvent } from './events.ts';
export type { RunSnapshot } from './run-execution.ts';
export type { SerializedError } from './serialized-error.ts';
export type { ResumeOptions, StartOptions, WorkflowResult, WorkflowResultStatus, WorkflowStepResult, WorkflowStepStatus } from './types.ts';
