// Per-call overhead of @mastra-ts/llm-openai over the bare `openai` SDK, both aimed at the same fake
// server on 127.0.0.1 in the same process: doGenerate / doStream (time to first text delta) next to
// chat.completions.create, then agent.generate() / agent.stream() / a tool round trip next to the SDK
// doing the same calls by hand, doEmbed next to embeddings.create, and our default transport (requestFetch, undici's
// request()) next to the same provider given `fetch: globalThis.fetch`. Calls alternate between the two sides;
// medians are printed.
// Run: pnpm --filter @mastra-ts/llm-openai bench [--only=stream,tool,embed,transport]   (build the package first)
import { Agent, createTool, jsonSchema } from '@mastra-ts/core';
import OpenAI from 'openai';
import { chatCompletion, chatCompletionStream, embeddingsResponse } from '../../../tooling/fake-providers/src/openai.ts';
import { startFakeOpenAI } from '../../../tooling/fake-providers/src/openai.ts';
import { createOpenAI } from '../dist/index.mjs';

const server = await startFakeOpenAI();
const text = chatCompletion({ text: 'Hello there, how can I help?' });
const streamed = chatCompletionStream({ text: ['Hello', ' there', ', how', ' can', ' I', ' help?'] });
const toolCall = chatCompletion({ toolCalls: [{ id: 'call_1', name: 'add', arguments: '{"a":1,"b":2}' }] });
const embedded = embeddingsResponse((input, request) => input.map(() => Array.from({ length: Number(request.body?.dimensions ?? 1536) }, (_, index) => (index % 7) / 7)));
server.setFallback((request) => {
  if (request.path.endsWith('/embeddings')) return embedded;
  if (request.body?.stream) return streamed;
  const last = request.body?.messages?.at(-1);
  return request.body?.tools && last?.role !== 'tool' ? toolCall : text;
});

const sdk = new OpenAI({ apiKey: 'sk-bench', baseURL: server.baseURL, maxRetries: 0 });
const provider = createOpenAI({ apiKey: 'sk-bench', baseURL: server.baseURL });
const model = provider('gpt-4o-mini');
// the same provider on the WHATWG fetch (what it used before requestFetch, and what a `fetch` setting gives)
const onFetch = createOpenAI({ apiKey: 'sk-bench', baseURL: server.baseURL, fetch: globalThis.fetch });
const modelOnFetch = onFetch('gpt-4o-mini');
const embedder = provider.embedding('text-embedding-3-small', { dimensions: 64 });
const embedderOnFetch = onFetch.embedding('text-embedding-3-small', { dimensions: 64 });
const messages = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Hi' },
];
const prompt = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
];
const addSchema = { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] };
const add = createTool({ id: 'add', description: 'Adds', inputSchema: jsonSchema(addSchema), execute: async ({ a, b }) => a + b });
// the overhead cases compare with the SDK on the same transport (its fetch); the transport cases show the default's gain
const agent = new Agent({ name: 'plain', instructions: 'Be brief.', model: modelOnFetch });
const toolAgent = new Agent({ name: 'tool', instructions: 'Be brief.', model: modelOnFetch, tools: { add } });
const sdkTools = [{ type: 'function', function: { name: 'add', description: 'Adds', parameters: addSchema } }];

async function sdkGenerate() {
  const completion = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages });
  if (!completion.choices[0].message.content) throw new Error('no text');
}
async function sdkStreamFirst() {
  const stream = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
  let first;
  for await (const chunk of stream) if (first === undefined && chunk.choices[0]?.delta?.content) first = performance.now();
  return first;
}
async function sdkToolRoundTrip() {
  const history = [...messages];
  const first = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: history, tools: sdkTools });
  const call = first.choices[0].message.tool_calls[0];
  const input = JSON.parse(call.function.arguments);
  history.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: JSON.stringify(input.a + input.b) });
  const second = await sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: history, tools: sdkTools });
  if (!second.choices[0].message.content) throw new Error('no text');
}
const ourGenerateWith = (model) => async () => {
  const result = await model.doGenerate({ prompt });
  if (result.content.length === 0) throw new Error('no text');
};
const ourStreamFirstWith = (model) => async () => {
  const { stream } = await model.doStream({ prompt });
  let first;
  for await (const part of stream) if (first === undefined && part.type === 'text-delta') first = performance.now();
  return first;
};
const sdkEmbed = (dimensions) => async () => {
  const result = await sdk.embeddings.create({ model: 'text-embedding-3-small', input: ['a question'], dimensions });
  if (result.data[0].embedding.length !== dimensions) throw new Error('wrong size');
};
const ourEmbedWith = (model, dimensions = 64) => async () => {
  const result = await model.doEmbed({ values: ['a question'] });
  if (result.embeddings[0].length !== dimensions) throw new Error('wrong size');
};
async function agentGenerate() {
  await agent.generate('Hi');
}
async function agentStreamFirst() {
  const result = await agent.stream('Hi');
  let first;
  for await (const part of result.fullStream) if (first === undefined && part.type === 'text-delta') first = performance.now();
  return first;
}
async function agentToolRoundTrip() {
  const result = await toolAgent.generate('1+2?');
  if (result.steps.length !== 2) throw new Error('expected a tool round trip');
}

/** Runs `fn` `count` times; returns µs per call, and µs to the first chunk when `fn` returns a timestamp. */
async function measure(fn, count) {
  let firstTotal = 0;
  const start = performance.now();
  for (let index = 0; index < count; index++) {
    const callStart = performance.now();
    const first = await fn();
    if (typeof first === 'number') firstTotal += first - callStart;
  }
  const elapsed = performance.now() - start;
  return { perCall: (elapsed * 1000) / count, firstChunk: firstTotal > 0 ? (firstTotal * 1000) / count : undefined };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const perRound = Number(process.env.BENCH_CALLS ?? 300);

async function compare(label, baseline, ours) {
  server.requests.length = 0;
  for (let index = 0; index < 100; index++) {
    await baseline();
    await ours();
  }
  // calls alternate one by one (which side goes first alternates too), so both sides see the same machine state;
  // the per-call medians are compared
  const base = [];
  const mine = [];
  const baseFirst = [];
  const mineFirst = [];
  const time = async (fn, into, firstInto) => {
    const start = performance.now();
    const first = await fn();
    into.push(performance.now() - start);
    if (typeof first === 'number') firstInto.push(first - start);
  };
  for (let index = 0; index < rounds * perRound; index++) {
    // the fake server logs every request (for tests): emptied as the bench goes, so that its growing log does not
    // make the garbage collector work harder case after case
    if (index % 100 === 0) server.requests.length = 0;
    if (index % 2 === 0) {
      await time(baseline, base, baseFirst);
      await time(ours, mine, mineFirst);
    } else {
      await time(ours, mine, mineFirst);
      await time(baseline, base, baseFirst);
    }
  }
  const basePer = median(base) * 1000;
  const minePer = median(mine) * 1000;
  const row = {
    case: label,
    'baseline µs/call': basePer.toFixed(0),
    'ours µs/call': minePer.toFixed(0),
    'baseline calls/s': (1e6 / basePer).toFixed(0),
    'ours calls/s': (1e6 / minePer).toFixed(0),
    'calls/s ratio': `${((basePer / minePer) * 100).toFixed(1)}%`,
    'overhead': `${(((minePer - basePer) / basePer) * 100).toFixed(1)}%`,
  };
  if (baseFirst.length > 0) {
    row['baseline µs to 1st chunk'] = (median(baseFirst) * 1000).toFixed(0);
    row['ours µs to 1st chunk'] = (median(mineFirst) * 1000).toFixed(0);
  }
  return row;
}

// `--only=stream,tool` runs the cases whose key is listed (generate, dostream, agent, stream, tool, embed, transport)
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const cases = [
  ['generate', 'doGenerate vs create()', sdkGenerate, ourGenerateWith(modelOnFetch)],
  ['dostream', 'doStream vs create({stream})', sdkStreamFirst, ourStreamFirstWith(modelOnFetch)],
  ['agent', 'agent.generate() vs create()', sdkGenerate, agentGenerate],
  ['stream', 'agent.stream() vs create({stream})', sdkStreamFirst, agentStreamFirst],
  ['tool', 'agent tool round trip vs SDK by hand', sdkToolRoundTrip, agentToolRoundTrip],
  ['embed', 'doEmbed (64 dims) vs embeddings.create()', sdkEmbed(64), ourEmbedWith(embedderOnFetch)],
  ['embed', 'doEmbed (1,536 dims) vs embeddings.create()', sdkEmbed(1536), ourEmbedWith(onFetch.embedding('text-embedding-3-small'), 1536)],
  ['transport', 'doEmbed: on fetch vs requestFetch', ourEmbedWith(embedderOnFetch), ourEmbedWith(embedder)],
  ['transport', 'doGenerate: on fetch vs requestFetch', ourGenerateWith(modelOnFetch), ourGenerateWith(model)],
  ['transport', 'doStream: on fetch vs requestFetch', ourStreamFirstWith(modelOnFetch), ourStreamFirstWith(model)],
];
const rows = [];
for (const [key, label, baseline, ours] of cases) if (!only || only.includes(key)) rows.push(await compare(label, baseline, ours));
console.log(`Node ${process.version}, ${rounds * perRound} calls per side, interleaved one by one, per-call medians; fake OpenAI server on 127.0.0.1`);
console.log('baseline: the bare SDK (its fetch), against this provider on the same fetch; transport cases: this provider given fetch: globalThis.fetch, against its default requestFetch');
console.table(rows);
await server.close();
