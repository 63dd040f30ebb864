import { MastraTsError } from './mastra-ts-error.ts';

const name = 'ToolExecutionError';
const marker = `mastra-ts.error.${name}`;

/** A tool threw while executing. The agent loop hands this to the model as a tool error rather than failing the run. */
export class ToolExecutionError extends MastraTsError {

  /** The tool name as the model saw it. */
  readonly toolName: string;
  /** The tool call id. */
  readonly toolCallId: string;
  /** The input the tool was called with. */
  readonly toolInput: unknown;

  constructor({ toolName, toolCallId, toolInput, cause }: { toolName: string; toolCallId: string; toolInput: unknown; cause: unknown }) {
    super({ name, message: `Tool "${toolName}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause });
    this.toolName = toolName;
    this.toolCallId = toolCallId;
    this.toolInput = toolInput;
  }

  static override isInstance(error: unknown): error is ToolExecutionError {
    return MastraTsError.hasMarker(error, marker);
  }
}
