import { TypeValidationError, type RequestContext } from '@mastra-ts/core';
import type { AnyStep } from './step.ts';

/** What a branch or loop condition receives. */
export interface ConditionContext<Input = unknown, State = unknown> {
  inputData: Input;
  state: State;
  /** Loop conditions: iterations completed so far (1 after the first). */
  iterationCount: number;
  getStepResult<Output = unknown>(step: string | { id: string }): Output | undefined;
  getInitData<T = unknown>(): T;
  runId: string;
  workflowId: string;
  mastra: unknown;
  requestContext: RequestContext;
  abortSignal: AbortSignal;
}

/** A branch or loop condition. */
export type ConditionFunction<Input = unknown, State = unknown> = (context: ConditionContext<Input, State>) => boolean | Promise<boolean>;

/** A duration or a date computed from the previous output. */
export type DynamicValue<T> = (context: ConditionContext) => T | Promise<T>;

/** One construct of the flow, as the builder records it. */
export type FlowEntry =
  | { type: 'step'; id: string; step: AnyStep }
  | { type: 'parallel'; id: string; steps: AnyStep[] }
  | { type: 'conditional'; id: string; branches: Array<{ condition: ConditionFunction; step: AnyStep }> }
  | { type: 'loop'; id: string; step: AnyStep; condition: ConditionFunction; loopType: 'dowhile' | 'dountil' }
  | { type: 'foreach'; id: string; step: AnyStep; concurrency: number }
  | { type: 'sleep'; id: string; duration: number | DynamicValue<number> }
  | { type: 'sleepUntil'; id: string; date: Date | DynamicValue<Date> };

/** A node of the compiled graph: one flow entry and the nodes it waits for. */
export interface GraphNode {
  index: number;
  id: string;
  entry: FlowEntry;
  dependsOn: number[];
  dependents: number[];
}

/** The graph a workflow compiles to; both the builder and the `dependsOn` form produce one. */
export interface WorkflowGraph {
  nodes: GraphNode[];
  roots: number[];
  sinks: number[];
  /** True when the nodes form one sequence in array order (the builder's form): walked without a scheduler. */
  chain: boolean;
}

/** A step and the ids of the steps it waits for. */
export interface DependencyItem {
  step: AnyStep;
  dependsOn: readonly string[];
}

/** Compiles builder entries: each entry waits for the one before. */
export function compileChain(workflowId: string, entries: FlowEntry[]): WorkflowGraph {
  assertUniqueStepIds(workflowId, entries);
  const nodes: GraphNode[] = entries.map((entry, index) => ({
    index,
    id: entry.id,
    entry,
    dependsOn: index === 0 ? [] : [index - 1],
    dependents: index === entries.length - 1 ? [] : [index + 1],
  }));
  return { nodes, roots: nodes.length === 0 ? [] : [0], sinks: nodes.length === 0 ? [] : [nodes.length - 1], chain: true };
}

/** Compiles the dependency form; refuses duplicate ids, missing dependencies and cycles, naming the steps. */
export function compileDependencies(workflowId: string, items: DependencyItem[]): WorkflowGraph {
  const context = `workflow "${workflowId}" steps`;
  const indexById = new Map<string, number>();
  items.forEach((item, index) => {
    if (indexById.has(item.step.id)) {
      throw new TypeValidationError({ value: item.step.id, context, issues: [{ path: ['steps', index, 'id'], message: `step id "${item.step.id}" is used twice: give each step a unique id` }] });
    }
    indexById.set(item.step.id, index);
  });
  const nodes: GraphNode[] = items.map((item, index) => ({ index, id: item.step.id, entry: { type: 'step', id: item.step.id, step: item.step }, dependsOn: [], dependents: [] }));
  const missing: Array<{ path: PropertyKey[]; message: string }> = [];
  items.forEach((item, index) => {
    for (const dependency of item.dependsOn) {
      const target = indexById.get(dependency);
      if (target === undefined) {
        missing.push({ path: ['steps', item.step.id, 'dependsOn'], message: `step "${item.step.id}" depends on "${dependency}", which is not a step of this workflow (known: ${[...indexById.keys()].join(', ')})` });
      } else if (!nodes[index]!.dependsOn.includes(target)) {
        nodes[index]!.dependsOn.push(target);
        nodes[target]!.dependents.push(index);
      }
    }
  });
  if (missing.length > 0) throw new TypeValidationError({ value: items.map((item) => ({ id: item.step.id, dependsOn: item.dependsOn })), context, issues: missing });
  const cycle = findCycle(nodes);
  if (cycle !== undefined) {
    throw new TypeValidationError({
      value: cycle,
      context,
      issues: [{ path: ['steps', cycle[0]!, 'dependsOn'], message: `dependency cycle: ${cycle.join(' → ')}: remove one of these dependsOn entries` }],
    });
  }
  return {
    nodes,
    roots: nodes.filter((node) => node.dependsOn.length === 0).map((node) => node.index),
    sinks: nodes.filter((node) => node.dependents.length === 0).map((node) => node.index),
    chain: false,
  };
}

function findCycle(nodes: GraphNode[]): string[] | undefined {
  const state = new Uint8Array(nodes.length);
  const stack: number[] = [];
  const visit = (index: number): string[] | undefined => {
    state[index] = 1;
    stack.push(index);
    for (const next of nodes[index]!.dependsOn) {
      if (state[next] === 1) {
        const cycle = stack.slice(stack.indexOf(next)).map((member) => nodes[member]!.id);
        return [...cycle, nodes[next]!.id].reverse();
      }
      if (state[next] === 0) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state[index] = 2;
    return undefined;
  };
  for (let index = 0; index < nodes.length; index++) {
    if (state[index] === 0) {
      const found = visit(index);
      if (found) return found;
    }
  }
  return undefined;
}

function assertUniqueStepIds(workflowId: string, entries: FlowEntry[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    const ids =
      entry.type === 'parallel' ? entry.steps.map((step) => step.id)
      : entry.type === 'conditional' ? entry.branches.map((branch) => branch.step.id)
      : entry.type === 'sleep' || entry.type === 'sleepUntil' ? [entry.id]
      : [entry.step.id];
    for (const id of ids) {
      if (seen.has(id)) {
        throw new TypeValidationError({
          value: id,
          context: `workflow "${workflowId}" steps`,
          issues: [{ path: ['steps', id], message: `step id "${id}" is used twice in this workflow: results are recorded by step id, so give the second use its own id (createStep({ ...step, id: "${id}-2" }))` }],
        });
      }
      seen.add(id);
    }
  }
}
