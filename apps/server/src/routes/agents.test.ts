import { Agent, Mastra, createTool, type LanguageModelV1StreamPart } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, textStreamParts, toolCallResult, mockUsage } from '@mastra-ts/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deferred, startTestServer, whenAborted, type TestServer } from '../test/test-server.ts';

const weather = createTool({
  id: 'weather',
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 21 }),
});

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('agent routes driven by @mastra/client-js', () => {
  it('lists agents and returns details with schemas as superjson strings', async () => {
    const model = new MockLanguageModelV1({ doGenerate: textResult('hi') });
    const mastra = new Mastra({ agents: { weatherAgent: new Agent({ name: 'Weather', id: 'weather-agent', instructions: 'Use the weather tool.', model, tools: { weather } }) } });
    running = await startTestServer(mastra);
    const agents = await running.client.listAgents();
    expect(Object.keys(agents)).toEqual(['weatherAgent']);
    expect(agents.weatherAgent).toMatchObject({ id: 'weather-agent', name: 'Weather', instructions: 'Use the weather tool.', provider: 'mock-provider', modelId: 'mock-model-id', skills: [], inputProcessors: [] });
    const details = await running.client.getAgent('weatherAgent').details();
    expect(details.tools.weather!.description).toBe('Current weather for a city');
    expect(JSON.parse(details.tools.weather!.inputSchema!)).toMatchObject({ json: { type: 'object', properties: { city: { type: 'string' } } } });
    await expect(running.client.getAgent('nope').details()).rejects.toMatchObject({ status: 404 });
  });

  it('generates with a tool call and returns chunk-shaped toolCalls and response messages', async () => {
    const model = new MockLanguageModelV1({ doGenerate: [toolCallResult([{ toolCallId: 'c1', toolName: 'weather', input: { city: 'Paris' } }]), textResult('21 degrees in Paris')] });
    const mastra = new Mastra({ agents: { weather: new Agent({ name: 'weather', instructions: 'x', model, tools: { weather } }) } });
    running = await startTestServer(mastra);
    const result = (await running.client.getAgent('weather').generate('Weather in Paris?')) as unknown as Record<string, unknown>;
    expect(result.text).toBe('21 degrees in Paris');
    expect(result.finishReason).toBe('stop');
    const steps = result.steps as Array<{ toolResults: unknown[] }>;
    expect(steps[0]!.toolResults[0]).toMatchObject({ type: 'tool-result', from: 'AGENT', payload: { toolName: 'weather', result: { city: 'Paris', celsius: 21 } } });
    expect((result.response as { messages: unknown[] }).messages).toHaveLength(3);
    expect(model.doGenerateCalls[0]!.prompt[0]).toEqual({ role: 'system', content: 'x' });
  });

  it('runs client-side tools through the client loop on generate', async () => {
    const model = new MockLanguageModelV1({
      doGenerate: [toolCallResult([{ toolCallId: 'c1', toolName: 'browserLocation', input: {} }]), textResult('You are in Lyon')],
    });
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model }) } });
    running = await startTestServer(mastra);
    const result = await running.client.getAgent('a').generate('Where am I?', {
      clientTools: { browserLocation: createClientTool() },
    });
    expect(result.text).toBe('You are in Lyon');
    const secondPrompt = model.doGenerateCalls[1]!.prompt;
    expect(secondPrompt.at(-1)).toMatchObject({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', output: { city: 'Lyon' } }] });
    expect(model.doGenerateCalls[0]!.tools?.map((tool) => tool.name)).toEqual(['browserLocation']);
  });

  it('streams text deltas to processDataStream before the model finishes', async () => {
    const gate = deferred();
    const model = new MockLanguageModelV1({
      doStream: async () => ({
        stream: (async function* (): AsyncIterable<LanguageModelV1StreamPart> {
          yield { type: 'stream-start', warnings: [] };
          yield { type: 'text-start', id: 't' };
          yield { type: 'text-delta', id: 't', delta: 'Hello' };
          await gate.promise;
          yield { type: 'text-delta', id: 't', delta: ' world' };
          yield { type: 'text-end', id: 't' };
          yield { type: 'finish', finishReason: 'stop', usage: mockUsage };
        })(),
      }),
    });
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model }) } });
    running = await startTestServer(mastra);
    const response = await running.client.getAgent('a').stream('hi');
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const chunks: Array<{ type: string; runId: string; from: string; payload: Record<string, unknown> }> = [];
    let textBeforeRelease = '';
    await response.processDataStream({
      onChunk: async (chunk) => {
        chunks.push(chunk as never);
        if (chunk.type === 'text-delta') {
          if (textBeforeRelease === '') textBeforeRelease = (chunk.payload as { text: string }).text;
          gate.resolve();
        }
      },
    });
    expect(textBeforeRelease).toBe('Hello');
    expect(chunks.map((chunk) => chunk.type)).toEqual(['start', 'step-start', 'text-start', 'text-delta', 'text-delta', 'text-end', 'step-finish', 'finish']);
    expect(chunks.every((chunk) => chunk.from === 'AGENT' && typeof chunk.runId === 'string' && chunk.runId === chunks[0]!.runId)).toBe(true);
    expect(chunks.at(-1)!.payload).toMatchObject({ stepResult: { reason: 'stop' }, output: { usage: mockUsage } });
  });

  it('streams tool calls and results', async () => {
    const model = new MockLanguageModelV1({
      doStream: [
        [
          { type: 'stream-start', warnings: [] },
          { type: 'tool-input-start', id: 'c1', toolName: 'weather' },
          { type: 'tool-input-delta', id: 'c1', delta: '{"city":"Oslo"}' },
          { type: 'tool-input-end', id: 'c1' },
          { type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' },
          { type: 'finish', finishReason: 'tool-calls', usage: mockUsage },
        ],
        textStreamParts(['Cold', ' in Oslo']),
      ],
    });
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model, tools: { weather } }) } });
    running = await startTestServer(mastra);
    const response = await running.client.getAgent('a').stream('Weather in Oslo?');
    const chunks: Array<{ type: string; payload: Record<string, unknown> }> = [];
    await response.processDataStream({ onChunk: async (chunk) => void chunks.push(chunk as never) });
    const types = chunks.map((chunk) => chunk.type);
    expect(types).toContain('tool-call-input-streaming-start');
    expect(types).toContain('tool-call-delta');
    expect(chunks.find((chunk) => chunk.type === 'tool-call')!.payload).toEqual({ toolCallId: 'c1', toolName: 'weather', args: { city: 'Oslo' } });
    expect(chunks.find((chunk) => chunk.type === 'tool-result')!.payload).toMatchObject({ toolCallId: 'c1', result: { city: 'Oslo', celsius: 21 } });
    expect(types.filter((type) => type === 'step-finish')).toHaveLength(2);
  });

  it('runs client-side tools through the client loop on stream', async () => {
    const model = new MockLanguageModelV1({
      doStream: [
        [
          { type: 'stream-start', warnings: [] },
          { type: 'tool-call', toolCallId: 'c9', toolName: 'browserLocation', input: '{}' },
          { type: 'finish', finishReason: 'tool-calls', usage: mockUsage },
        ],
        textStreamParts(['You are ', 'in Lyon']),
      ],
    });
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model }) } });
    running = await startTestServer(mastra);
    const response = await running.client.getAgent('a').stream('Where am I?', { clientTools: { browserLocation: createClientTool() } });
    let text = '';
    await response.processDataStream({ onChunk: async (chunk) => void (chunk.type === 'text-delta' && (text += (chunk.payload as { text: string }).text)) });
    expect(text).toBe('You are in Lyon');
    expect(model.doStreamCalls).toHaveLength(2);
    expect(model.doStreamCalls[1]!.prompt.at(-1)).toMatchObject({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c9', output: { city: 'Lyon' } }] });
  });

  it('aborts the agent run when the client disconnects mid-stream', async () => {
    const started = deferred();
    const model = new MockLanguageModelV1({
      doStream: async (options) => ({
        stream: (async function* (): AsyncIterable<LanguageModelV1StreamPart> {
          yield { type: 'stream-start', warnings: [] };
          yield { type: 'text-start', id: 't' };
          yield { type: 'text-delta', id: 't', delta: 'partial' };
          started.resolve();
          await whenAborted(options.abortSignal);
          yield { type: 'text-end', id: 't' };
        })(),
      }),
    });
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model }) } });
    running = await startTestServer(mastra);
    const controller = new AbortController();
    const response = await fetch(`${running.url}/api/agents/a/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: 'hi' }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('partial')) text += new TextDecoder().decode((await reader.read()).value);
    await started.promise;
    controller.abort();
    await whenAborted(model.doStreamCalls[0]!.abortSignal);
    expect(model.doStreamCalls[0]!.abortSignal!.aborted).toBe(true);
  });

  it('aborts a running tool when the client disconnects', async () => {
    const toolStarted = deferred<AbortSignal>();
    const slow = createTool({
      id: 'slow',
      inputSchema: z.object({}),
      execute: async (_input, { abortSignal }) => {
        toolStarted.resolve(abortSignal);
        await whenAborted(abortSignal);
        return 'never';
      },
    });
    const model = new MockLanguageModelV1({
      doStream: [[{ type: 'stream-start', warnings: [] }, { type: 'tool-call', toolCallId: 's1', toolName: 'slow', input: '{}' }, { type: 'finish', finishReason: 'tool-calls', usage: mockUsage }]],
    });
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model, tools: { slow } }) } });
    running = await startTestServer(mastra);
    const controller = new AbortController();
    const response = await fetch(`${running.url}/api/agents/a/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 'go' }), signal: controller.signal });
    response.body!.getReader().read().catch(() => undefined);
    const toolSignal = await toolStarted.promise;
    controller.abort();
    await whenAborted(toolSignal);
    expect(toolSignal.aborted).toBe(true);
  });

  it('answers 400 naming the field for bad input, and 404 listing agents', async () => {
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model: new MockLanguageModelV1({ doGenerate: textResult('x') }) }) } });
    running = await startTestServer(mastra);
    const bad = await fetch(`${running.url}/api/agents/a/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 42 }) });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; code: string };
    expect(body.code).toBe('BAD_REQUEST');
    expect(body.error).toContain('messages');
    const wrongType = await fetch(`${running.url}/api/agents/a/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 'x', maxSteps: 'many' }) });
    expect(((await wrongType.json()) as { error: string }).error).toContain('maxSteps');
    const missing = await fetch(`${running.url}/api/agents/zzz/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 'x' }) });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', available: ['a'] });
    const badJson = await fetch(`${running.url}/api/agents/a/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages":' });
    expect(badJson.status).toBe(400);
  });

  it('replays the result of a generate retried with the same runId instead of running again', async () => {
    const model = new MockLanguageModelV1({ doGenerate: textResult('once') });
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model }) } });
    running = await startTestServer(mastra);
    const agent = running.client.getAgent('a');
    const [first, second] = await Promise.all([agent.generate('x', { runId: 'run-1' }), agent.generate('x', { runId: 'run-1' })]);
    expect(first.text).toBe('once');
    expect(second.text).toBe('once');
    expect(model.doGenerateCalls).toHaveLength(1);
  });
});

function createClientTool(): never {
  return {
    id: 'browserLocation',
    description: 'The user location from the browser',
    inputSchema: z.object({}),
    execute: async () => ({ city: 'Lyon' }),
  } as never;
}
