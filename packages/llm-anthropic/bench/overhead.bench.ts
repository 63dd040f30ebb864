/**
 * Per-call overhead of @mastra-ts/llm-anthropic over the bare @anthropic-ai/sdk, both aimed at the same
 * fake Anthropic server in this process. Run: `pnpm --filter @mastra-ts/llm-anthropic bench`.
 */
import Anthropic from '@anthropic-ai/sdk';
import { Agent } from '@mastra-ts/core';
import { anthropicText, anthropicToolCalls, startFakeAnthropic } from '@mastra-ts/fake-providers/anthropic';
import { createAnthropic } from '../src/index.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const callsPerRound = Number(process.env.BENCH_CALLS ?? 300);
const modelId = 'claude-haiku-4-5';

const server = await startFakeAnthropic();
server.setFallback((request) =>
  Array.isArray(request.body?.tools) ? anthropicToolCalls([{ id: 'toolu_1', name: 'weather', input: { city: 'Paris' } }]) : anthropicText(['Hello', ' from', ' the', ' fake', ' server.']),
);
// the same client options the provider uses (retries off, logging off, 10-minute timeout), created once as the provider's is
const sdk = new Anthropic({ apiKey: 'bench', baseURL: server.baseURL, maxRetries: 0, logLevel: 'off', timeout: 600_000 });
const model = createAnthropic({ apiKey: 'bench', baseURL: server.baseURL })(modelId);
const agent = new Agent({ name: 'bench', instructions: 'Be brief.', model });
// the same request body on both sides: the user turn as the provider converts it (a text block)
const params = { model: modelId, max_tokens: 1024, messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }] };
const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }];
const inputSchema = { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] };
const tools = [{ type: 'function' as const, name: 'weather', description: 'Weather of a city', inputSchema }];
const sdkTools = [{ name: 'weather', description: 'Weather of a city', input_schema: inputSchema }];

type Case = { name: string; run: () => Promise<number | void> };
const cases: Case[] = [
  { name: 'sdk generate', run: async () => void (await sdk.messages.create(params)) },
  { name: 'provider generate', run: async () => void (await model.doGenerate({ prompt, maxOutputTokens: 1024 })) },
  { name: 'sdk tools', run: async () => void (await sdk.messages.create({ ...params, tools: sdkTools })) },
  { name: 'provider tools', run: async () => void (await model.doGenerate({ prompt, maxOutputTokens: 1024, tools })) },
  { name: 'agent.generate', run: async () => void (await agent.generate('Hello')) },
  {
    name: 'sdk stream',
    run: async () => {
      const start = performance.now();
      let first = 0;
      for await (const event of await sdk.messages.create({ ...params, stream: true })) {
        if (first === 0 && event.type === 'content_block_delta') first = performance.now() - start;
      }
      return first;
    },
  },
  {
    name: 'provider stream',
    run: async () => {
      const start = performance.now();
      let first = 0;
      for await (const part of (await model.doStream({ prompt, maxOutputTokens: 1024 })).stream) {
        if (first === 0 && part.type === 'text-delta') first = performance.now() - start;
      }
      return first;
    },
  },
];

// Calls are interleaved one by one (rotating order) and summarized by their median, so that load from
// other processes on the machine hits every case alike.
const samples = new Map<string, { time: number[]; first: number[] }>(cases.map((item) => [item.name, { time: [], first: [] }]));
for (const item of cases) for (let index = 0; index < 50; index++) await item.run();
const iterations = rounds * callsPerRound;
for (let iteration = 0; iteration < iterations; iteration++) {
  for (let offset = 0; offset < cases.length; offset++) {
    const item = cases[(iteration + offset) % cases.length]!;
    const sample = samples.get(item.name)!;
    const start = performance.now();
    const first = await item.run();
    sample.time.push(performance.now() - start);
    if (typeof first === 'number') sample.first.push(first);
  }
}
await server.close();

const median = (values: number[]): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const micro = (name: string): number => median(samples.get(name)!.time) * 1000;
const firstMicro = (name: string): number => median(samples.get(name)!.first) * 1000;
const line = (label: string, ours: number, base: number): string =>
  `${label.padEnd(30)} ${ours.toFixed(0).padStart(6)} µs vs SDK ${base.toFixed(0).padStart(6)} µs   overhead ${(ours - base).toFixed(0).padStart(5)} µs (${(((ours - base) / base) * 100).toFixed(1)}%)   ratio ${(ours / base).toFixed(3)}`;
console.log(`Node ${process.version}, ${iterations} interleaved calls per case, medians, fake Anthropic server in-process`);
console.log(line('generate', micro('provider generate'), micro('sdk generate')));
console.log(line('stream: first text delta', firstMicro('provider stream'), firstMicro('sdk stream')));
console.log(line('stream: whole stream', micro('provider stream'), micro('sdk stream')));
console.log(line('tool call (generate)', micro('provider tools'), micro('sdk tools')));
console.log(line('agent.generate (1 step)', micro('agent.generate'), micro('sdk generate')));
console.log(`calls/s (from medians): sdk ${(1e6 / micro('sdk generate')).toFixed(0)}, provider ${(1e6 / micro('provider generate')).toFixed(0)}, agent.generate ${(1e6 / micro('agent.generate')).toFixed(0)}`);
