import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createMigrations } from './sqlite-migrations.ts';
import { TestStorages } from './test-storage.ts';

const child = fileURLToPath(new URL('./__fixtures__/storage-child.ts', import.meta.url));
const storages = new TestStorages();
afterEach(() => storages.cleanup());

interface Running {
  lines: string[];
  /** Resolves with the first line matching `pattern`. */
  waitFor(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(signal: NodeJS.Signals): void;
}

function run(args: string[], cwd?: string): Running {
  const processHandle = spawn(process.execPath, [child, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let buffer = '';
  let stderr = '';
  processHandle.stdout.setEncoding('utf8').on('data', (text: string) => {
    buffer += text;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.filter((item) => item.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  processHandle.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    processHandle.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    lines,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const found = lines.find((line) => pattern.test(line));
        if (found !== undefined) return resolve(found);
        waiters.push({ pattern, resolve });
        void exited.then(({ code, stderr: errors }) => reject(new Error(`child exited (${code}) before printing ${pattern}: ${errors}`)));
      }),
    exited,
    kill: (signal) => processHandle.kill(signal),
  };
}

function countMessages(file: string): { total: number; batch: number } {
  const database = new Database(file);
  const total = (database.prepare('select count(*) as count from messages').get() as { count: number }).count;
  const batch = (database.prepare("select count(*) as count from messages where id like 'batch-%'").get() as { count: number }).count;
  expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
  database.close();
  return { total, batch };
}

describe('process safety', () => {
  it('creates .mastra-ts/mastra.db in the working directory by default', async () => {
    const folder = storages.folder();
    const writer = run(['default-path'], folder);
    const printed = await writer.waitFor(/mastra\.db$/);
    expect((await writer.exited).code).toBe(0);
    expect(existsSync(path.join(folder, '.mastra-ts', 'mastra.db'))).toBe(true);
    expect(printed.endsWith(path.join('.mastra-ts', 'mastra.db'))).toBe(true);
  });

  it('a process killed with SIGKILL in the middle of a batch leaves the last committed state', async () => {
    const file = storages.file();
    const writer = run(['crash', file]);
    await writer.waitFor(/^committed$/);
    const middle = await writer.waitFor(/^mid \d+$/);
    // inside the open transaction, part of the batch is already written
    expect(Number(middle.split(' ')[1])).toBeGreaterThan(100);
    writer.kill('SIGKILL');
    expect((await writer.exited).signal).toBe('SIGKILL');
    expect(countMessages(file)).toEqual({ total: 100, batch: 0 });
    const storage = await storages.open({ path: file });
    expect((await storage.memory.getThread('t'))?.updatedAt).toEqual(new Date(Date.UTC(2026, 0, 1) + 99));
    expect(await storage.memory.countMessages('t')).toBe(100);
  });

  it('a process that finishes its batch leaves the complete state', async () => {
    const file = storages.file();
    const writer = run(['complete', file]);
    await writer.waitFor(/^done$/);
    expect((await writer.exited).code).toBe(0);
    expect(countMessages(file)).toEqual({ total: 5100, batch: 5000 });
  });

  it('two processes migrating a fresh file at once both succeed, and the schema is applied once', async () => {
    const file = storages.file();
    const results = await Promise.all([run(['writers', file, 'p1', '1', '0', '1']), run(['writers', file, 'p2', '1', '0', '1'])].map((writer) => writer.exited));
    for (const result of results) expect(result).toEqual({ code: 0, signal: null, stderr: '' });
    const database = new Database(file, { readonly: true });
    expect(database.prepare('select name from kysely_migration order by name').all()).toEqual(Object.keys(createMigrations('')).map((name) => ({ name })));
    database.close();
  });

  it('two processes with four concurrent writers each append 5,000 messages to shared threads without a busy error', { timeout: 180_000 }, async () => {
    const file = storages.file();
    const seed = await storages.open({ path: file });
    for (let index = 0; index < 4; index++) await seed.memory.saveThread({ id: `thread-${index}`, resourceId: 'r', createdAt: new Date(0), updatedAt: new Date(0) });
    const writers = [run(['writers', file, 'p1', '4', '5000', '4']), run(['writers', file, 'p2', '4', '5000', '4'])];
    const results = await Promise.all(writers.map((writer) => writer.exited));
    for (const [index, result] of results.entries()) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(writers[index]!.lines).toEqual(['done busy=0']);
    }
    let total = 0;
    for (let thread = 0; thread < 4; thread++) {
      const messages = await seed.memory.listMessages({ threadId: `thread-${thread}` });
      total += messages.length;
      const byWriter = new Map<string, string[]>();
      for (const message of messages) {
        const writer = message.id.slice(0, message.id.lastIndexOf('-'));
        byWriter.set(writer, [...(byWriter.get(writer) ?? []), message.id]);
      }
      expect(byWriter.size).toBe(8);
      for (const ids of byWriter.values()) expect(ids).toEqual([...ids].sort());
    }
    expect(total).toBe(40_000);
  });
});
