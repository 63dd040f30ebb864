import { throwIfAborted } from '@mastra-ts/core';
import type { JSONValue, ListSpansQuery, SpanRecord, StoreCallOptions, TraceStore } from '@mastra-ts/core';
import { sql, type Selectable } from 'kysely';
import type { SqliteConnection } from './sqlite-connection.ts';
import { chunk, fromJsonColumn, toJsonColumn } from './json-column.ts';
import { PreparedQuery, slot } from './prepared-query.ts';
import type { SpanRow } from './sqlite-schema.ts';

const spanChunkSize = 500;
const spanSlots = ['trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'start_time', 'end_time', 'status', 'status_message', 'attributes', 'events'] as const;

/**
 * `TraceStore` on SQLite. Attribute filters match the exact attribute key through `json_each` (keys such as
 * `mastra.agent.id` contain dots, so they are never parsed as a path) with the value bound and type-checked.
 */
export class SqliteTraceStore implements TraceStore {
  readonly #connection: SqliteConnection;
  /** `saveSpans`' upsert, compiled once (absent with `preparedStatements: false`). */
  readonly #upsertSpan: PreparedQuery | undefined;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
    if (!connection.preparedStatements) return;
    this.#upsertSpan = new PreparedQuery(
      connection.database,
      connection.db
        .insertInto('spans')
        .values(Object.fromEntries(spanSlots.map((column) => [column, slot(column)])) as unknown as SpanRow)
        .onConflict((conflict) =>
          conflict.columns(['trace_id', 'span_id']).doUpdateSet((eb) => ({
            parent_span_id: eb.ref('excluded.parent_span_id'),
            name: eb.ref('excluded.name'),
            kind: eb.ref('excluded.kind'),
            start_time: eb.ref('excluded.start_time'),
            end_time: eb.ref('excluded.end_time'),
            status: eb.ref('excluded.status'),
            status_message: eb.ref('excluded.status_message'),
            attributes: eb.ref('excluded.attributes'),
            events: eb.ref('excluded.events'),
          })),
        ),
      spanSlots,
    );
  }

  async saveSpans(spans: SpanRecord[], options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.abortSignal);
    if (spans.length === 0) return;
    const upsertSpan = this.#upsertSpan;
    if (upsertSpan) {
      await this.#connection.writeNow('saveSpans', options?.abortSignal, (abortSignal) => {
        const upsert = upsertSpan.statement;
        for (let index = 0; index < spans.length; index++) {
          if (index % spanChunkSize === 0) throwIfAborted(abortSignal);
          const span = spans[index]!;
          upsert.run(
            span.traceId,
            span.spanId,
            span.parentSpanId ?? null,
            span.name,
            span.kind,
            span.startTime,
            span.endTime ?? null,
            span.status,
            span.statusMessage ?? null,
            JSON.stringify(span.attributes),
            toJsonColumn(span.events),
          );
        }
      });
      return;
    }
    await this.#connection.write('saveSpans', options?.abortSignal, async ({ db, checkAborted }) => {
      for (const batch of chunk(spans, spanChunkSize)) {
        checkAborted();
        await db
          .insertInto('spans')
          .values(batch.map(spanToRow))
          .onConflict((conflict) =>
            conflict.columns(['trace_id', 'span_id']).doUpdateSet((eb) => ({
              parent_span_id: eb.ref('excluded.parent_span_id'),
              name: eb.ref('excluded.name'),
              kind: eb.ref('excluded.kind'),
              start_time: eb.ref('excluded.start_time'),
              end_time: eb.ref('excluded.end_time'),
              status: eb.ref('excluded.status'),
              status_message: eb.ref('excluded.status_message'),
              attributes: eb.ref('excluded.attributes'),
              events: eb.ref('excluded.events'),
            })),
          )
          .execute();
      }
    });
  }

  async getTrace(traceId: string, options?: StoreCallOptions): Promise<SpanRecord[]> {
    const rows = await this.#connection.read('getTrace', options?.abortSignal, (db) =>
      db.selectFrom('spans').selectAll().where('trace_id', '=', traceId).orderBy('start_time').orderBy(sql`rowid`).execute(),
    );
    return rows.map(rowToSpan);
  }

  async listSpans(query: ListSpansQuery): Promise<{ spans: SpanRecord[]; total: number }> {
    return this.#connection.read('listSpans', query.abortSignal, async (db) => {
      let base = db.selectFrom('spans');
      if (query.traceId !== undefined) base = base.where('trace_id', '=', query.traceId);
      if (query.name !== undefined) base = base.where('name', '=', query.name);
      if (query.kind !== undefined) base = base.where('kind', '=', query.kind);
      if (query.rootOnly) base = base.where('parent_span_id', 'is', null);
      if (query.fromTime !== undefined) base = base.where('start_time', '>=', query.fromTime);
      if (query.toTime !== undefined) base = base.where('start_time', '<=', query.toTime);
      for (const [key, value] of Object.entries(query.attributes ?? {})) {
        const typeTest = typeof value === 'boolean' ? sql`attribute.type = ${value ? 'true' : 'false'}` : typeof value === 'number' ? sql`attribute.type in ('integer', 'real') and attribute.value = ${value}` : sql`attribute.type = 'text' and attribute.value = ${value}`;
        base = base.where(sql<boolean>`exists (select 1 from json_each(attributes) as attribute where attribute.key = ${key} and ${typeTest})`);
      }
      const offset = query.offset ?? 0;
      let select = base.selectAll().orderBy('start_time', 'desc').orderBy(sql`rowid`);
      if (query.limit !== undefined) select = select.limit(query.limit).offset(offset);
      else if (offset > 0) select = select.limit(-1).offset(offset);
      const rows = await select.execute();
      const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
      return { spans: rows.map(rowToSpan), total };
    });
  }

  async deleteSpans(args: { before: number } & StoreCallOptions): Promise<number> {
    return this.#connection.write('deleteSpans', args.abortSignal, async ({ db }) => {
      const result = await db.deleteFrom('spans').where('start_time', '<', args.before).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}

function spanToRow(span: SpanRecord): SpanRow {
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? null,
    name: span.name,
    kind: span.kind,
    start_time: span.startTime,
    end_time: span.endTime ?? null,
    status: span.status,
    status_message: span.statusMessage ?? null,
    attributes: JSON.stringify(span.attributes),
    events: toJsonColumn(span.events),
  };
}

function rowToSpan(row: Selectable<SpanRow>): SpanRecord {
  const span: SpanRecord = {
    traceId: row.trace_id,
    spanId: row.span_id,
    name: row.name,
    kind: row.kind,
    startTime: row.start_time,
    status: row.status as SpanRecord['status'],
    attributes: JSON.parse(row.attributes) as Record<string, JSONValue>,
  };
  if (row.parent_span_id !== null) span.parentSpanId = row.parent_span_id;
  if (row.end_time !== null) span.endTime = row.end_time;
  if (row.status_message !== null) span.statusMessage = row.status_message;
  if (row.events !== null) span.events = fromJsonColumn<NonNullable<SpanRecord['events']>>(row.events);
  return span;
}
