import { toJSONSchema, type AnyTool, type Schema } from '@mastra-ts/core';

/** A JSON Schema as Mastra sends schemas: superjson-wrapped and stringified (`'{"json":{…}}'`). */
export function schemaString(schema: Schema | undefined): string | undefined {
  if (schema === undefined) return undefined;
  try {
    return JSON.stringify({ json: toJSONSchema(schema) });
  } catch {
    return undefined;
  }
}

/** A tool as `GET /tools` and agent details describe it. */
export interface ToolSummary {
  id: string;
  description?: string;
  inputSchema?: string;
  outputSchema?: string;
  requireApproval: boolean;
}

/** Summarizes a tool; `partial` omits the schemas. */
export function summarizeTool(key: string, tool: AnyTool, partial = false): ToolSummary {
  const summary: ToolSummary = { id: tool.id ?? key, requireApproval: false };
  if (tool.description !== undefined) summary.description = tool.description;
  if (!partial) {
    const input = schemaString(tool.inputSchema);
    const output = schemaString(tool.outputSchema);
    if (input !== undefined) summary.inputSchema = input;
    if (output !== undefined) summary.outputSchema = output;
  }
  return summary;
}
