import { InMemoryCache, InMemoryMemoryStore, InMemoryRecordStore, InMemoryTraceStore, InMemoryVectorStore, InMemoryWorkflowStore } from '@mastra-ts/core';
import { describeCache } from './describe-cache.ts';
import { describeMemoryStore } from './describe-memory-store.ts';
import { describeRecordStore } from './describe-record-store.ts';
import { describeTraceStore } from './describe-trace-store.ts';
import { describeVectorStore } from './describe-vector-store.ts';
import { describeWorkflowStore } from './describe-workflow-store.ts';

// core's in-memory reference implementations pass the same suites as every adapter
describeMemoryStore('core InMemoryMemoryStore', () => new InMemoryMemoryStore());
describeWorkflowStore('core InMemoryWorkflowStore', () => new InMemoryWorkflowStore());
describeRecordStore('core InMemoryRecordStore', () => new InMemoryRecordStore());
describeTraceStore('core InMemoryTraceStore', () => new InMemoryTraceStore());
describeVectorStore('core InMemoryVectorStore', () => new InMemoryVectorStore());
describeCache('core InMemoryCache', () => new InMemoryCache());
