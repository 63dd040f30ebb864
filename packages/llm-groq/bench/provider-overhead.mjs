// Per-call overhead of @mastra-ts/llm-groq over the bare `groq-sdk`, both aimed at the same fake Groq
// server on 127.0.0.1 in the same process. Rounds alternate between the two sides; medians are printed.
// Run: pnpm --filter @mastra-ts/llm-groq bench   (builds the package first)
import Groq from 'groq-sdk';
import { groqChatCompletion, groqChatCompletionStream, startFakeGroq } from '../../../tooling/fake-providers/src/groq.ts';
import { createGroq } from '../dist/index.mjs';

const server = await startFakeGroq();
const text = groqChatCompletion({ text: 'Hello there, how can I help?' });
const streamed = groqChatCompletionStream({ text: ['Hello', ' there', ', how', ' can', ' I', ' help?'] });
server.setFallback((request) => (request.body?.stream ? streamed : text));

const sdk = new Groq({ apiKey: 'gsk-bench', baseURL: server.baseURL, maxRetries: 0 });
const model = createGroq({ apiKey: 'gsk-bench', baseURL: server.baseURL })('llama-3.3-70b-versatile');
const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi' },
];
const prompt = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
];

async function sdkGenerate() {
  const completion = await sdk.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages });
  if (!completion.choices[0].message.content) throw new Error('no text');
}
async function sdkStreamFirst() {
  const stream = await sdk.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages, stream: true });
  let first;
  for await (const chunk of stream) if (first === undefined && chunk.choices[0]?.delta?.content) first = performance.now();
  return first;
}
async function ourGenerate() {
  const result = await model.doGenerate({ prompt });
  if (result.content.length === 0) throw new Error('no text');
}
async function ourStreamFirst() {
  const { stream } = await model.doStream({ prompt });
  let first;
  for await (const part of stream) if (first === undefined && part.type === 'text-delta') first = performance.now();
  return first;
}

async function measure(fn, count) {
  let firstTotal = 0;
  const start = performance.now();
  for (let index = 0; index < count; index++) {
    const callStart = performance.now();
    const first = await fn();
    if (typeof first === 'number') firstTotal += first - callStart;
  }
  return { perCall: ((performance.now() - start) * 1000) / count, firstChunk: firstTotal > 0 ? (firstTotal * 1000) / count : undefined };
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const perRound = Number(process.env.BENCH_CALLS ?? 300);

async function compare(label, baseline, ours) {
  for (let index = 0; index < 100; index++) {
    await baseline();
    await ours();
  }
  const base = [];
  const mine = [];
  for (let round = 0; round < rounds; round++) {
    base.push(await measure(baseline, perRound));
    mine.push(await measure(ours, perRound));
  }
  const basePer = median(base.map((result) => result.perCall));
  const minePer = median(mine.map((result) => result.perCall));
  const row = {
    case: label,
    'sdk µs/call': basePer.toFixed(0),
    'ours µs/call': minePer.toFixed(0),
    'calls/s ratio': `${((basePer / minePer) * 100).toFixed(1)}%`,
    overhead: `${(((minePer - basePer) / basePer) * 100).toFixed(1)}%`,
  };
  if (base[0].firstChunk !== undefined) {
    row['sdk µs to 1st chunk'] = median(base.map((result) => result.firstChunk)).toFixed(0);
    row['ours µs to 1st chunk'] = median(mine.map((result) => result.firstChunk)).toFixed(0);
  }
  return row;
}

const rows = [await compare('doGenerate vs create()', sdkGenerate, ourGenerate), await compare('doStream vs create({stream})', sdkStreamFirst, ourStreamFirst)];
console.log(`Node ${process.version}, ${rounds} rounds × ${perRound} calls per side, medians; fake Groq server on 127.0.0.1`);
console.table(rows);
await server.close();
