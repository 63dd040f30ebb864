import { LoadAPIKeyError } from '@mastra-ts/core';
import { collectAsyncIterable } from '@mastra-ts/core/testing';
import { chatCompletion, chatCompletionStream, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeepSeek } from './deepseek-provider.ts';
import type { OpenAIChatLanguageModel } from './openai-chat-language-model.ts';

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = await startFakeOpenAI({ basePath: '' });
});
afterEach(async () => {
  await server.close();
});

function reasoner(): OpenAIChatLanguageModel {
  return createDeepSeek({ apiKey: 'ds-test', baseURL: server.baseURL })('deepseek-reasoner') as OpenAIChatLanguageModel;
}

const question = { prompt: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'What is 6 * 7?' }] }] };

describe('DeepSeek', () => {
  it('surfaces reasoning_content as a reasoning part and maps prompt_cache_hit_tokens', async () => {
    server.enqueue(
      chatCompletion({
        reasoning: 'Six sevens are forty-two.',
        text: '42',
        usage: { prompt_tokens: 20, completion_tokens: 30, prompt_cache_hit_tokens: 16, prompt_cache_miss_tokens: 4, completion_tokens_details: { reasoning_tokens: 25 } },
      }),
    );
    const result = await reasoner().doGenerate({ ...question, maxOutputTokens: 64 });
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Six sevens are forty-two.' },
      { type: 'text', text: '42' },
    ]);
    expect(result.usage).toEqual({ inputTokens: 20, outputTokens: 30, totalTokens: 50, reasoningTokens: 25, cachedInputTokens: 16 });
    expect(server.requests[0]!.path).toBe('/chat/completions');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer ds-test');
    expect(server.requests[0]!.body.max_tokens).toBe(64);
  });

  it('streams reasoning_content as reasoning-start/delta/end before the text block', async () => {
    server.enqueue(chatCompletionStream({ reasoning: ['Six ', 'sevens.'], text: ['4', '2'] }));
    const parts = await collectAsyncIterable((await reasoner().doStream(question)).stream);
    expect(parts.filter((part) => part.type !== 'stream-start' && part.type !== 'response-metadata' && part.type !== 'finish')).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Six ' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'sevens.' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: '4' },
      { type: 'text-delta', id: 'text-1', delta: '2' },
      { type: 'text-end', id: 'text-1' },
    ]);
  });

  it('does not send reasoning back on a turn without tool calls, and uses json_object with the schema in the instructions', async () => {
    server.enqueue(chatCompletion({ text: '{"answer":42}' }));
    await reasoner().doGenerate({
      prompt: [
        ...question.prompt,
        { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }, { type: 'text', text: '42' }] },
        { role: 'user', content: [{ type: 'text', text: 'As JSON please' }] },
      ],
      responseFormat: { type: 'json', schema: { type: 'object', properties: { answer: { type: 'number' } } } },
      providerOptions: { deepseek: { thinking: { type: 'enabled' } } },
    });
    const body = server.requests[0]!.body;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.thinking).toEqual({ type: 'enabled' });
    expect(body.messages).toMatchInlineSnapshot(`
      [
        {
          "content": "Answer with a single JSON object only, matching this JSON Schema: {"type":"object","properties":{"answer":{"type":"number"}}}",
          "role": "system",
        },
        {
          "content": "What is 6 * 7?",
          "role": "user",
        },
        {
          "content": "42",
          "role": "assistant",
        },
        {
          "content": "As JSON please",
          "role": "user",
        },
      ]
    `);
  });

  it('sends reasoning_content back on assistant messages that called tools (thinking mode requires it)', async () => {
    server.enqueue(chatCompletion({ text: 'It is sunny in Oslo.' }));
    await reasoner().doGenerate({
      prompt: [
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'reasoning', text: 'Just greet.' }, { type: 'text', text: 'Hello!' }] },
        { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'I need the weather tool.' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'weather', input: { city: 'Oslo' } },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'weather', output: { sky: 'sunny' } }] },
      ],
      tools: [{ type: 'function', name: 'weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
    });
    const messages = server.requests[0]!.body.messages as Array<Record<string, unknown>>;
    expect(messages[1]).toEqual({ role: 'assistant', content: 'Hello!' });
    expect(messages[3]).toEqual({
      role: 'assistant',
      content: null,
      reasoning_content: 'I need the weather tool.',
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }],
    });
    expect(messages[4]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: '{"sky":"sunny"}' });
  });

  it('a missing key names DEEPSEEK_API_KEY', async () => {
    const saved = process.env.DEEPSEEK_API_KEY;
    delete process.env.DEEPSEEK_API_KEY;
    try {
      const error = await (createDeepSeek({ baseURL: server.baseURL })('deepseek-chat') as OpenAIChatLanguageModel).doGenerate(question).catch((caught: unknown) => caught);
      expect(LoadAPIKeyError.isInstance(error) && error.environmentVariableName === 'DEEPSEEK_API_KEY').toBe(true);
    } finally {
      if (saved !== undefined) process.env.DEEPSEEK_API_KEY = saved;
    }
  });
});
