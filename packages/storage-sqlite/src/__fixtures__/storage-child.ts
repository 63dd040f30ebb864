// A child process for the crash-safety, multi-process and default-path tests. Run with `node storage-child.ts <mode> …`.
import type { StorageMessage } from '@mastra-ts/core';
import Database from 'better-sqlite3';
import { createSqliteStorage } from '../create-sqlite-storage.ts';

const [mode, file, ...rest] = process.argv.slice(2);
const base = Date.UTC(2026, 0, 1);

function message(id: string, threadId: string, time: number, content: unknown = `text of ${id}`): StorageMessage {
  return { id, threadId, role: 'user', content: content as StorageMessage['content'], createdAt: new Date(base + time) };
}

if (mode === 'default-path') {
  const storage = createSqliteStorage();
  await storage.migrate();
  await storage.memory.saveThread({ id: 't', resourceId: 'r', createdAt: new Date(base), updatedAt: new Date(base) });
  process.stdout.write(`${storage.path}\n`);
  await storage.dispose();
} else if (mode === 'crash' || mode === 'complete') {
  const database = new Database(file!);
  const storage = createSqliteStorage({ database });
  await storage.migrate();
  await storage.memory.saveThread({ id: 't', resourceId: 'r', createdAt: new Date(base), updatedAt: new Date(base) });
  await storage.memory.saveMessages(Array.from({ length: 100 }, (_, index) => message(`before-${index}`, 't', index)));
  process.stdout.write('committed\n');
  const hang = mode === 'crash';
  const marker = {
    toJSON(): string {
      const { count } = database.prepare('select count(*) as count from messages').get() as { count: number };
      process.stdout.write(`mid ${count}\n`);
      // park inside the open transaction until the parent sends SIGKILL
      if (hang) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return 'marker';
    },
  };
  const batch = Array.from({ length: 5000 }, (_, index) => message(`batch-${index}`, 't', 1000 + index, index === 2500 ? marker : undefined));
  await storage.memory.saveMessages(batch);
  process.stdout.write('done\n');
  await storage.dispose();
} else if (mode === 'writers') {
  const [processName, writerCount, perWriter, threadCount] = rest;
  const storage = createSqliteStorage({ path: file!, busyTimeoutMs: 30_000 });
  await storage.migrate();
  let busy = 0;
  const writers = Array.from({ length: Number(writerCount) }, async (_, writer) => {
    for (let index = 0; index < Number(perWriter); index++) {
      const id = `${processName}-w${writer}-${String(index).padStart(6, '0')}`;
      try {
        await storage.memory.saveMessages([message(id, `thread-${index % Number(threadCount)}`, index)]);
      } catch (error) {
        if (String(error).includes('BUSY')) busy++;
        throw error;
      }
    }
  });
  await Promise.all(writers);
  process.stdout.write(`done busy=${busy}\n`);
  await storage.dispose();
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
