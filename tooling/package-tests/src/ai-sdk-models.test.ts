// Mastra users pass AI SDK provider models (`openai('gpt-4o-mini')` from `@ai-sdk/openai`). Those run in a
// mastra-ts Agent unchanged: the real @ai-sdk/openai 2.x (spec v2, AI SDK 5), 3.x (spec v3, AI SDK 6) and
// 4.x (spec v4, AI SDK 7), aimed at the repo's fake OpenAI server.
import { Agent, createTool } from '@mastra-ts/core';
import { chatCompletion, chatCompletionStream, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';
import { createOpenAI as createOpenAIv2 } from 'ai-sdk-openai-v2';
import { createOpenAI as createOpenAIv3 } from 'ai-sdk-openai-v3';
import { createOpenAI as createOpenAIv4 } from 'ai-sdk-openai-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const weather = createTool({
  id: 'weather',
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, celsius: 7 }),
});

for (const [name, create] of [
  ['@ai-sdk/openai 2.x (spec v2)', createOpenAIv2],
  ['@ai-sdk/openai 3.x (spec v3)', createOpenAIv3],
  ['@ai-sdk/openai 4.x (spec v4)', createOpenAIv4],
] as const) {
  describe(`${name} in a mastra-ts Agent`, () => {
    let server: FakeOpenAIServer;
    beforeEach(async () => {
      server = await startFakeOpenAI();
    });
    afterEach(async () => {
      await server.close();
    });

    it('runs a tool round trip and reports usage', async () => {
      server.enqueue(chatCompletion({ toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Oslo"}' }] }), chatCompletion({ text: 'It is 7°C in Oslo.' }));
      const model = create({ apiKey: 'sk-test', baseURL: server.baseURL }).chat('gpt-4o-mini');
      const agent = new Agent({ name: 'ported', instructions: 'Use the weather tool.', model, tools: { weather } });
      const result = await agent.generate('Weather in Oslo?');
      expect(result.text).toBe('It is 7°C in Oslo.');
      expect(result.steps[0]?.toolResults[0]?.output).toEqual({ city: 'Oslo', celsius: 7 });
      expect(result.totalUsage.totalTokens).toBe(30);
      const second = server.requests[1]!.body as { messages: Array<{ role: string; content?: unknown; tool_call_id?: string }> };
      expect(second.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    });

    it('sends images from a URL and from bytes', async () => {
      server.enqueue(chatCompletion({ text: 'Two skies.' }));
      const model = create({ apiKey: 'sk-test', baseURL: server.baseURL }).chat('gpt-4o-mini');
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const result = await new Agent({ name: 'ported', instructions: 'Describe.', model }).generate([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image', image: 'https://example.com/sky.png' },
            { type: 'image', image: png, mediaType: 'image/png' },
          ],
        },
      ]);
      expect(result.text).toBe('Two skies.');
      const body = server.requests[0]!.body as { messages: Array<{ role: string; content: Array<{ type: string; image_url?: { url: string } }> }> };
      const images = body.messages.find((message) => message.role === 'user')!.content.filter((part) => part.type === 'image_url');
      expect(images.map((part) => part.image_url!.url)).toEqual(['https://example.com/sky.png', `data:image/png;base64,${Buffer.from(png).toString('base64')}`]);
    });

    it('streams text deltas', async () => {
      server.enqueue(chatCompletionStream({ text: ['Hello', ' from', ' the SDK'] }));
      const model = create({ apiKey: 'sk-test', baseURL: server.baseURL }).chat('gpt-4o-mini');
      const result = await new Agent({ name: 'ported', instructions: 'Be brief.', model }).stream('Hi');
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      expect(deltas.join('')).toBe('Hello from the SDK');
      expect(await result.finishReason).toBe('stop');
    });
  });
}
