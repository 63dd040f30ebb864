import type { RequestContext } from '../agent/request-context.ts';
import type { ModelMessage } from '../agent/model-message.ts';
import type { InferSchemaOutput, Schema } from './schema.ts';

/** What a tool's `execute` receives besides its input. Shaped like Mastra's `ToolExecutionContext`. */
export interface ToolExecutionContext {
  /** The id of the tool call being answered. */
  toolCallId: string;
  /** Aborted when the run is cancelled or the tool times out: pass it to fetch and friends. */
  abortSignal: AbortSignal;
  requestContext: RequestContext;
  /** The `Mastra` instance the agent is registered with. */
  mastra?: unknown;
  /** Present when an agent called the tool. */
  agent?: {
    agentId: string;
    toolCallId: string;
    /** The messages the model saw for this step. */
    messages: ModelMessage[];
    threadId?: string | undefined;
    resourceId?: string | undefined;
  };
  /** Present when a workflow step called the tool. */
  workflow?: { runId: string; workflowId: string; stepId: string };
}

/** A tool an agent can call. Create one with `createTool`. */
export interface Tool<Input = unknown, Output = unknown> {
  readonly id: string;
  readonly description?: string | undefined;
  /** Validates the model's arguments; its JSON Schema is sent to the provider. */
  readonly inputSchema?: Schema<Input> | undefined;
  /** Validates the tool's result when given. */
  readonly outputSchema?: Schema<Output> | undefined;
  /**
   * Runs the tool. Without it the tool is client-side: the agent stops with finish reason `tool-calls`
   * and returns the call for the caller to answer.
   */
  readonly execute?: ((input: Input, context: ToolExecutionContext) => Output | PromiseLike<Output>) | undefined;
  /** Aborts the tool after this many milliseconds. */
  readonly timeoutMs?: number | undefined;
  /** Provider-specific options sent with the tool definition. */
  readonly providerOptions?: Record<string, Record<string, unknown>> | undefined;
}

/** Any tool, as stored in a tool set. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = Tool<any, any>;

/** Tools by the name the model sees. */
export type ToolSet = Record<string, AnyTool>;

/**
 * Creates a tool with typed input and output.
 *
 * @example
 * const weather = createTool({
 *   id: 'weather',
 *   description: 'Current weather for a city',
 *   inputSchema: z.object({ city: z.string() }),
 *   execute: async ({ city }) => ({ city, celsius: 21 }),
 * });
 */
export function createTool<InputSchema extends Schema, OutputSchema extends Schema | undefined = undefined, Output = OutputSchema extends Schema ? InferSchemaOutput<OutputSchema> : unknown>(definition: {
  id: string;
  description?: string;
  inputSchema?: InputSchema;
  outputSchema?: OutputSchema;
  execute?: (input: InferSchemaOutput<InputSchema>, context: ToolExecutionContext) => Output | PromiseLike<Output>;
  timeoutMs?: number;
  providerOptions?: Record<string, Record<string, unknown>>;
}): Tool<InferSchemaOutput<InputSchema>, Output> {
  if (typeof definition?.id !== 'string' || definition.id.length === 0) {
    throw new TypeError('createTool: id is required: pass a non-empty string such as "get-weather"');
  }
  if (definition.execute !== undefined && typeof definition.execute !== 'function') {
    throw new TypeError(`createTool("${definition.id}"): execute must be a function, or omitted for a client-side tool`);
  }
  return Object.defineProperty({ ...definition }, toolMarker, { value: true }) as Tool<InferSchemaOutput<InputSchema>, Output>;
}

const toolMarker = Symbol.for('mastra-ts.tool');

/** True for tools made by `createTool` (from any copy of core), so a step or a tool can be told apart reliably. */
export function isTool(value: unknown): value is AnyTool {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[toolMarker] === true;
}
