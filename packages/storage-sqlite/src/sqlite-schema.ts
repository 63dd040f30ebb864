import type { Generated } from 'kysely';

/** Row of the threads table. Dates are epoch milliseconds, JSON columns are text. */
export interface ThreadRow {
  id: string;
  resource_id: string;
  title: string | null;
  metadata: string | null;
  created_at: number;
  updated_at: number;
}

/** Row of the messages table. */
export interface MessageRow {
  id: string;
  thread_id: string;
  resource_id: string | null;
  role: string;
  type: string | null;
  content: string;
  metadata: string | null;
  created_at: number;
}

/** Row of the resources table. */
export interface ResourceRow {
  id: string;
  working_memory: string | null;
  metadata: string | null;
  created_at: number;
  updated_at: number;
}

/** Row of the workflow runs table. */
export interface WorkflowRunRow {
  run_id: string;
  workflow_id: string;
  status: string;
  snapshot: string;
  resource_id: string | null;
  version: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Row of the workflow step results table. */
export interface WorkflowStepRow {
  run_id: string;
  step_path: string;
  iteration: number;
  status: string;
  output: string | null;
  error: string | null;
  attempt: number;
  started_at: number;
  ended_at: number;
}

/** Row of the generic records table. */
export interface RecordRow {
  table_name: string;
  id: string;
  data: string;
  created_at: number;
  updated_at: number;
}

/** Row of the spans table. */
export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_time: number;
  end_time: number | null;
  status: string;
  status_message: string | null;
  attributes: string;
  events: string | null;
}

/** Row of the vector index definitions table. */
export interface VectorIndexRow {
  name: string;
  dimension: number;
  metric: string;
  options: string | null;
  generation: number;
  created_at: number;
  updated_at: number;
}

/** Row of the vector documents table. */
export interface VectorDocumentRow {
  seq: Generated<number>;
  index_name: string;
  id: string;
  content: string | null;
  embedding: Uint8Array;
  metadata: string | null;
  created_at: number;
}

/** Row of the serialized vector graphs table. */
export interface VectorGraphRow {
  index_name: string;
  graph: Uint8Array;
  generation: number;
  updated_at: number;
}

/** The logical schema. Physical table names carry the configured prefix (see `TablePrefixPlugin`). */
export interface SqliteSchema {
  threads: ThreadRow;
  messages: MessageRow;
  resources: ResourceRow;
  workflow_runs: WorkflowRunRow;
  workflow_steps: WorkflowStepRow;
  records: RecordRow;
  spans: SpanRow;
  vector_indexes: VectorIndexRow;
  vector_documents: VectorDocumentRow;
  vector_graphs: VectorGraphRow;
}

/** The logical table names. */
export const schemaTables: readonly (keyof SqliteSchema)[] = [
  'threads',
  'messages',
  'resources',
  'workflow_runs',
  'workflow_steps',
  'records',
  'spans',
  'vector_indexes',
  'vector_documents',
  'vector_graphs',
];
