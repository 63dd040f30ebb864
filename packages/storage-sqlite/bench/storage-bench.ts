// `pnpm bench`: hot calls with prepared statements vs kysely per call, read cost of the last messages as a thread
// grows, batched vs one-at-a-time appends, concurrent writers, records and vector documents. Figures come from this
// run only; ratios compare within it. `pnpm bench --only=hot` runs the first part alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Records } from '@mastra-ts/core';
import type { StorageMessage } from '@mastra-ts/core';
import { createSqliteStorage, type SqliteStorage, type SqliteStorageSettings } from '../src/create-sqlite-storage.ts';

const folder = mkdtempSync(path.join(tmpdir(), 'mastra-ts-sqlite-bench-'));
let files = 0;
const base = Date.UTC(2026, 0, 1);

async function open(settings: SqliteStorageSettings = {}): Promise<SqliteStorage> {
  const storage = createSqliteStorage({ path: path.join(folder, `bench-${files++}.db`), ...settings });
  await storage.migrate();
  return storage;
}

function message(threadId: string, index: number, prefix = 'm'): StorageMessage {
  return { id: `${prefix}${String(index).padStart(7, '0')}`, threadId, role: index % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: `message number ${index} with some ordinary text in it` }], createdAt: new Date(base + index) };
}

async function fillThread(storage: SqliteStorage, threadId: string, count: number): Promise<void> {
  await storage.memory.saveThread({ id: threadId, resourceId: 'user', createdAt: new Date(base), updatedAt: new Date(base) });
  for (let start = 0; start < count; start += 10_000) {
    await storage.memory.saveMessages(Array.from({ length: Math.min(10_000, count - start) }, (_, offset) => message(threadId, start + offset, `${threadId}-`)));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(task: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}

const format = (value: number, digits = 1): string => value.toLocaleString('en-US', { maximumFractionDigits: digits });

/** CPU time (user + system) and wall time of `calls` sequential calls of `call`, in µs per call. */
async function perCall(calls: number, call: (index: number) => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (let index = 0; index < calls; index++) await call(index);
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / calls, wall: ((performance.now() - wall) * 1000) / calls };
}

// the calls an agent turn and a workflow step make, each on a storage with prepared statements and on one that
// builds every query with kysely (the code before prepared statements), alternated in rounds
async function benchHotCalls(): Promise<void> {
  const modes = [
    ['kysely per call', await open({ preparedStatements: false })],
    ['prepared', await open()],
  ] as const;
  const rounds = 5;
  const calls = 2000;
  const snapshot = { status: 'running', context: { input: { n: 1 }, a: { status: 'success', output: { n: 2 } } }, path: ['a', 'b'], state: {} };
  const step = (index: number) => ({ runId: 'hot', stepPath: `s${index}`, iteration: 0, status: 'success' as const, output: { n: index }, attempt: 1, startedAt: new Date(base + index), endedAt: new Date(base + index + 1) });
  const cases: Array<[string, (storage: SqliteStorage) => (index: number) => Promise<unknown>]> = [
    [
      'workflows.updateRun (snapshot + 1 step result)',
      (storage) => {
        let version = 0;
        return async (index) => storage.workflows.updateRun({ runId: 'hot', expectedVersion: version++, status: 'running', snapshot, updatedAt: new Date(base + index), stepResults: [step(index)] });
      },
    ],
    [
      'workflows.updateRun (snapshot + lease, no steps)',
      (storage) => {
        let version = 0;
        return async (index) => storage.workflows.updateRun({ runId: 'hot2', expectedVersion: version++, snapshot, lease: { owner: 'me', expiresAt: new Date(base + index + 30_000) }, updatedAt: new Date(base + index) });
      },
    ],
    ['workflows.createRun', (storage) => (index) => storage.workflows.createRun({ runId: `c${index}`, workflowId: 'wf', status: 'running', snapshot, version: 0, createdAt: new Date(base), updatedAt: new Date(base) })],
    ['workflows.getRun', (storage) => () => storage.workflows.getRun('hot')],
    ['memory.saveMessages (2 messages)', (storage) => (index) => storage.memory.saveMessages([message('hot', index * 2, 'r'), message('hot', index * 2 + 1, 'r')])],
    ['memory.listMessages (last 10, desc)', (storage) => () => storage.memory.listMessages({ threadId: 'hot', order: 'desc', limit: 10 })],
    ['memory.getThread', (storage) => () => storage.memory.getThread('hot')],
    ['memory.saveThread', (storage) => (index) => storage.memory.saveThread({ id: `hot-t${index % 50}`, resourceId: 'user', title: 'a thread', createdAt: new Date(base), updatedAt: new Date(base + index) })],
    [
      'traces.saveSpans (1 span)',
      (storage) => (index) =>
        storage.traces.saveSpans([{ traceId: 't', spanId: `s${index}`, name: 'agent.generate', kind: 'internal', startTime: base + index, endTime: base + index + 5, status: 'ok', attributes: { 'mastra.agent.id': 'a', tokens: 12 } }]),
    ],
  ];
  for (const [, storage] of modes) {
    await storage.workflows.createRun({ runId: 'hot', workflowId: 'wf', status: 'running', snapshot, version: 0, createdAt: new Date(base), updatedAt: new Date(base) });
    await storage.workflows.createRun({ runId: 'hot2', workflowId: 'wf', status: 'running', snapshot, version: 0, createdAt: new Date(base), updatedAt: new Date(base) });
    await storage.memory.saveThread({ id: 'hot', resourceId: 'user', createdAt: new Date(base), updatedAt: new Date(base) });
  }
  console.log(`hot calls, µs per call: CPU time (wall), median of ${rounds} rounds of ${format(calls, 0)} calls, file with synchronous=NORMAL`);
  console.log(`  ${'call'.padEnd(50)} ${modes.map(([label]) => label.padStart(18)).join(' ')}   speed-up (CPU)`);
  for (const [label, make] of cases) {
    const samples = modes.map(() => ({ cpu: [] as number[], wall: [] as number[] }));
    const callers = modes.map(([, storage]) => make(storage));
    // every call gets a fresh index (new ids, increasing times), warm-up included
    for (const caller of callers) for (let index = 0; index < 200; index++) await caller(1_000_000 + index);
    for (let round = 0; round < rounds; round++) {
      for (const [mode, caller] of callers.entries()) {
        const figure = await perCall(calls, (index) => caller(round * calls + index));
        samples[mode]!.cpu.push(figure.cpu);
        samples[mode]!.wall.push(figure.wall);
      }
    }
    const cpu = samples.map((sample) => median(sample.cpu));
    const wall = samples.map((sample) => median(sample.wall));
    const cells = cpu.map((value, mode) => `${format(value, 1).padStart(7)} (${format(wall[mode]!, 1).padStart(7)})`.padStart(18));
    console.log(`  ${label.padEnd(50)} ${cells.join(' ')}   ${format(cpu[0]! / cpu[1]!, 1)}x`);
  }
  console.log('');
  for (const [, storage] of modes) await storage.dispose();
}

const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length);

try {
  console.log(`@mastra-ts/storage-sqlite bench (Node ${process.version}, file in ${tmpdir()}, synchronous=NORMAL unless noted)\n`);

  await benchHotCalls();
  if (only !== 'hot') await benchScale();
} finally {
  rmSync(folder, { recursive: true, force: true });
}

async function benchScale(): Promise<void> {
  // 1. last 10 messages of a thread, as the thread grows
  {
    const storage = await open();
    const sizes = [100, 1_000, 100_000];
    for (const size of sizes) await fillThread(storage, `t${size}`, size);
    await fillThread(storage, 'noise', 50_000);
    const medians = new Map<number, number>();
    const samples = new Map<number, number[]>(sizes.map((size) => [size, []]));
    for (let warm = 0; warm < 500; warm++) for (const size of sizes) await storage.memory.listMessages({ threadId: `t${size}`, order: 'desc', limit: 10 });
    // sizes interleaved round by round, so machine noise hits all of them alike
    for (let round = 0; round < 3000; round++) {
      for (const size of sizes) samples.get(size)!.push(await time(() => storage.memory.listMessages({ threadId: `t${size}`, order: 'desc', limit: 10 })));
    }
    for (const size of sizes) {
      medians.set(size, median(samples.get(size)!) * 1000);
      console.log(`last 10 messages, thread of ${format(size, 0).padStart(7)}: median ${format(medians.get(size)!)} µs`);
    }
    console.log(`  ratio 100,000 / 100 messages: ${format(medians.get(100_000)! / medians.get(100)!, 2)}x (target ≤ 1.5x)`);
    console.log(`  ratio 100,000 / 1,000 messages: ${format(medians.get(100_000)! / medians.get(1_000)!, 2)}x`);
    const page = await time(async () => {
      let before: { createdAt: Date; id: string } | undefined;
      for (let index = 0; index < 100; index++) {
        const messages = await storage.memory.listMessages({ threadId: 't100000', order: 'desc', limit: 50, ...(before ? { before } : {}) });
        const last = messages[messages.length - 1]!;
        before = { createdAt: last.createdAt, id: last.id };
      }
    });
    console.log(`  keyset paging 100 pages of 50 back from the end of 100,000: ${format((page / 100) * 1000)} µs per page\n`);
    await storage.dispose();
  }

  // 2. appends: one batch vs one message per call
  {
    const count = 20_000;
    const storage = await open();
    await storage.memory.saveThread({ id: 'batched', resourceId: 'user', createdAt: new Date(base), updatedAt: new Date(base) });
    await storage.memory.saveThread({ id: 'single', resourceId: 'user', createdAt: new Date(base), updatedAt: new Date(base) });
    for (let index = 0; index < 3000; index++) await storage.memory.saveMessages([message('single', index, 'warm')]);
    let batched = 0;
    let single = 0;
    // alternated in rounds, so machine noise hits both alike
    for (let round = 0; round < 10; round++) {
      const from = (round * count) / 10;
      batched += await time(async () => {
        for (let start = from; start < from + count / 10; start += 1000) await storage.memory.saveMessages(Array.from({ length: 1000 }, (_, offset) => message('batched', start + offset, 'b')));
      });
      single += await time(async () => {
        for (let index = from; index < from + count / 10; index++) await storage.memory.saveMessages([message('single', index, 's')]);
      });
    }
    const batchedRate = count / (batched / 1000);
    const singleRate = count / (single / 1000);
    console.log(`append ${format(count, 0)} messages, batches of 1,000: ${format(batchedRate, 0)} messages/s`);
    console.log(`append ${format(count, 0)} messages, one per call:     ${format(singleRate, 0)} messages/s`);
    console.log(`  ratio batched / one at a time: ${format(batchedRate / singleRate, 1)}x`);
    await storage.dispose();
    const full = await open({ synchronous: 'FULL' });
    await full.memory.saveThread({ id: 'single', resourceId: 'user', createdAt: new Date(base), updatedAt: new Date(base) });
    const fullSingle = await time(async () => {
      for (let index = 0; index < 5000; index++) await full.memory.saveMessages([message('single', index, 's')]);
    });
    console.log(`append 5,000 messages one per call with synchronous=FULL: ${format(5000 / (fullSingle / 1000), 0)} messages/s (${format(singleRate / (5000 / (fullSingle / 1000)), 1)}x slower than NORMAL)\n`);
    await full.dispose();
  }

  // 3. concurrent writers
  {
    const perWriter = 2500;
    const writers = 8;
    const storage = await open();
    for (let thread = 0; thread < 4; thread++) await storage.memory.saveThread({ id: `c${thread}`, resourceId: 'user', createdAt: new Date(base), updatedAt: new Date(base) });
    const sequential = await time(async () => {
      for (let index = 0; index < perWriter * writers; index++) await storage.memory.saveMessages([message(`c${index % 4}`, index, 'seq')]);
    });
    const concurrent = await time(() =>
      Promise.all(Array.from({ length: writers }, async (_, writer) => {
        for (let index = 0; index < perWriter; index++) await storage.memory.saveMessages([message(`c${index % 4}`, index, `w${writer}-`)]);
      })),
    );
    const second = createSqliteStorage({ path: storage.path });
    const twoConnections = await time(() =>
      Promise.all(Array.from({ length: writers }, async (_, writer) => {
        const target = writer % 2 ? second : storage;
        for (let index = 0; index < perWriter; index++) await target.memory.saveMessages([message(`c${index % 4}`, index, `x${writer}-`)]);
      })),
    );
    const total = perWriter * writers;
    console.log(`${format(total, 0)} single-message writes, one task:                       ${format(total / (sequential / 1000), 0)} writes/s`);
    console.log(`${format(total, 0)} single-message writes, ${writers} concurrent tasks:                ${format(total / (concurrent / 1000), 0)} writes/s (${format(sequential / concurrent, 2)}x one task)`);
    console.log(`${format(total, 0)} single-message writes, ${writers} tasks over 2 connections, 1 file: ${format(total / (twoConnections / 1000), 0)} writes/s, no SQLITE_BUSY\n`);
    await second.dispose();
    await storage.dispose();
  }

  // 4. records
  {
    const storage = await open();
    const records = new Records(storage.records);
    const count = 10_000;
    const ids: string[] = [];
    const create = await time(async () => {
      for (let index = 0; index < count; index++) ids.push(await records.create('users', { name: `user ${index}`, age: index % 90, tags: ['a', index % 2 ? 'odd' : 'even'] }));
    });
    const read = await time(async () => {
      for (const id of ids) await records.read('users', id);
    });
    const list = await time(async () => {
      for (let index = 0; index < 100; index++) await records.list('users', { where: { age: { $gte: 30, $lt: 40 }, tags: 'odd' }, orderBy: { field: 'age', direction: 'desc' }, limit: 20 });
    });
    console.log(`records: create ${format(count / (create / 1000), 0)}/s, read by id ${format(count / (read / 1000), 0)}/s, JSON where + order over 10,000 ${format(list / 100, 2)} ms/query\n`);
    await storage.dispose();
  }

  // 5. vector documents
  {
    const storage = await open();
    const dimension = 384;
    const count = 20_000;
    await storage.vectors.createIndex({ indexName: 'docs', dimension, metric: 'cosine' });
    const embedding = (seed: number): Float32Array => Float32Array.from({ length: dimension }, (_, index) => Math.sin(seed * 31 + index));
    const documents = Array.from({ length: count }, (_, index) => ({ id: `d${index}`, embedding: embedding(index), content: `document ${index}`, metadata: { group: index % 10 } }));
    const upsert = await time(async () => {
      for (let start = 0; start < count; start += 1000) await storage.vectors.upsertDocuments({ indexName: 'docs', documents: documents.slice(start, start + 1000) });
    });
    await storage.vectors.saveGraph({ indexName: 'docs', bytes: new Uint8Array(count * 16 * 4), generation: 20 });
    const load = await time(() => storage.vectors.loadIndex({ indexName: 'docs' }));
    console.log(`vector documents (dimension ${dimension}): upsert ${format(count / (upsert / 1000), 0)} documents/s in batches of 1,000; loadIndex of ${format(count, 0)} with a ${format((count * 64) / 1e6, 1)} MB graph: ${format(load, 0)} ms`);
    await storage.dispose();
  }
}
