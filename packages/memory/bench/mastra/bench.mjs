/**
 * Mastra's memory on this machine, measured the way `../prepare.bench.ts --only=agent` measures ours: the same mock
 * model answer, the same fake OpenAI embedding server (in this process, through Mastra's own AI SDK embedder), a thread
 * of 200 messages before the first measured call, chunks of 25 calls per row with the rows taking turns, and one turn
 * of the event loop after every call. Figures are medians; "added" is against Mastra's own agent without memory.
 *
 * Run: `pnpm --filter @mastra-ts/memory bench:mastra` (installs the pinned packages of ./package.json here with npm,
 * outside the workspace), or `node bench/mastra/bench.mjs [rounds]` once they are installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createOpenAI } from '@ai-sdk/openai';
import { Agent } from '@mastra/core/agent';
import { LibSQLStore, LibSQLVector } from '@mastra/libsql';
import { Memory } from '@mastra/memory';
import { MockLanguageModelV3 } from 'ai/test';
import { startEmbeddingServer } from '../fake-embedding-server.ts';

const rounds = Number(process.argv[2] ?? 20);
const chunk = 25;
const words = ['weather', 'lunch', 'travel', 'budget', 'music', 'garden', 'coffee', 'project', 'meeting', 'holiday', 'books', 'running', 'dinner', 'train', 'paris', 'lisbon'];
const directory = mkdtempSync(path.join(tmpdir(), 'mastra-memory-bench-'));
// embedding requests counted, not recorded (as in our bench: a record of thousands grows the measured process's heap)
let embeddingRequests = 0;
const server = await startEmbeddingServer((request) => {
  if (request.path.endsWith('/embeddings')) embeddingRequests++;
});
const openai = createOpenAI({ apiKey: 'sk-bench', baseURL: server.baseURL });

const model = () =>
  new MockLanguageModelV3({
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'Sure, noted.' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 3, text: 3, reasoning: 0 } },
      warnings: [],
    }),
  });
const store = (name) => new LibSQLStore({ id: `store-${name}`, url: `file:${path.join(directory, `${name}.db`)}` });
const recallMemory = (name, dimensions) =>
  new Memory({
    storage: store(name),
    vector: new LibSQLVector({ id: `vector-${name}`, url: `file:${path.join(directory, `${name}-vectors.db`)}` }),
    embedder: openai.embedding('text-embedding-3-small'),
    ...(dimensions ? { embedderOptions: { providerOptions: { openai: { dimensions } } } } : {}),
    options: { lastMessages: 10, semanticRecall: { topK: 5, messageRange: 1 } },
  });

let turn = 0;
const rows = [];
const row = (name, memory) => {
  const recallModel = model();
  const agent = new Agent({ id: `agent-${rows.length}`, name: 'bench', instructions: 'Be brief.', model: recallModel, ...(memory ? { memory } : {}) });
  rows.push({
    name,
    model: recallModel,
    samples: [],
    call: async () => {
      await agent.generate(`${words[turn++ % words.length]} question ${turn}`, memory ? { memory: { thread: 'bench', resource: 'user' } } : {});
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
};
row('no memory');
row('LibSQL file, last 10', new Memory({ storage: store('history'), options: { lastMessages: 10, semanticRecall: false } }));
row('LibSQL, last 10 + recall, OpenAI embeddings (fake server)', recallMemory('recall', 64));
row("  the same, 1,536 dimensions (the model's default size)", recallMemory('recall-1536'));

// a thread with history: 100 calls (200 messages) per memory row before measuring
for (const entry of rows.slice(1)) for (let index = 0; index < 100; index++) await entry.call();
const requestsBefore = embeddingRequests;
for (let round = -2; round < rounds; round++) {
  for (const entry of rows) {
    for (let index = 0; index < chunk; index++) {
      const start = performance.now();
      await entry.call();
      if (round >= 0) entry.samples.push(performance.now() - start);
    }
    entry.model.doGenerateCalls.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

const version = (name) => createRequire(import.meta.url)(`${name}/package.json`).version;
const median = (samples) => samples.sort((a, b) => a - b)[samples.length >> 1];
const base = median(rows[0].samples);
console.log(`Mastra: @mastra/core ${version('@mastra/core')}, @mastra/memory ${version('@mastra/memory')}, @mastra/libsql ${version('@mastra/libsql')} (Node ${process.version})`);
console.log(`  (${rounds} rounds of ${chunk} calls per row, the rows taking turns)`);
for (const entry of rows) {
  const value = median(entry.samples);
  const added = entry === rows[0] ? '' : `, +${((value - base) * 1000).toFixed(0)} µs per call`;
  console.log(`  ${entry.name.padEnd(60)}${(value * 1000).toFixed(1).padStart(9)} µs  ${(1000 / value).toFixed(0)} calls/s${added}`);
}
console.log(`  ${embeddingRequests - requestsBefore} embedding requests for ${2 * (rounds + 2) * chunk} recalled calls`);
await server.close();
rmSync(directory, { recursive: true, force: true });
process.exit(0);
