import { jsonSchema, type Agent, type AgentCallOptions, type AgentStreamPart, type Mastra, type RequestContext, type ToolSet } from '@mastra-ts/core';
import { z } from 'zod';
import { createChunkMapper, toFullOutput } from '../agent-chunks.ts';
import { toModelMessages } from '../agent-messages.ts';
import { HttpError } from '../http-error.ts';
import { boolQuery } from '../input.ts';
import { defineRoute, json, type RouteDefinition, type ServerState } from '../route.ts';
import { summarizeTool, type ToolSummary } from '../schema-string.ts';
import { idempotent } from '../idempotency.ts';
import { executeTool } from './tools.ts';

const agentParams = z.object({ agentId: z.string().min(1) });
const listQuery = z.object({ partial: boolQuery() });

const jsonValue = z.unknown();
const messageSchema = z.union([z.string(), z.array(jsonValue)], { message: 'expected a string or an array of messages' });

/** The body of `/generate` and `/stream` (unknown keys are ignored: the client sends extras). */
const agentCallBody = z.object({
  messages: messageSchema,
  instructions: z.union([z.string(), z.array(z.string())]).optional(),
  system: z.union([z.string(), z.array(z.string())]).optional(),
  context: z.array(jsonValue).optional(),
  memory: z
    .object({
      thread: z.union([z.string().min(1), z.object({ id: z.string().min(1), title: z.string().optional(), metadata: z.record(z.string(), jsonValue).optional() }).loose()]),
      resource: z.string().min(1).optional(),
      options: z.record(z.string(), jsonValue).optional(),
    })
    .optional(),
  runId: z.string().min(1).max(200).optional(),
  maxSteps: z.number().int().min(1).max(100).optional(),
  modelSettings: z
    .object({
      temperature: z.number().optional(),
      maxTokens: z.number().int().positive().optional(),
      maxOutputTokens: z.number().int().positive().optional(),
      topP: z.number().optional(),
      topK: z.number().optional(),
      frequencyPenalty: z.number().optional(),
      presencePenalty: z.number().optional(),
      stopSequences: z.array(z.string()).optional(),
      seed: z.number().int().optional(),
      maxRetries: z.number().int().min(0).max(10).optional(),
    })
    .optional(),
  providerOptions: z.record(z.string(), z.record(z.string(), jsonValue)).optional(),
  activeTools: z.array(z.string()).optional(),
  clientTools: z
    .record(
      z.string(),
      z.object({ id: z.string().optional(), description: z.string().optional(), inputSchema: jsonValue.optional(), parameters: jsonValue.optional() }).loose(),
    )
    .optional(),
  toolChoice: z
    .union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('tool'), toolName: z.string() })])
    .optional(),
  structuredOutput: z.object({ schema: z.record(z.string(), jsonValue) }).loose().optional(),
  requestContext: z.record(z.string(), jsonValue).optional(),
});

type AgentCallBody = z.output<typeof agentCallBody>;

/** An agent's summary, as `GET /agents` and `GET /agents/:id` return it. */
export async function summarizeAgent(agent: Agent, requestContext: RequestContext, partial: boolean): Promise<Record<string, unknown>> {
  let instructions = '';
  try {
    instructions = await agent.getInstructions({ requestContext });
  } catch {
    instructions = '';
  }
  let tools: ToolSet = {};
  try {
    tools = await agent.listTools({ requestContext });
  } catch {
    tools = {};
  }
  const summaries: Record<string, ToolSummary> = {};
  for (const [key, tool] of Object.entries(tools)) summaries[key] = summarizeTool(key, tool, partial);
  const { provider, modelId } = describeModel(agent.model);
  return {
    id: agent.id,
    name: agent.name,
    ...(agent.description === undefined ? {} : { description: agent.description }),
    instructions,
    tools: summaries,
    agents: {},
    workflows: {},
    skills: [],
    workspaceTools: [],
    browserTools: [],
    hasBrowser: false,
    inputProcessors: [],
    outputProcessors: [],
    provider,
    modelId,
    modelVersion: 'v1',
    supportsMemory: agent.getMemory() !== undefined,
    defaultOptions: {},
    source: 'code',
  };
}

function describeModel(model: Agent['model']): { provider: string; modelId: string } {
  if (Array.isArray(model)) {
    const first = model[0];
    if (first === undefined) return { provider: 'unknown', modelId: 'unknown' };
    return describeModel((typeof first === 'object' && 'model' in first ? first.model : first) as Agent['model']);
  }
  if (typeof model !== 'string') return { provider: model.provider, modelId: model.modelId };
  const slash = model.indexOf('/');
  return slash === -1 ? { provider: model, modelId: model } : { provider: model.slice(0, slash), modelId: model.slice(slash + 1) };
}

async function callOptions(agent: Agent, mastra: Mastra, body: AgentCallBody, requestContext: RequestContext, abortSignal: AbortSignal): Promise<AgentCallOptions> {
  const options: AgentCallOptions = { requestContext, abortSignal };
  if (body.instructions !== undefined) options.instructions = body.instructions;
  if (body.context !== undefined || body.system !== undefined) {
    const context = body.context === undefined ? [] : toModelMessages(body.context);
    const system = body.system === undefined ? [] : (Array.isArray(body.system) ? body.system : [body.system]).map((content) => ({ role: 'system' as const, content }));
    options.context = [...system, ...(typeof context === 'string' ? [{ role: 'user' as const, content: context }] : context)];
  }
  if (body.memory) {
    if (!agent.getMemory()) {
      throw new HttpError('BAD_REQUEST', `Invalid body: memory: agent "${agent.id}" has no memory configured; remove memory from the request or give the agent a Memory`, {
        issues: [{ path: 'memory', message: 'the agent has no memory' }],
      });
    }
    const threadId = typeof body.memory.thread === 'string' ? body.memory.thread : body.memory.thread.id;
    let resource = body.memory.resource;
    if (resource === undefined) {
      const thread = await mastra.getStorage()?.memory?.getThread(threadId, { abortSignal });
      resource = thread?.resourceId;
    }
    if (resource === undefined) {
      throw new HttpError('BAD_REQUEST', 'Invalid body: memory.resource: required for a new thread (the user or account the thread belongs to)', {
        issues: [{ path: 'memory.resource', message: 'required' }],
      });
    }
    options.memory = {
      thread: typeof body.memory.thread === 'string' ? body.memory.thread : { id: threadId, ...(body.memory.thread.title ? { title: body.memory.thread.title } : {}) },
      resource,
      ...(body.memory.options ? { options: body.memory.options } : {}),
    };
  }
  if (body.runId !== undefined) options.runId = body.runId;
  if (body.maxSteps !== undefined) options.maxSteps = body.maxSteps;
  if (body.activeTools !== undefined) options.activeTools = body.activeTools;
  if (body.toolChoice !== undefined) options.toolChoice = body.toolChoice;
  if (body.providerOptions !== undefined) options.providerOptions = body.providerOptions as AgentCallOptions['providerOptions'] & object;
  if (body.modelSettings) {
    const { maxTokens, maxOutputTokens, ...rest } = body.modelSettings;
    const outputTokens = maxOutputTokens ?? maxTokens;
    options.modelSettings = { ...rest, ...(outputTokens === undefined ? {} : { maxOutputTokens: outputTokens }) };
  }
  if (body.clientTools) {
    const tools: ToolSet = {};
    for (const [name, definition] of Object.entries(body.clientTools)) {
      const schema = (definition.inputSchema ?? definition.parameters ?? { type: 'object', properties: {} }) as Parameters<typeof jsonSchema>[0];
      tools[name] = { id: definition.id ?? name, description: definition.description, inputSchema: jsonSchema(schema) };
    }
    options.tools = tools;
  }
  if (body.structuredOutput) options.structuredOutput = { schema: jsonSchema(body.structuredOutput.schema as Parameters<typeof jsonSchema>[0]) };
  return options;
}

async function* mapStream(agentId: string, runId: string, parts: AsyncIterable<AgentStreamPart>): AsyncIterable<unknown> {
  const map = createChunkMapper(agentId, runId);
  for await (const part of parts) {
    const chunk = map(part);
    if (chunk !== undefined) yield chunk;
  }
}

async function generate(agent: Agent, mastra: Mastra, body: AgentCallBody, requestContext: RequestContext, abortSignal: AbortSignal, state: ServerState): Promise<unknown> {
  const run = async (): Promise<unknown> => {
    const options = await callOptions(agent, mastra, body, requestContext, abortSignal);
    const result = await agent.generate(toModelMessages(body.messages), options);
    return toFullOutput(agent.id, result);
  };
  return body.runId === undefined ? run() : idempotent(state, `agent:${agent.id}:generate:${body.runId}`, run);
}

/** Agent routes: list, details, generate, stream, tool details and execution, and the original `/generate`. */
export function agentRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/agents',
      family: 'agents',
      summary: 'List agents by id',
      query: listQuery,
      async handler({ mastra, input, requestContext }) {
        const result: Record<string, unknown> = {};
        for (const [key, agent] of Object.entries(mastra.listAgents())) result[key] = await summarizeAgent(agent, requestContext, input.partial === true);
        return json(result);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/agents/providers',
      family: 'agents',
      summary: 'List model providers used by the agents',
      async handler({ mastra }) {
        const providers = new Map<string, { id: string; name: string; connected: boolean; models: string[] }>();
        for (const agent of Object.values(mastra.listAgents())) {
          const { provider, modelId } = describeModel(agent.model);
          const entry = providers.get(provider) ?? { id: provider, name: provider, connected: true, models: [] };
          if (!entry.models.includes(modelId)) entry.models.push(modelId);
          providers.set(provider, entry);
        }
        return json({ providers: [...providers.values()] });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/agents/:agentId',
      family: 'agents',
      summary: 'Agent details',
      params: agentParams,
      query: listQuery,
      async handler({ mastra, input, requestContext }) {
        return json(await summarizeAgent(mastra.getAgent(input.agentId), requestContext, input.partial === true));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/agents/:agentId/generate',
      family: 'agents',
      summary: 'Run the agent to its final answer (Mastra FullOutput JSON)',
      params: agentParams,
      body: agentCallBody,
      async handler({ mastra, input, requestContext, abortSignal, state }) {
        const agent = mastra.getAgent(input.agentId);
        return json(await generate(agent, mastra, input, requestContext, abortSignal, state));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/agents/:agentId/stream',
      family: 'agents',
      summary: 'Run the agent and stream its chunks as server-sent events',
      params: agentParams,
      body: agentCallBody,
      responds: 'sse',
      async handler({ mastra, input, requestContext, abortSignal }) {
        const agent = mastra.getAgent(input.agentId);
        const options = await callOptions(agent, mastra, input, requestContext, abortSignal);
        const result = await agent.stream(toModelMessages(input.messages), options);
        return { kind: 'sse', parts: mapStream(agent.id, result.runId, result.fullStream) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/agents/:agentId/tools/:toolId',
      family: 'agents',
      summary: "One of the agent's tools",
      params: z.object({ agentId: z.string().min(1), toolId: z.string().min(1) }),
      async handler({ mastra, input, requestContext }) {
        const agent = mastra.getAgent(input.agentId);
        const tools = await agent.listTools({ requestContext });
        const [key, tool] = findTool(tools, input.toolId, agent.id);
        return json(summarizeTool(key, tool));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/agents/:agentId/tools/:toolId/execute',
      family: 'agents',
      summary: "Execute one of the agent's tools",
      params: z.object({ agentId: z.string().min(1), toolId: z.string().min(1) }),
      body: z.object({ data: z.unknown().optional(), runId: z.string().optional(), requestContext: z.record(z.string(), z.unknown()).optional() }),
      async handler({ mastra, input, requestContext, abortSignal }) {
        const agent = mastra.getAgent(input.agentId);
        const tools = await agent.listTools({ requestContext });
        const [, tool] = findTool(tools, input.toolId, agent.id);
        return json(await executeTool(tool, input.data, { requestContext, abortSignal, mastra, ...(input.runId ? { runId: input.runId } : {}) }));
      },
    }),
  ];
}

function findTool(tools: ToolSet, toolId: string, agentId: string): [string, ToolSet[string]] {
  const entry = Object.entries(tools).find(([key, tool]) => key === toolId || tool.id === toolId);
  if (!entry) {
    throw new HttpError('NOT_FOUND', `No tool "${toolId}" on agent "${agentId}"`, { available: Object.keys(tools) });
  }
  return entry;
}
