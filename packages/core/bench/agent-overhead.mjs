// Framework overhead of agent.generate() / agent.stream() against a model that answers at once,
// next to calling the same model directly, in the same process. Also import time and memory of core.
// Run: pnpm --filter @mastra-ts/core bench  (builds first through turbo: pnpm bench)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Agent, createTool, jsonSchema } from '../dist/index.mjs';

const usage = { inputTokens: 3, outputTokens: 5, totalTokens: 8 };
const textResult = { content: [{ type: 'text', text: 'Hello!' }], finishReason: 'stop', usage, warnings: [] };
const toolResult = { content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'add', input: '{"a":1,"b":2}' }], finishReason: 'tool-calls', usage, warnings: [] };
const streamParts = [
  { type: 'stream-start', warnings: [] },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Hel' },
  { type: 'text-delta', id: 't', delta: 'lo!' },
  { type: 'text-end', id: 't' },
  { type: 'finish', finishReason: 'stop', usage },
];
async function* partsOf(parts) {
  yield* parts;
}

const instantModel = {
  specificationVersion: 'v1',
  provider: 'bench',
  modelId: 'instant',
  async doGenerate(options) {
    const last = options.prompt[options.prompt.length - 1];
    return options.tools && last.role !== 'tool' ? toolResult : textResult;
  },
  async doStream() {
    return { stream: partsOf(streamParts) };
  },
};

const addSchema = jsonSchema({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] });
const add = createTool({ id: 'add', description: 'Adds', inputSchema: addSchema, execute: async ({ a, b }) => a + b });
const plain = new Agent({ name: 'plain', instructions: 'Be brief.', model: instantModel });
const withTool = new Agent({ name: 'tool', instructions: 'Use tools.', model: instantModel, tools: { add } });
const prompt = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'Hi' }] }];

async function measure(name, fn, { iterations = 2000, batches = 15 } = {}) {
  for (let index = 0; index < iterations; index++) await fn(); // warm up
  const perCall = [];
  for (let batch = 0; batch < batches; batch++) {
    const start = process.hrtime.bigint();
    for (let index = 0; index < iterations; index++) await fn();
    perCall.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  perCall.sort((a, b) => a - b);
  return { name, microseconds: perCall[Math.floor(perCall.length / 2)] };
}

const rows = [];
const baselineGenerate = await measure('model.doGenerate() direct', () => instantModel.doGenerate({ prompt }));
const generate = await measure('agent.generate() one step', () => plain.generate('Hi'));
const baselineTool = await measure('direct: 2 model calls + tool', async () => {
  await instantModel.doGenerate({ prompt, tools: [{}] });
  await add.execute({ a: 1, b: 2 }, {});
  await instantModel.doGenerate({ prompt: [...prompt, { role: 'tool', content: [] }] });
});
const generateTool = await measure('agent.generate() one tool round trip', () => withTool.generate('1+2?'));
const baselineStream = await measure('model.doStream() direct, read all', async () => {
  const { stream } = await instantModel.doStream({ prompt });
  for await (const _part of stream);
});
const stream = await measure('agent.stream() read fullStream', async () => {
  const result = await plain.stream('Hi');
  for await (const _part of result.fullStream);
});
async function firstChunk(name, open, { iterations = 2000, batches = 15 } = {}) {
  const perBatch = [];
  for (let batch = 0; batch < batches + 1; batch++) {
    let total = 0;
    for (let index = 0; index < iterations; index++) {
      const start = process.hrtime.bigint();
      const iterable = await open();
      let seen = false;
      for await (const item of iterable) {
        if (!seen && (typeof item === 'string' || item.type === 'text-delta')) {
          total += Number(process.hrtime.bigint() - start);
          seen = true;
        }
      }
    }
    if (batch > 0) perBatch.push(total / 1000 / iterations); // batch 0 warms up
  }
  perBatch.sort((a, b) => a - b);
  return { name, microseconds: perBatch[Math.floor(perBatch.length / 2)] };
}
const baselineFirst = await firstChunk('model.doStream() first text delta', async () => (await instantModel.doStream({ prompt })).stream);
const first = await firstChunk('agent.stream() first text delta', async () => (await plain.stream('Hi')).textStream);
const cancel = await measure('agent.stream() then break after first delta', async () => {
  const result = await plain.stream('Hi');
  for await (const _text of result.textStream) break;
  await result.text.catch(() => {});
});

rows.push([generate, baselineGenerate], [generateTool, baselineTool], [stream, baselineStream], [first, baselineFirst], [cancel, baselineFirst]);
console.log(`Node ${process.version}, median of 15 batches x 2000 calls\n`);
console.log('| measured | µs/call | baseline | µs/call | framework adds |');
console.log('|---|---:|---|---:|---:|');
for (const [ours, base] of rows) {
  console.log(`| ${ours.name} | ${ours.microseconds.toFixed(2)} | ${base.name} | ${base.microseconds.toFixed(2)} | ${(ours.microseconds - base.microseconds).toFixed(2)} µs |`);
}

const entry = fileURLToPath(new URL('../dist/index.mjs', import.meta.url));
const samples = [];
for (let run = 0; run < 5; run++) {
  const output = execFileSync(process.execPath, ['-e', `const t=performance.now(); await import(${JSON.stringify(entry)}); console.log(JSON.stringify({ ms: performance.now() - t, rss: process.memoryUsage().rss }))`]);
  samples.push(JSON.parse(output.toString()));
}
const baselineSamples = [];
for (let run = 0; run < 5; run++) {
  baselineSamples.push(JSON.parse(execFileSync(process.execPath, ['-e', 'console.log(JSON.stringify({ rss: process.memoryUsage().rss }))']).toString()));
}
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`\nimport('@mastra-ts/core'): ${median(samples.map((sample) => sample.ms)).toFixed(1)} ms, process RSS ${(median(samples.map((sample) => sample.rss)) / 2 ** 20).toFixed(1)} MB (bare node: ${(median(baselineSamples.map((sample) => sample.rss)) / 2 ** 20).toFixed(1)} MB); median of 5`);
