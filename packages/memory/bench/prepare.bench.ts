/**
 * Memory benchmarks: context assembly (`prepare`) as threads grow, save throughput, and the cost memory adds
 * to `agent.generate()`. Run with `pnpm bench` from packages/memory (`--only=prepare|save|agent`, `--variant=<part of a
 * prepare variant's name>`, `--quick` without the 100,000-message threads, `--breakdown` also times the vector query,
 * the keyword search and the message reads inside each measured prepare(), `--ef-search=<n>` sets recall's
 * `semanticRecall.efSearch` (the HNSW walk's candidate list; default 48), `--keywords=off` recalls by vectors only). Figures are medians (p95 in brackets)
 * with ratios against a baseline measured in the same run; a prepare variant's sizes, and the agent section's rows
 * (with the call without memory and the bare embedding round trips), are measured in alternating rounds, so that
 * the machine's drift lands on all of them alike.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Agent, InMemoryMemoryStore, InMemoryVectorStore, RequestContext, type MemoryStore, type ModelMessage, type VectorStore } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult } from '@mastra-ts/core/testing';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { createLexicalEmbedder, LocalVectorStore } from '@mastra-ts/vector';
import { Memory } from '../src/index.ts';
import { createOpenAI } from '@mastra-ts/llm-openai';
import { startEmbeddingServer } from './fake-embedding-server.ts';

const quick = process.argv.includes('--quick');
const breakdown = process.argv.includes('--breakdown');
// --ef-search=<n>: recall's semanticRecall.efSearch, the HNSW walk's candidate list (default memory's, 48)
const efSearch = process.argv.find((argument) => argument.startsWith('--ef-search='))?.slice('--ef-search='.length);
// --keywords=off: recall by vectors only (semanticRecall.keywords: false), to compare against the default
const recallSettings = { ...(process.argv.includes('--keywords=off') ? { keywords: false } : {}), ...(efSearch ? { efSearch: Number(efSearch) } : {}) };
const hnswStore = (): LocalVectorStore => new LocalVectorStore({ index: 'hnsw' });
const sizes = quick ? [100, 10_000] : [100, 10_000, 100_000];
const words = ['weather', 'lunch', 'travel', 'budget', 'music', 'garden', 'coffee', 'project', 'meeting', 'holiday', 'books', 'running', 'dinner', 'train', 'paris', 'lisbon'];

// Chat-like filler: 8-15 words per message drawn (seeded, by message index) from common English words and the topic
// words, so that messages overlap as real conversation does. (Three topic words per message made 16 clusters of
// near-duplicates, a pathological case for a graph index: a fact that shares no word with them was unreachable.)
const common = (
  'i you we they it is was are be have had do did not no yes my your our the a an this that these those in on at to ' +
  'for of with from about after before today tomorrow yesterday week weekend morning evening time think know want ' +
  'need like love hate good bad great fine maybe really very just also still again next last new old small big ' +
  'go going went come came get got make made take took see saw tell told ask asked call called meet plan plans idea ' +
  'work home office friend friends family kids mom dad team boss doctor bank shop store car bus flight hotel room ' +
  'price money pay paid cheap late early soon long short left right place city street park beach'
).split(' ');
const vocabulary = [...common, ...words];

function filler(index: number): string {
  let state = (index * 2654435761 + 0x9e3779b9) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const length = 8 + Math.floor(next() * 8);
  const picked: string[] = [];
  for (let position = 0; position < length; position++) picked.push(vocabulary[Math.floor(next() * vocabulary.length)]!);
  return `${picked.join(' ')} (note ${index})`;
}

function message(index: number): ModelMessage {
  return { role: index % 2 === 0 ? 'user' : 'assistant', content: filler(index) };
}

interface Figure {
  median: number;
  p95: number;
}

const format = (figure: Figure): string => `${(figure.median * 1000).toFixed(1).padStart(8)} µs [${(figure.p95 * 1000).toFixed(1)}]`;
const ratio = (figure: Figure, base: Figure): string => `${(figure.median / base.median).toFixed(2)}x`;

/** A fact said once, halfway through the thread: recall must find it among all the others. */
const planted = 'my spare passport is locked in the zebra drawer';
/**
 * Twenty facts said once each, spread through the thread (the one above halfway), each with a question about it that
 * is not in the index: how many recall brings back shows how often a distinctive message is found, which one fact
 * cannot (whether a graph walk reaches one message is partly luck).
 */
const facts: Array<[fact: string, question: string]> = [
  ['the wifi password is purple elephant ninety', 'what is the wifi password?'],
  ['my sister Greta is allergic to peanuts', 'what is Greta allergic to?'],
  ['the dentist appointment moved to thursday at nine', 'when is the dentist appointment?'],
  ['I parked the van on level four near the elevator', 'where did I park the van?'],
  ['our landlord is called Mr Okonkwo', 'what is the landlord called?'],
  ['the garage door code is 4417', 'what is the garage door code?'],
  ['my blood type is O negative', 'what is my blood type?'],
  ['the cat needs her thyroid pills twice daily', 'how often does the cat take thyroid pills?'],
  ['I lent my ladder to the neighbour Priya', 'who has my ladder?'],
  ['the insurance policy number ends with 9921', 'what is the insurance policy number?'],
  [planted, 'where is my passport? the zebra drawer?'],
  ['my favourite restaurant is the Ethiopian place on Dundas', 'what is my favourite restaurant?'],
  ['the spare key hides under the blue flowerpot', 'where is the spare key?'],
  ['Tomasz prefers decaf oat milk lattes', 'what coffee does Tomasz drink?'],
  ['the piano tuner visits every March', 'when does the piano tuner come?'],
  ['my grandmother was born in Valparaiso', 'where was my grandmother born?'],
  ['the bike lock combination is 0815', 'what is the bike lock combination?'],
  ['we booked the cabin at Lake Tahoe for August', 'which cabin did we book?'],
  ['my shoe size is 44 european', 'what is my shoe size?'],
  ['the printer toner model is TN-2420', 'which toner does the printer use?'],
];
const plantedIndex = facts.findIndex(([fact]) => fact === planted);
/** Where fact `index` is said in a thread of `size` messages: spread evenly, the first one halfway. */
const factPosition = (index: number, size: number): number =>
  index === plantedIndex ? Math.floor(size / 2) : Math.floor(((index + 0.5) * size) / facts.length);

/**
 * Saves `size` messages: all in the bench thread, or (`perThread`) the bench thread's `perThread` messages among
 * other users' threads of that length, every thread with its own resource, all in one vector index.
 */
async function fill(memory: Memory, size: number, perThread?: number): Promise<void> {
  const benchMessages = perThread ?? size;
  const factAt = new Map(facts.map(([fact], index) => [factPosition(index, benchMessages), fact]));
  for (let start = 0; start < benchMessages; start += 1000) {
    const messages = Array.from({ length: Math.min(1000, benchMessages - start) }, (_, offset) => {
      const fact = factAt.get(start + offset);
      return fact === undefined ? message(start + offset) : { role: 'user' as const, content: fact };
    });
    await memory.saveMessages({ threadId: 'bench', resourceId: 'user', messages });
  }
  if (perThread !== undefined) {
    for (let thread = 1; thread * perThread < size; thread++) {
      const messages = Array.from({ length: perThread }, (_, offset) => message(thread * perThread + offset));
      await memory.saveMessages({ threadId: `other-${thread}`, resourceId: `user-${thread}`, messages });
    }
  }
  await memory.flush();
}

function prepareArgs(text: string): Parameters<Memory['prepare']>[0] {
  return {
    agentId: 'bench',
    threadId: 'bench',
    resourceId: 'user',
    thread: 'bench',
    input: [{ role: 'user', content: text }],
    options: undefined,
    requestContext: new RequestContext(),
    abortSignal: undefined,
  };
}

async function benchPrepare(): Promise<void> {
  console.log('\n## prepare(): assemble context\n');
  const directory = mkdtempSync(path.join(tmpdir(), 'memory-prepare-bench-'));
  const inMemory = async (): Promise<{ store: MemoryStore; dispose: () => Promise<void> }> => ({ store: new InMemoryMemoryStore(), dispose: async () => {} });
  const sqliteFile = async (): Promise<{ store: MemoryStore; dispose: () => Promise<void> }> => {
    const storage = createSqliteStorage({ path: path.join(directory, `prepare-${Date.now()}-${Math.random().toString(36).slice(2)}.db`) });
    await storage.migrate();
    return { store: storage.memory, dispose: () => storage.dispose() };
  };
  const variants: Array<{ name: string; store: typeof inMemory; vector?: () => VectorStore; perThread?: number }> = [
    { name: 'last 10, in-memory store', store: inMemory },
    { name: 'last 10, SQLite file (the default store)', store: sqliteFile },
    { name: 'last 10 + recall top 5, exact scan (@mastra-ts/vector flat index), in-memory store', store: inMemory, vector: () => new LocalVectorStore({ index: 'flat' }) },
    { name: 'last 10 + recall top 5, HNSW (@mastra-ts/vector hnsw index), in-memory store', store: inMemory, vector: () => hnswStore() },
    { name: 'last 10 + recall top 5, HNSW (@mastra-ts/vector hnsw index), SQLite file (the default store)', store: sqliteFile, vector: () => hnswStore() },
    {
      name: 'many users: a 100-message thread among other users\' 100-message threads in one HNSW index (recall scoped to the thread), SQLite file',
      store: sqliteFile,
      vector: () => hnswStore(),
      perThread: 100,
    },
  ];
  // --variant=<text>: only the variants whose name contains it (e.g. --variant=SQLite)
  const pick = process.argv.find((argument) => argument.startsWith('--variant='))?.slice('--variant='.length);
  for (const variant of variants.filter((candidate) => pick === undefined || candidate.name.includes(pick))) {
    console.log(`${variant.name}`);
    // every size is set up first, then measured in alternating rounds: this VM's speed drifts by tens of percent over
    // seconds, and measuring the sizes one after another put that drift into their ratios
    const cases: Array<{ size: number; memory: Memory; dispose: () => Promise<void>; setup: number; found: string; samples: number[]; querySamples: number[]; searchSamples: number[]; readSamples: number[] }> = [];
    // --breakdown: the vector query's and the keyword search's own times inside each measured prepare() (set while that
    // case is measured)
    let querySamples: number[] | undefined;
    let searchSamples: number[] | undefined;
    // and the message reads (the last messages, the recalled ones' neighbours), summed per prepare()
    let readSamples: number[] | undefined;
    let readTotal = 0;
    for (const size of sizes) {
      const setupStart = performance.now();
      const vector = variant.vector?.();
      if (vector && breakdown) {
        const query = vector.query.bind(vector);
        vector.query = async (args) => {
          const start = performance.now();
          try {
            return await query(args);
          } finally {
            querySamples?.push(performance.now() - start);
          }
        };
      }
      const { store, dispose } = await variant.store();
      if (vector && breakdown && store.searchMessages) {
        const search = store.searchMessages.bind(store);
        // the time until the call returns its promise: both stores search synchronously there, and the promise then waits
        // for the query's embedding and the history read that run alongside it
        store.searchMessages = (query) => {
          const start = performance.now();
          const result = search(query);
          searchSamples?.push(performance.now() - start);
          return result;
        };
      }
      if (vector && breakdown) {
        const list = store.listMessages.bind(store);
        // synchronous on both stores: the time until the call returns its promise is the read
        store.listMessages = (query) => {
          const start = performance.now();
          const result = list(query);
          readTotal += performance.now() - start;
          return result;
        };
      }
      const memory = new Memory({
        storage: store,
        ...(vector ? { vector, embedder: createLexicalEmbedder({ dimensions: 128 }), options: { lastMessages: 10, semanticRecall: { topK: 5, messageRange: 1, ...recallSettings } } } : { options: { lastMessages: 10 } }),
      });
      await fill(memory, size, variant.perThread);
      // measured once the HNSW graph holds every vector (@mastra-ts/vector inserts into the graph in the background)
      if (vector instanceof LocalVectorStore) await vector.whenIndexed();
      const setup = performance.now() - setupStart;
      let found = '';
      if (variant.vector) {
        // honest recall: questions not in the index must find the planted facts (the bench queries below are not in it
        // either); asked once unscoped planning has settled (the first recall reads the index size)
        const recalls = async ([fact, question]: [string, string]): Promise<boolean> =>
          (await memory.prepare(prepareArgs(question))).system?.some((text) => text.includes(fact)) ?? false;
        await recalls(facts[plantedIndex]!);
        let recalled = 0;
        for (const fact of facts) if (await recalls(fact)) recalled++;
        const halfway = await recalls(facts[plantedIndex]!);
        found = `  recall found ${recalled}/${facts.length} planted facts (${halfway ? 'the one halfway among them' : 'NOT the one halfway'})`;
      }
      cases.push({ size, memory, dispose, setup, found, samples: [], querySamples: [], searchSamples: [], readSamples: [] });
    }
    let counter = 0;
    const call = (memory: Memory) => memory.prepare(prepareArgs(`${words[counter++ % words.length]} travel plans`));
    for (const entry of cases) for (let index = 0; index < 200; index++) await call(entry.memory);
    const end = performance.now() + 3000 * cases.length;
    for (let round = 0; round < 80 && (round < 10 || performance.now() < end); round++) {
      for (let offset = 0; offset < cases.length; offset++) {
        const entry = cases[(round + offset) % cases.length]!;
        querySamples = entry.querySamples;
        searchSamples = entry.searchSamples;
        readSamples = entry.readSamples;
        for (let index = 0; index < 25; index++) {
          const start = performance.now();
          readTotal = 0;
          await call(entry.memory);
          entry.samples.push(performance.now() - start);
          readSamples?.push(readTotal);
        }
      }
    }
    let base: Figure | undefined;
    for (const entry of cases) {
      const samples = entry.samples.sort((a, b) => a - b);
      const figure = { median: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.floor(samples.length * 0.95)]! };
      base ??= figure;
      const threads = variant.perThread === undefined ? '' : ` in ${Math.ceil(entry.size / variant.perThread)} threads`;
      console.log(`  ${String(entry.size).padStart(7)} messages${threads}: ${format(figure)}  ${ratio(figure, base)} of the 100-message case   (setup ${(entry.setup / 1000).toFixed(1)} s)${entry.found}`);
      for (const [label, list] of [
        ['vector.query', entry.querySamples],
        ['keyword search', entry.searchSamples],
        ['message reads', breakdown && variant.vector ? entry.readSamples : []],
      ] as const) {
        if (list.length === 0) continue;
        const sorted = list.sort((a, b) => a - b);
        console.log(`           of which ${label}: ${format({ median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]! })}`);
      }
      await entry.memory.close();
      await entry.dispose();
    }
  }
  rmSync(directory, { recursive: true, force: true });
}

async function benchSave(): Promise<void> {
  console.log('\n## save(): 2 messages per call into one thread\n');
  const directory = mkdtempSync(path.join(tmpdir(), 'memory-save-bench-'));
  let base: number | undefined;
  for (const [recall, sqlite] of [
    [false, false],
    [true, false],
    [false, true],
  ] as const) {
    const storage = sqlite ? createSqliteStorage({ path: path.join(directory, 'save.db') }) : undefined;
    await storage?.migrate();
    const memory = new Memory({
      storage: storage?.memory ?? new InMemoryMemoryStore(),
      ...(recall ? { embedder: createLexicalEmbedder({ dimensions: 128 }), vector: new InMemoryVectorStore(), options: { semanticRecall: true } } : {}),
    });
    const calls = 5000;
    for (let index = 0; index < 1000; index++) {
      await memory.save({ agentId: 'bench', threadId: 'warmup', resourceId: 'user', messages: [message(index * 2), message(index * 2 + 1)], abortSignal: undefined });
    }
    await memory.flush();
    const start = performance.now();
    for (let index = 0; index < calls; index++) {
      await memory.save({ agentId: 'bench', threadId: 'bench', resourceId: 'user', messages: [message(index * 2), message(index * 2 + 1)], abortSignal: undefined });
    }
    const elapsed = performance.now() - start;
    const flushStart = performance.now();
    await memory.flush();
    const flush = performance.now() - flushStart;
    const perSecond = (calls * 2) / (elapsed / 1000);
    base ??= perSecond;
    console.log(
      `  ${sqlite ? 'SQLite file (messages and their keyword index), history only' : recall ? 'in-memory store, with recall (embedding queued)   ' : 'in-memory store, history only                     '}: ${Math.round(perSecond).toLocaleString('en').padStart(9)} messages/s  ${(perSecond / base).toFixed(2)}x${recall ? `   (background embedding of ${calls * 2} messages: ${flush.toFixed(0)} ms)` : ''}`,
    );
    await memory.close();
    await storage?.dispose();
  }
  rmSync(directory, { recursive: true, force: true });
}

/** The machine's CPU times (the `cpu` line of /proc/stat, in ticks), or undefined where there is none (not Linux). */
function cpuTimes(): number[] | undefined {
  try {
    return readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return undefined;
  }
}

/** The share of the CPU time between two readings that the hypervisor gave to other machines (`steal`, the 8th value). */
function stealShare(before: number[] | undefined, after: number[] | undefined): number | undefined {
  if (before === undefined || after === undefined || before.length < 8) return undefined;
  // guest time is counted in user time already: sum the first eight (user … steal)
  const total = after.slice(0, 8).reduce((sum, value, index) => sum + value - before[index]!, 0);
  return total > 0 ? (after[7]! - before[7]!) / total : undefined;
}

async function benchAgent(): Promise<void> {
  console.log('\n## agent.generate() with a mock model: memory overhead per call\n');
  const directory = mkdtempSync(path.join(tmpdir(), 'memory-bench-'));
  const model = new MockLanguageModelV1({ doGenerate: textResult('Sure, noted.') });
  const makeAgent = (memory?: Memory): Agent => new Agent({ name: 'bench', instructions: 'Be brief.', model, ...(memory ? { memory } : {}) });
  const iterations = quick ? 300 : 1500;
  let turn = 0;
  // every call ends with one turn of the event loop, as between two requests of a server: memory's background work
  // (storing the embeddings of saved messages) runs there and is counted, in every row alike
  const run = (agent: Agent, withMemory: boolean) => async () => {
    await agent.generate(`${words[turn++ % words.length]} question ${turn}`, withMemory ? { memory: { thread: 'bench', resource: 'user' } } : {});
    await new Promise((resolve) => setImmediate(resolve));
  };

  // an OpenAI embedding model through the real SDK, against the fake OpenAI server: one HTTP round trip per recall.
  // The main row asks for 64 dimensions (text-embedding-3 models take `dimensions`), so that the round trip and memory's
  // own work are what it measures; a second row takes the model's full 1,536, whose exact scan grows with the thread.
  // requests counted by the row header each recalled row's embedder sends (HTTP trims a value's spaces); the server
  // keeps no record of them: a run serves over 10,000, and the record would grow the heap of the process measured
  const rowHeader = 'x-bench-row';
  const requestsByRow = new Map<string, number>();
  const embeddingServer = await startEmbeddingServer((request) => {
    const row = request.headers[rowHeader];
    if (row !== undefined) requestsByRow.set(row, (requestsByRow.get(row) ?? 0) + 1);
  });
  // the bare round trip's embedder; each recalled row gets its own, whose requests carry the row's name in a header
  const openAIEmbedder = createOpenAI({ apiKey: 'sk-bench', baseURL: embeddingServer.baseURL }).embedding('text-embedding-3-small', { dimensions: 64 });
  const sqliteStore = async (name: string): Promise<{ store: MemoryStore; dispose: () => Promise<void> }> => {
    const storage = createSqliteStorage({ path: path.join(directory, `${name}.db`) });
    await storage.migrate();
    return { store: storage.memory, dispose: () => storage.dispose() };
  };
  // recall: off, by the lexical embedder, or through the fake OpenAI server (at `dimensions`, else the model's 1,536)
  type Recall = false | 'lexical' | { dimensions?: number; keywords?: false };
  const rows: Array<{ name: string; store: () => Promise<{ store: MemoryStore; dispose: () => Promise<void> }>; recall: Recall }> = [
    { name: 'in-memory store, last 10', store: async () => ({ store: new InMemoryMemoryStore(), dispose: async () => {} }), recall: false },
    { name: 'SQLite file, last 10', store: () => sqliteStore('a'), recall: false },
    { name: 'SQLite file, last 10 + recall top 5', store: () => sqliteStore('b'), recall: 'lexical' },
    { name: 'SQLite, last 10 + recall, OpenAI embeddings (fake server)', store: () => sqliteStore('c'), recall: { dimensions: 64 } },
    // semantic recall as the issue specifies it, without the keyword search fused in by default
    { name: '  the same, by vectors only (keywords: false)', store: () => sqliteStore('e'), recall: { dimensions: 64, keywords: false } },
    { name: '  the same, 1,536 dimensions (the model\'s default size)', store: () => sqliteStore('d'), recall: {} },
  ];

  // each entry is measured in chunks of 25 calls, the entries taking turns round after round, so that the machine's
  // drift (up to 2x within minutes here) lands on all of them alike and the differences stay comparable
  interface Entry {
    name: string;
    call: () => Promise<unknown>;
    /** Run after each chunk, outside the timing: lets a row's lingering background work finish before the next row. */
    settle?: () => Promise<void>;
    samples: number[];
    memory?: Memory;
    vector?: LocalVectorStore;
    recall?: Recall;
    dispose?: () => Promise<void>;
    calls: number;
    requests?: number;
  }
  const baseline: Entry = { name: 'no memory', call: run(makeAgent(), false), samples: [], calls: 0 };
  const roundTrip: Entry = {
    name: 'one embedding round trip to the fake server, alone',
    call: async () => openAIEmbedder.doEmbed({ values: [`${words[turn++ % words.length]} question ${turn}`] }),
    samples: [],
    calls: 0,
  };
  // the same request without the SDK: by fetch, and by node:http on a keep-alive agent (where the round trip's time goes)
  const embeddingsURL = new URL(`${embeddingServer.baseURL}/embeddings`);
  const requestBody = (): string => JSON.stringify({ model: 'text-embedding-3-small', input: [`${words[turn++ % words.length]} question ${turn}`], dimensions: 64, encoding_format: 'float' });
  const fetchRoundTrip: Entry = {
    name: '  of which: the same request by fetch, without the SDK',
    call: async () => {
      const response = await fetch(embeddingsURL, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }, body: requestBody() });
      await response.json();
    },
    samples: [],
    calls: 0,
  };
  const keepAlive = new http.Agent({ keepAlive: true });
  const httpRoundTrip: Entry = {
    name: '  of which: the same request by node:http',
    call: () =>
      new Promise<void>((resolve, reject) => {
        const request = http.request(embeddingsURL, { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' } }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve();
          });
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(requestBody());
      }),
    samples: [],
    calls: 0,
  };
  // the SQLite reads and writes memory makes per call, done directly
  const floorStorage = createSqliteStorage({ path: path.join(directory, 'floor.db') });
  await floorStorage.migrate();
  const now = new Date();
  await floorStorage.memory.saveThread({ id: 'floor', resourceId: 'user', createdAt: now, updatedAt: now });
  let sequence = 0;
  const floor: Entry = {
    name: 'floor: the SQLite reads/writes memory makes, done directly',
    call: async () => {
      await floorStorage.memory.listMessages({ threadId: 'floor', order: 'desc', limit: 10 });
      const time = Date.now() + sequence;
      await floorStorage.memory.saveMessages([
        { id: `f${sequence++}`, threadId: 'floor', resourceId: 'user', role: 'user', content: 'question', createdAt: new Date(time) },
        { id: `f${sequence++}`, threadId: 'floor', resourceId: 'user', role: 'assistant', content: [{ type: 'text', text: 'answer' }], createdAt: new Date(time + 1) },
      ]);
    },
    samples: [],
    calls: 0,
  };
  const memoryEntries: Entry[] = [];
  for (const row of rows) {
    const { store, dispose } = await row.store();
    const vector = new LocalVectorStore();
    const recall = row.recall;
    const embedder =
      recall === 'lexical'
        ? createLexicalEmbedder({ dimensions: 128 })
        : recall
          ? createOpenAI({ apiKey: 'sk-bench', baseURL: embeddingServer.baseURL, headers: { [rowHeader]: row.name.trim() } }).embedding('text-embedding-3-small', recall.dimensions === undefined ? {} : { dimensions: recall.dimensions })
          : undefined;
    const memory = new Memory({
      storage: store,
      ...(embedder
        ? { embedder, vector, options: { lastMessages: 10, semanticRecall: { topK: 5, messageRange: 1, ...recallSettings, ...(typeof recall === 'object' && recall.keywords === false ? { keywords: false } : {}) } } }
        : { options: { lastMessages: 10 } }),
    });
    // a thread with history, embedded: recall has something to find from the first call on
    await memory.saveMessages({ threadId: 'bench', resourceId: 'user', messages: Array.from({ length: 200 }, (_, index) => message(index)) });
    await memory.flush();
    memoryEntries.push({
      name: row.name,
      call: run(makeAgent(memory), true),
      // the embedding batch and the keyword flush linger 10 ms: they run here, not in the next entry's chunk
      settle: () => new Promise((resolve) => setTimeout(resolve, 15)),
      samples: [],
      memory,
      vector,
      recall: row.recall,
      dispose,
      calls: 0,
    });
  }
  const entries = [baseline, roundTrip, fetchRoundTrip, httpRoundTrip, floor, ...memoryEntries];
  const chunk = 25;
  const rounds = Math.ceil(iterations / chunk);
  let cpuBefore: number[] | undefined;
  // the requests of the rows' calls (warm-up included, as in their call counts), not of their threads' setup
  requestsByRow.clear();
  for (let round = -Math.ceil(200 / chunk); round < rounds; round++) {
    if (round === 0) cpuBefore = cpuTimes();
    for (const entry of entries) {
      for (let index = 0; index < chunk; index++) {
        const start = performance.now();
        await entry.call();
        const elapsed = performance.now() - start;
        // the first rounds warm up
        if (round >= 0) entry.samples.push(elapsed);
        entry.calls++;
      }
      model.doGenerateCalls.length = 0;
      await entry.settle?.();
    }
  }
  const figureOf = (entry: Entry): Figure => {
    const sorted = entry.samples.sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]! };
  };
  const base = figureOf(baseline);
  console.log(`  (${rounds} rounds of ${chunk} calls per row, the rows taking turns)`);
  const stolen = stealShare(cpuBefore, cpuTimes());
  // the hypervisor's share of this machine's CPU time while the rows ran: figures from a run with much of it are slower
  if (stolen !== undefined) console.log(`  (CPU time stolen by the hypervisor meanwhile: ${(stolen * 100).toFixed(1)} %, from /proc/stat)`);
  console.log(`  ${baseline.name.padEnd(60)}${format(base)}  ${(1000 / base.median).toFixed(0)} calls/s`);
  console.log(`  ${roundTrip.name.padEnd(60)}${format(figureOf(roundTrip))}`);
  console.log(`  ${fetchRoundTrip.name.padEnd(60)}${format(figureOf(fetchRoundTrip))}`);
  console.log(`  ${httpRoundTrip.name.padEnd(60)}${format(figureOf(httpRoundTrip))}`);
  console.log(`  ${floor.name.padEnd(60)}${format(figureOf(floor))}`);
  for (const entry of memoryEntries) {
    const figure = figureOf(entry);
    // the background embedding kept up: the index holds (nearly) every message saved so far
    const indexed = entry.recall
      ? `, ${(await Promise.all((await entry.vector!.listIndexes()).map(async (indexName) => (await entry.vector!.describeIndex({ indexName })).count))).join('+')} vectors for ${200 + 2 * entry.calls} messages`
      : '';
    // the row's requests, by the header its embedder sends
    const requests = requestsByRow.get(entry.name.trim()) ?? 0;
    const embeddingCalls = typeof entry.recall === 'object' ? `, ${requests} embedding requests for ${entry.calls} calls` : '';
    console.log(`  ${entry.name.padEnd(60)}${format(figure)}  ${(1000 / figure.median).toFixed(0)} calls/s, +${((figure.median - base.median) * 1000).toFixed(0)} µs per call${embeddingCalls}${indexed}`);
  }
  for (const entry of memoryEntries) {
    await entry.memory!.close();
    await entry.dispose!();
  }
  await floorStorage.dispose();
  keepAlive.destroy();
  await embeddingServer.close();
  rmSync(directory, { recursive: true, force: true });
}

console.log(`@mastra-ts/memory bench (Node ${process.version}${quick ? ', --quick' : ''})`);
const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length);
if (!only || only === 'prepare') await benchPrepare();
if (!only || only === 'save') await benchSave();
if (!only || only === 'agent') await benchAgent();
