import { Agent, createTool, listModelProviders, resolveEmbeddingModel, resolveLanguageModel } from '@mastra-ts/core';
import { chatCompletion, chatCompletionStream, rateLimited, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import './index.ts';

let server: FakeOpenAIServer;
const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
beforeEach(async () => {
  server = await startFakeOpenAI();
  process.env.OPENAI_API_KEY = 'sk-routing';
  process.env.OPENAI_BASE_URL = server.baseURL;
});
afterEach(async () => {
  await server.close();
  for (const [name, value] of [['OPENAI_API_KEY', saved.key], ['OPENAI_BASE_URL', saved.url]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const weather = createTool({
  id: 'weather',
  description: 'Current temperature of a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperature: city === 'Paris' ? 21 : 25 }),
});

describe('routing strings', () => {
  it('registers openai and deepseek on import', async () => {
    expect(listModelProviders()).toEqual(expect.arrayContaining(['openai', 'deepseek']));
    const model = await resolveLanguageModel('openai/gpt-4o-mini');
    expect([model.provider, model.modelId]).toEqual(['openai.chat', 'gpt-4o-mini']);
    const reasoner = await resolveLanguageModel('deepseek/deepseek-reasoner');
    expect([reasoner.provider, reasoner.modelId]).toEqual(['deepseek.chat', 'deepseek-reasoner']);
    const embedder = await resolveEmbeddingModel('openai/text-embedding-3-small');
    expect(embedder.provider).toBe('openai.embedding');
  });

  it('an Agent with tools runs a parallel tool round trip through "openai/gpt-4o-mini"', async () => {
    server.enqueue(
      chatCompletion({
        toolCalls: [
          { id: 'call_p', name: 'weather', arguments: '{"city":"Paris"}' },
          { id: 'call_r', name: 'weather', arguments: '{"city":"Rome"}' },
        ],
      }),
      chatCompletion({ text: 'Paris 21°C, Rome 25°C.' }),
    );
    const agent = new Agent({ name: 'weather', instructions: 'You report weather.', model: 'openai/gpt-4o-mini', tools: { weather } });
    const result = await agent.generate('Weather in Paris and Rome?');
    expect(result.text).toBe('Paris 21°C, Rome 25°C.');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolResults.map((toolResult) => toolResult.output)).toEqual([
      { city: 'Paris', temperature: 21 },
      { city: 'Rome', temperature: 25 },
    ]);
    const second = server.requests[1]!.body.messages;
    expect(second.slice(-3)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_p', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_r', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_p', content: '{"city":"Paris","temperature":21}' },
      { role: 'tool', tool_call_id: 'call_r', content: '{"city":"Rome","temperature":25}' },
    ]);
    expect(server.requests[0]!.body.tools[0].function.name).toBe('weather');
  });

  it('agent.stream() streams a tool round trip with arguments in pieces', async () => {
    server.enqueue(
      chatCompletionStream({ toolCalls: [{ id: 'call_s', name: 'weather', arguments: ['{"ci', 'ty":"Par', 'is"}'] }] }),
      chatCompletionStream({ text: ['It is ', '21°C.'] }),
    );
    const agent = new Agent({ name: 'weather', instructions: 'You report weather.', model: 'openai/gpt-4o-mini', tools: { weather } });
    const stream = await agent.stream('Weather in Paris?');
    const types: string[] = [];
    for await (const part of stream.fullStream) types.push(part.type);
    expect(await stream.text).toBe('It is 21°C.');
    expect(types.filter((type) => type.startsWith('tool-'))).toEqual(['tool-input-start', 'tool-input-delta', 'tool-input-delta', 'tool-input-delta', 'tool-input-end', 'tool-call', 'tool-result']);
    expect((await stream.totalUsage).inputTokens).toBe(20);
  });

  it("core's retry policy retries a 429 after its retry-after-ms (the SDK itself does not retry)", async () => {
    server.enqueue(rateLimited({ retryAfterMs: '1' }), chatCompletion({ text: 'after retry' }));
    const agent = new Agent({ name: 'a', instructions: 'x', model: 'openai/gpt-4o-mini' });
    const result = await agent.generate('hi', { modelSettings: { maxRetries: 1 } });
    expect(result.text).toBe('after retry');
    expect(server.requests).toHaveLength(2);
  });

  it('with maxRetries 0 a 429 reaches the caller after exactly one request', async () => {
    server.enqueue(rateLimited({ retryAfter: '0' }));
    const agent = new Agent({ name: 'a', instructions: 'x', model: 'openai/gpt-4o-mini' });
    await expect(agent.generate('hi', { modelSettings: { maxRetries: 0 } })).rejects.toMatchObject({ statusCode: 429, isRetryable: true });
    expect(server.requests).toHaveLength(1);
  });

  it('structured output through the agent sends json_schema and returns the validated object', async () => {
    server.enqueue(chatCompletion({ text: '{"city":"Paris","temperature":21}' }));
    const agent = new Agent({ name: 'a', instructions: 'x', model: 'openai/gpt-4o-mini' });
    const result = await agent.generate('Weather in Paris as JSON', { structuredOutput: { schema: z.object({ city: z.string(), temperature: z.number() }) } });
    expect(result.object).toEqual({ city: 'Paris', temperature: 21 });
    expect(server.requests[0]!.body.response_format.type).toBe('json_schema');
  });
});
