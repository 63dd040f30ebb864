/**
 * Per-call overhead of @mastra-ts/llm-ollama over the bare `ollama` client, both aimed at the same fake
 * Ollama server in this process. Run: `pnpm --filter @mastra-ts/llm-ollama bench`.
 */
import { ollamaText, ollamaToolCalls, startFakeOllama } from '@mastra-ts/fake-providers/ollama';
import { Ollama } from 'ollama';
import { createOllama } from '../src/index.ts';

const iterations = Number(process.env.BENCH_ROUNDS ?? 6) * Number(process.env.BENCH_CALLS ?? 300);
const server = await startFakeOllama();
server.setFallback((request) => {
  if (request.path === '/api/embed') return { kind: 'embed', embeddings: [[0.1, 0.2, 0.3]] };
  if (Array.isArray(request.body?.tools)) return ollamaToolCalls([{ id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }]);
  return ollamaText(['Hello', ' from', ' the', ' fake', ' server.']);
});
const client = new Ollama({ host: server.baseURL });
const provider = createOllama({ host: server.baseURL });
const model = provider('llama3.2');
const embedder = provider.embedding('nomic-embed-text');
const messages = [{ role: 'user', content: 'Hello' }];
const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }];
// the same request body on both sides: the tool as the provider maps it
const parameters = { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] };
const clientTools = [{ type: 'function', function: { name: 'weather', description: 'Weather of a city', parameters } }];
const tools = [{ type: 'function' as const, name: 'weather', description: 'Weather of a city', inputSchema: parameters }];

const firstDelta = async (open: () => Promise<AsyncIterable<any>>, isDelta: (item: any) => boolean): Promise<number> => {
  const start = performance.now();
  let first = 0;
  for await (const item of await open()) if (first === 0 && isDelta(item)) first = performance.now() - start;
  return first;
};
const cases: Array<{ name: string; run: () => Promise<number | void> }> = [
  { name: 'client chat', run: async () => void (await client.chat({ model: 'llama3.2', messages })) },
  { name: 'provider generate', run: async () => void (await model.doGenerate({ prompt })) },
  { name: 'client stream', run: () => firstDelta(() => client.chat({ model: 'llama3.2', messages, stream: true }), (chunk) => chunk.message?.content) },
  { name: 'provider stream', run: () => firstDelta(async () => (await model.doStream({ prompt })).stream, (part) => part.type === 'text-delta') },
  { name: 'client tools', run: async () => void (await client.chat({ model: 'llama3.2', messages, tools: clientTools })) },
  { name: 'provider tools', run: async () => void (await model.doGenerate({ prompt, tools })) },
  { name: 'client embed', run: async () => void (await client.embed({ model: 'nomic-embed-text', input: ['hello'] })) },
  { name: 'provider embed', run: async () => void (await embedder.doEmbed({ values: ['hello'] })) },
];

const samples = new Map(cases.map((item) => [item.name, { time: [] as number[], first: [] as number[] }]));
for (const item of cases) for (let index = 0; index < 50; index++) await item.run();
for (let iteration = 0; iteration < iterations; iteration++) {
  for (let offset = 0; offset < cases.length; offset++) {
    const item = cases[(iteration + offset) % cases.length]!;
    const start = performance.now();
    const first = await item.run();
    samples.get(item.name)!.time.push(performance.now() - start);
    if (typeof first === 'number') samples.get(item.name)!.first.push(first);
  }
}
await server.close();

const median = (values: number[]): number => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;
const micro = (name: string, key: 'time' | 'first' = 'time'): number => median(samples.get(name)![key]) * 1000;
const line = (label: string, ours: number, base: number): string =>
  `${label.padEnd(26)} ${ours.toFixed(0).padStart(6)} µs vs client ${base.toFixed(0).padStart(6)} µs   overhead ${(ours - base).toFixed(0).padStart(5)} µs (${(((ours - base) / base) * 100).toFixed(1)}%)   ratio ${(ours / base).toFixed(3)}`;
console.log(`Node ${process.version}, ${iterations} interleaved calls per case, medians, fake Ollama server in-process`);
console.log(line('chat (generate)', micro('provider generate'), micro('client chat')));
console.log(line('stream: first text delta', micro('provider stream', 'first'), micro('client stream', 'first')));
console.log(line('stream: whole stream', micro('provider stream'), micro('client stream')));
console.log(line('tool call (generate)', micro('provider tools'), micro('client tools')));
console.log(line('embed (1 value)', micro('provider embed'), micro('client embed')));
