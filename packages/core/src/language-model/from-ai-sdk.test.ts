import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent } from '../agent/agent.ts';
import { createTool } from '../tools/tool.ts';
import type { AISDKLanguageModel } from './from-ai-sdk.ts';

/** A model shaped like `@ai-sdk/openai`'s LanguageModelV2 / V3 / V4 (AI SDK 5 / 6 / 7): scripted, recording its calls. */
function aiSdkModel(version: 'v2' | 'v3' | 'v4', script: { generate?: Array<Record<string, unknown>>; stream?: Array<Array<Record<string, unknown>>> }) {
  const calls: Array<Record<string, unknown>> = [];
  let generateIndex = 0;
  let streamIndex = 0;
  const model: AISDKLanguageModel = {
    specificationVersion: version,
    provider: 'openai.chat',
    modelId: 'gpt-4o-mini',
    async doGenerate(options: Record<string, unknown>) {
      calls.push(options);
      return script.generate![generateIndex++]!;
    },
    async doStream(options: Record<string, unknown>) {
      calls.push(options);
      const parts = script.stream![streamIndex++]!;
      return {
        stream: new ReadableStream<Record<string, unknown>>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
  return { model, calls };
}

const v2Usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15, cachedInputTokens: 2 };
const v3Usage = { inputTokens: { total: 10, noCache: 8, cacheRead: 2, cacheWrite: 0 }, outputTokens: { total: 5, text: 3, reasoning: 2 } };

describe('AI SDK provider models (spec v2/v3/v4) run in an Agent unchanged', () => {
  const weather = createTool({ id: 'weather', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => ({ city, celsius: 7 }) });

  it('v2: a tool loop with prompt parts converted to the v2 shapes (images as files, tool outputs typed)', async () => {
    const { model, calls } = aiSdkModel('v2', {
      generate: [
        { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Oslo"}' }], finishReason: 'tool-calls', usage: v2Usage, warnings: [] },
        { content: [{ type: 'text', text: 'Cold: 7°C.' }], finishReason: 'stop', usage: v2Usage, warnings: [{ type: 'unsupported-setting', setting: 'seed' }] },
      ],
    });
    const agent = new Agent({ name: 'ported', instructions: 'Use tools.', model, tools: { weather } });
    const result = await agent.generate([{ role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', image: 'https://example.com/sky.png' }] }]);
    expect(result.text).toBe('Cold: 7°C.');
    expect(result.usage).toEqual({ inputTokens: 10, outputTokens: 5, totalTokens: 15, reasoningTokens: undefined, cachedInputTokens: 2 });
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'seed' }]);
    const prompt = calls[1]!.prompt as Array<{ role: string; content: unknown }>;
    expect(prompt[1]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'file', data: new URL('https://example.com/sky.png'), mediaType: 'image/*' }] });
    expect(prompt[3]).toEqual({ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'weather', output: { type: 'json', value: { city: 'Oslo', celsius: 7 } } }] });
    expect((calls[0]!.tools as Array<{ name: string }>)[0]!.name).toBe('weather');
  });

  it('v3: streams from a ReadableStream; nested usage and { unified } finish reasons are mapped', async () => {
    const { model } = aiSdkModel('v3', {
      stream: [
        [
          { type: 'stream-start', warnings: [] },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'Hello ' },
          { type: 'source', sourceType: 'url', id: 's1', url: 'https://example.com' },
          { type: 'text-delta', id: 't', delta: 'there' },
          { type: 'text-end', id: 't' },
          { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: v3Usage },
        ],
      ],
    });
    const result = await new Agent({ name: 'ported', instructions: 'x', model }).stream('Hi');
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas).toEqual(['Hello ', 'there']);
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toEqual({ inputTokens: 10, outputTokens: 5, totalTokens: 15, reasoningTokens: 2, cachedInputTokens: 2 });
  });

  it('v4: file data is tagged ({ type: url | data }), tagged result files are unwrapped, v4 warnings are mapped', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { model, calls } = aiSdkModel('v4', {
      generate: [
        {
          content: [
            { type: 'text', text: 'Here is a chart.' },
            { type: 'file', mediaType: 'image/png', data: { type: 'data', data: 'iVBORw0KGgo=' } },
            { type: 'file', mediaType: 'image/png', data: { type: 'url', url: new URL('https://example.com/chart.png') } },
          ],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: v3Usage,
          warnings: [{ type: 'unsupported', feature: 'seed', details: 'not on this model' }],
        },
      ],
    });
    const agent = new Agent({ name: 'ported', instructions: 'x', model });
    const result = await agent.generate([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image', image: 'https://example.com/sky.png' },
          { type: 'image', image: png, mediaType: 'image/png' },
          { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf' },
        ],
      },
    ]);
    expect(result.text).toBe('Here is a chart.');
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'seed', details: 'not on this model' }]);
    expect(result.steps[0]!.content.filter((part) => part.type === 'file')).toEqual([
      { type: 'file', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
      { type: 'file', mediaType: 'image/png', data: 'https://example.com/chart.png' },
    ]);
    const prompt = calls[0]!.prompt as Array<{ role: string; content: unknown }>;
    expect(prompt[1]!.content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'file', data: { type: 'url', url: new URL('https://example.com/sky.png') }, mediaType: 'image/*' },
      { type: 'file', data: { type: 'data', data: png }, mediaType: 'image/png' },
      { type: 'file', data: { type: 'data', data: 'JVBERi0=' }, mediaType: 'application/pdf' },
    ]);
  });

  it('a tool error goes back as error-text', async () => {
    const broken = createTool({ id: 'broken', execute: async () => { throw new Error('down'); } });
    const { model, calls } = aiSdkModel('v2', {
      generate: [
        { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'broken', input: '{}' }], finishReason: 'tool-calls', usage: v2Usage, warnings: [] },
        { content: [{ type: 'text', text: 'sorry' }], finishReason: 'stop', usage: v2Usage, warnings: [] },
      ],
    });
    await new Agent({ name: 'ported', instructions: 'x', model, tools: { broken } }).generate('go');
    const prompt = calls[1]!.prompt as Array<{ role: string; content: Array<{ output: unknown }> }>;
    expect(prompt.at(-1)!.content[0]!.output).toEqual({ type: 'error-text', value: 'Tool "broken" failed: down' });
  });
});
