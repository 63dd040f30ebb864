import { Agent, createTool, listModelProviders, resolveLanguageModel } from '@mastra-ts/core';
import { groqChatCompletion, groqChatCompletionStream, startFakeGroq, type FakeGroqServer } from '@mastra-ts/fake-providers/groq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import './index.ts';

let server: FakeGroqServer;
const saved = { key: process.env.GROQ_API_KEY, url: process.env.GROQ_BASE_URL };
beforeEach(async () => {
  server = await startFakeGroq();
  process.env.GROQ_API_KEY = 'gsk-routing';
  process.env.GROQ_BASE_URL = server.baseURL;
});
afterEach(async () => {
  await server.close();
  for (const [name, value] of [['GROQ_API_KEY', saved.key], ['GROQ_BASE_URL', saved.url]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const add = createTool({ id: 'add', inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b });

describe('groq routing', () => {
  it('registers "groq" on import', async () => {
    expect(listModelProviders()).toContain('groq');
    const model = await resolveLanguageModel('groq/llama-3.3-70b-versatile');
    expect([model.provider, model.modelId]).toEqual(['groq.chat', 'llama-3.3-70b-versatile']);
  });

  it('an Agent runs a tool round trip through "groq/…" (generate and stream)', async () => {
    server.enqueue(groqChatCompletion({ toolCalls: [{ id: 'c1', name: 'add', arguments: '{"a":2,"b":3}' }] }), groqChatCompletion({ text: '5' }));
    const agent = new Agent({ name: 'calc', instructions: 'Add numbers.', model: 'groq/llama-3.3-70b-versatile', tools: { add } });
    const result = await agent.generate('2+3?');
    expect(result.text).toBe('5');
    expect(server.requests[1]!.body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'c1', content: '5' });

    server.enqueue(groqChatCompletionStream({ toolCalls: [{ id: 'c2', name: 'add', arguments: ['{"a":1,', '"b":1}'] }] }), groqChatCompletionStream({ text: ['t', 'wo'] }));
    const stream = await agent.stream('1+1?');
    expect(await stream.text).toBe('two');
    expect((await stream.toolResults).length).toBe(0);
    expect((await stream.steps)[0]!.toolResults[0]!.output).toBe(2);
  });
});
