import { describeMemoryStore, describeRecordStore, describeTraceStore, describeWorkflowStore } from '@mastra-ts/conformance';
import { afterAll } from 'vitest';
import { TestStorages } from './test-storage.ts';

const storages = new TestStorages();
afterAll(() => storages.cleanup());

for (const [label, settings] of [
  ['sqlite :memory:', () => ({ path: ':memory:' })],
  ['sqlite file', () => ({ path: storages.file() })],
  ['sqlite file with tablePrefix', () => ({ path: storages.file(), tablePrefix: 'app_' })],
  ['sqlite file, kysely per call (preparedStatements: false)', () => ({ path: storages.file(), tablePrefix: 'k_', preparedStatements: false })],
] as const) {
  describeMemoryStore(label, async () => (await storages.open(settings())).memory);
  describeWorkflowStore(label, async () => (await storages.open(settings())).workflows);
  describeRecordStore(label, async () => (await storages.open(settings())).records);
  describeTraceStore(label, async () => (await storages.open(settings())).traces);
}
