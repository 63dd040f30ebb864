import type { MastraStorage } from '../mastra/mastra.ts';
import { InMemoryMemoryStore } from './in-memory-memory-store.ts';
import { InMemoryRecordStore } from './in-memory-record-store.ts';
import { InMemoryTraceStore } from './in-memory-trace-store.ts';
import { InMemoryWorkflowStore } from './in-memory-workflow-store.ts';

/** All four stores in process memory: for tests, examples and prototypes. Nothing survives a restart. */
export function createInMemoryStorage(): Required<Pick<MastraStorage, 'memory' | 'workflows' | 'records' | 'traces'>> & MastraStorage {
  return {
    memory: new InMemoryMemoryStore(),
    workflows: new InMemoryWorkflowStore(),
    records: new InMemoryRecordStore(),
    traces: new InMemoryTraceStore(),
    async migrate() {},
    async dispose() {},
  };
}
