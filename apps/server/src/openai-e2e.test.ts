import { Agent, Mastra, createInMemoryStorage, createTool } from '@mastra-ts/core';
import { chatCompletion, chatCompletionStream, cutChatCompletionStream, errorResponse, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';
import { createOpenAI } from '@mastra-ts/llm-openai';
import { Memory } from '@mastra-ts/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from './test/test-server.ts';

const weather = createTool({
  id: 'weather',
  description: 'Weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 12 }),
});

describe('an agent on @mastra-ts/llm-openai against the fake OpenAI server, driven by @mastra/client-js', () => {
  let fake: FakeOpenAIServer;
  let running: TestServer;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    const openai = createOpenAI({ apiKey: 'sk-test-key-123456', baseURL: fake.baseURL });
    const storage = createInMemoryStorage();
    const agent = new Agent({
      name: 'assistant',
      instructions: 'Use the weather tool.',
      model: openai('gpt-4o-mini'),
      tools: { weather },
      memory: new Memory({ storage: storage.memory }),
      defaultOptions: { modelSettings: { maxRetries: 0 } },
    });
    running = await startTestServer(new Mastra({ agents: { assistant: agent }, storage }));
  });
  afterAll(async () => {
    await running.close();
    await fake.close();
  });

  it('streams a tool call round trip with memory, and sends the tool result back to the provider', async () => {
    fake.enqueue(
      chatCompletionStream({ toolCalls: [{ id: 'call_1', name: 'weather', arguments: ['{"ci', 'ty":"Oslo"}'] }] }),
      chatCompletionStream({ text: ['Oslo is ', '12 degrees.'] }),
    );
    const before = fake.requests.length;
    const response = await running.client.getAgent('assistant').stream('Weather in Oslo?', { memory: { thread: 'oslo', resource: 'user-1' } });
    const chunks: Array<{ type: string; payload: Record<string, unknown> }> = [];
    await response.processDataStream({ onChunk: async (chunk) => void chunks.push(chunk as never) });
    expect(chunks.find((chunk) => chunk.type === 'tool-call')!.payload).toMatchObject({ toolName: 'weather', args: { city: 'Oslo' } });
    expect(chunks.find((chunk) => chunk.type === 'tool-result')!.payload).toMatchObject({ result: { city: 'Oslo', celsius: 12 } });
    expect(chunks.filter((chunk) => chunk.type === 'text-delta').map((chunk) => chunk.payload.text).join('')).toBe('Oslo is 12 degrees.');
    const second = fake.requests[before + 1]!.body as { messages: Array<{ role: string; content: unknown }>; stream: boolean };
    expect(second.stream).toBe(true);
    expect(second.messages.at(-1)).toMatchObject({ role: 'tool', content: JSON.stringify({ city: 'Oslo', celsius: 12 }) });
    const stored = await running.client.getMemoryThread({ threadId: 'oslo', agentId: 'assistant' }).listMessages({});
    expect(stored.messages.length).toBeGreaterThanOrEqual(3);
  });

  it('generates JSON through the provider', async () => {
    fake.enqueue(chatCompletion({ text: 'Hello from the fake.' }));
    const result = await running.client.getAgent('assistant').generate('Say hello');
    expect(result.text).toBe('Hello from the fake.');
    expect(result.usage).toMatchObject({ inputTokens: 10, outputTokens: 5 });
  });

  it('maps a provider 401 to 502 with the upstream status and without the API key', async () => {
    fake.enqueue(errorResponse(401, { message: 'Incorrect API key provided: sk-test-key-123456' }));
    const response = await fetch(`${running.url}/api/agents/assistant/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 'hi' }) });
    expect(response.status).toBe(502);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ code: 'BAD_GATEWAY', upstreamStatus: 401 });
    expect(body).not.toContain('sk-test-key-123456');
  });

  it('cancels the provider request when the client disconnects mid-stream', async () => {
    fake.enqueue(cutChatCompletionStream({ text: ['first ', 'second ', 'third'] }, 2, 'hang'));
    const controller = new AbortController();
    const response = await fetch(`${running.url}/api/agents/assistant/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: 'stream please' }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('"text-delta"')) text += new TextDecoder().decode((await reader.read()).value);
    const upstream = fake.requests.at(-1)!;
    controller.abort();
    expect(await upstream.closed).toEqual({ completed: false });
  });
});
