import { RequestContext, safeValidate, type AnyTool, type Mastra } from '@mastra-ts/core';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { defineRoute, json, type RouteDefinition } from '../route.ts';
import { summarizeTool, type ToolSummary } from '../schema-string.ts';

/** Validates `data` against the tool's input schema and runs it. A validation failure is a 400 naming the field. */
export async function executeTool(
  tool: AnyTool,
  data: unknown,
  context: { requestContext?: RequestContext; abortSignal: AbortSignal; mastra: Mastra; runId?: string },
): Promise<unknown> {
  if (!tool.execute) throw new HttpError('BAD_REQUEST', `Tool "${tool.id}" has no execute function: it is a client-side tool`);
  let input = data;
  if (tool.inputSchema) {
    const result = await safeValidate(tool.inputSchema, data, `data for tool "${tool.id}"`);
    if (!result.success) throw result.error;
    input = result.value;
  }
  const signals = [context.abortSignal];
  if (tool.timeoutMs !== undefined) signals.push(AbortSignal.timeout(tool.timeoutMs));
  const output = await tool.execute(input, {
    toolCallId: context.runId ?? `server-${Date.now().toString(36)}`,
    abortSignal: signals.length === 1 ? context.abortSignal : AbortSignal.any(signals),
    requestContext: context.requestContext ?? new RequestContext(),
    mastra: context.mastra,
  });
  return output === undefined ? null : output;
}

/** Every tool reachable by id: the registry's own tools, then agents' static tools. */
export async function listAllTools(mastra: Mastra, requestContext: RequestContext): Promise<Record<string, AnyTool>> {
  const tools: Record<string, AnyTool> = {};
  for (const agent of Object.values(mastra.listAgents())) {
    try {
      for (const [key, tool] of Object.entries(await agent.listTools({ requestContext }))) tools[tool.id ?? key] ??= tool;
    } catch {
      // dynamic tools that fail for this request context are not listed
    }
  }
  for (const [key, tool] of Object.entries(mastra.listTools())) tools[key] = tool;
  return tools;
}

async function findTool(mastra: Mastra, toolId: string, requestContext: RequestContext): Promise<[string, AnyTool]> {
  const tools = await listAllTools(mastra, requestContext);
  const entry = Object.entries(tools).find(([key, tool]) => key === toolId || tool.id === toolId);
  if (!entry) throw new HttpError('NOT_FOUND', `No tool with id "${toolId}"`, { available: Object.keys(tools) });
  return entry;
}

/** Tool routes: list, details, execute. */
export function toolRoutes(): RouteDefinition[] {
  const toolParams = z.object({ toolId: z.string().min(1) });
  return [
    defineRoute({
      method: 'GET',
      path: '/tools',
      family: 'tools',
      summary: 'List tools by id',
      async handler({ mastra, requestContext }) {
        const result: Record<string, ToolSummary> = {};
        for (const [key, tool] of Object.entries(await listAllTools(mastra, requestContext))) result[key] = summarizeTool(key, tool);
        return json(result);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/tools/:toolId',
      family: 'tools',
      summary: 'Tool details',
      params: toolParams,
      async handler({ mastra, input, requestContext }) {
        const [key, tool] = await findTool(mastra, input.toolId, requestContext);
        return json(summarizeTool(key, tool));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/tools/:toolId/execute',
      family: 'tools',
      summary: 'Execute a tool with `data` as its input',
      params: toolParams,
      query: z.object({ runId: z.string().optional() }),
      body: z.object({ data: z.unknown().optional(), requestContext: z.record(z.string(), z.unknown()).optional() }),
      async handler({ mastra, input, requestContext, abortSignal }) {
        const [, tool] = await findTool(mastra, input.toolId, requestContext);
        return json(await executeTool(tool, input.data, { requestContext, abortSignal, mastra, ...(input.runId ? { runId: input.runId } : {}) }));
      },
    }),
  ];
}
