import { z } from 'zod';
import { maxEfSearch } from '@mastra-ts/core';
import { defineRoute, json, type RouteDefinition } from '../route.ts';
import { intQuery } from '../input.ts';

const vectorParams = z.object({ vectorName: z.string().min(1) });
const indexParams = z.object({ vectorName: z.string().min(1), indexName: z.string().min(1) });
const metric = z.enum(['cosine', 'euclidean', 'dotproduct']);

/** Vector routes: stores, indexes, create, upsert, query, delete. */
export function vectorRoutes(): RouteDefinition[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/vectors',
      family: 'vectors',
      summary: 'List vector stores',
      async handler({ mastra }) {
        return json({ vectors: Object.entries(mastra.listVectors()).map(([name, store]) => ({ id: name, name, type: store.constructor?.name ?? 'vector' })) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/vector/:vectorName/indexes',
      family: 'vectors',
      summary: 'List index names',
      params: vectorParams,
      async handler({ mastra, input, abortSignal }) {
        return json(await mastra.getVector(input.vectorName).listIndexes({ abortSignal }));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/vector/:vectorName/indexes/:indexName',
      family: 'vectors',
      summary: 'Describe an index: dimension, count, metric',
      params: indexParams,
      async handler({ mastra, input, abortSignal }) {
        return json(await mastra.getVector(input.vectorName).describeIndex({ indexName: input.indexName, abortSignal }));
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/vector/:vectorName/create-index',
      family: 'vectors',
      summary: 'Create an index',
      params: vectorParams,
      body: z.object({ indexName: z.string().min(1), dimension: z.number().int().positive().max(65_536), metric: metric.optional() }),
      async handler({ mastra, input, abortSignal }) {
        await mastra.getVector(input.vectorName).createIndex({ indexName: input.indexName, dimension: input.dimension, ...(input.metric ? { metric: input.metric } : {}), abortSignal });
        return json({ success: true });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/vector/:vectorName/upsert',
      family: 'vectors',
      summary: 'Insert or replace vectors; returns their ids',
      params: vectorParams,
      body: z.object({
        indexName: z.string().min(1),
        vectors: z.array(z.array(z.number())).min(1),
        metadata: z.array(z.record(z.string(), z.unknown())).optional(),
        ids: z.array(z.string().min(1)).optional(),
        documents: z.array(z.string()).optional(),
      }),
      async handler({ mastra, input, abortSignal }) {
        const ids = await mastra.getVector(input.vectorName).upsert({
          indexName: input.indexName,
          vectors: input.vectors,
          ...(input.metadata ? { metadata: input.metadata as never } : {}),
          ...(input.ids ? { ids: input.ids } : {}),
          ...(input.documents ? { documents: input.documents } : {}),
          abortSignal,
        });
        return json({ ids });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/vector/:vectorName/query',
      family: 'vectors',
      summary: 'Nearest vectors, best first (a bare array)',
      params: vectorParams,
      body: z.object({
        indexName: z.string().min(1),
        queryVector: z.array(z.number()).min(1),
        topK: intQuery(1, 10_000),
        filter: z.record(z.string(), z.unknown()).optional(),
        includeVector: z.boolean().optional(),
        minScore: z.number().optional(),
        efSearch: intQuery(1, maxEfSearch),
      }),
      async handler({ mastra, input, abortSignal }) {
        return json(
          await mastra.getVector(input.vectorName).query({
            indexName: input.indexName,
            queryVector: input.queryVector,
            ...(input.topK === undefined ? {} : { topK: input.topK }),
            ...(input.filter ? { filter: input.filter as never } : {}),
            ...(input.includeVector === undefined ? {} : { includeVector: input.includeVector }),
            ...(input.minScore === undefined ? {} : { minScore: input.minScore }),
            ...(input.efSearch === undefined ? {} : { efSearch: input.efSearch }),
            abortSignal,
          }),
        );
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/vector/:vectorName/indexes/:indexName',
      family: 'vectors',
      summary: 'Delete an index',
      params: indexParams,
      async handler({ mastra, input, abortSignal }) {
        await mastra.getVector(input.vectorName).deleteIndex({ indexName: input.indexName, abortSignal });
        return json({ success: true });
      },
    }),
  ];
}
