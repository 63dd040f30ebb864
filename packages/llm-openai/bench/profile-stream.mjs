// Profiling helper: runs one side of the stream comparison in a loop. `node --cpu-prof bench/profile-stream.mjs agent|sdk|do`
import { Agent } from '@mastra-ts/core';
import OpenAI from 'openai';
import { chatCompletionStream, startFakeOpenAI } from '../../../tooling/fake-providers/src/openai.ts';
import { createOpenAI } from '../dist/index.mjs';

const server = await startFakeOpenAI();
const streamed = chatCompletionStream({ text: ['Hello', ' there', ', how', ' can', ' I', ' help?'] });
server.setFallback(() => streamed);
const sdk = new OpenAI({ apiKey: 'sk-bench', baseURL: server.baseURL, maxRetries: 0 });
const model = createOpenAI({ apiKey: 'sk-bench', baseURL: server.baseURL })('gpt-4o-mini');
const agent = new Agent({ name: 'plain', instructions: 'Be brief.', model });
const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }];
const prompt = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }];
const sides = {
  sdk: async () => {
    const stream = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) void chunk;
  },
  do: async () => {
    const { stream } = await model.doStream({ prompt });
    for await (const part of stream) void part;
  },
  agent: async () => {
    const result = await agent.stream('Hi');
    for await (const part of result.fullStream) void part;
  },
};
const run = sides[process.argv[2] ?? 'agent'];
const count = Number(process.argv[3] ?? 5000);
for (let index = 0; index < 300; index++) await run();
const start = performance.now();
for (let index = 0; index < count; index++) await run();
console.log(process.argv[2], ((performance.now() - start) * 1000 / count).toFixed(0), 'µs/call');
await server.close();
