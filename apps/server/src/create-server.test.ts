import { Agent, InMemoryVectorStore, Mastra, createInMemoryStorage, createTool } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, textStreamParts } from '@mastra-ts/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogBuffer, createLogger } from '@mastra-ts/telemetry';
import { createServer } from './create-server.ts';
import { startTestServer, type TestServer } from './test/test-server.ts';

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const add = createTool({
  id: 'add',
  description: 'Adds two numbers',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => ({ sum: a + b }),
});

function project(): Mastra {
  const model = new MockLanguageModelV1({ doGenerate: textResult('ok'), doStream: () => textStreamParts(['o', 'k']) });
  return new Mastra({
    agents: { a: new Agent({ name: 'a', instructions: 'x', model, tools: { add } }) },
    tools: { add },
    vectors: { main: new InMemoryVectorStore() },
    storage: createInMemoryStorage(),
  });
}

describe('auth', () => {
  it('refuses every non-public route without the token, SSE and workflow streams included', async () => {
    running = await startTestServer(project(), { auth: { token: 'secret-token' } });
    const protectedRoutes = running.server.routes.filter((route) => !route.definition.public);
    expect(protectedRoutes.length).toBeGreaterThan(30);
    expect(protectedRoutes.some((route) => route.definition.responds === 'sse')).toBe(true);
    for (const route of protectedRoutes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, 'x');
      for (const authorization of [undefined, 'Bearer wrong-token', 'secret-token', 'Basic c2VjcmV0LXRva2Vu']) {
        const response = await fetch(`${running.url}${path}`, {
          method: route.method,
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: JSON.stringify({ messages: 'hi' }) }),
        });
        expect({ route: `${route.method} ${route.path}`, authorization, status: response.status }).toEqual({ route: `${route.method} ${route.path}`, authorization, status: 401 });
        expect(((await response.json()) as { code: string }).code).toBe('UNAUTHORIZED');
      }
    }
    const unknown = await fetch(`${running.url}/api/not-a-route`);
    expect(unknown.status).toBe(401);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  });

  it('lets a client with the bearer header through, streams included', async () => {
    running = await startTestServer(project(), { auth: { token: 'secret-token' } }, { Authorization: 'Bearer secret-token' });
    expect(Object.keys(await running.client.listAgents())).toEqual(['a']);
    const response = await running.client.getAgent('a').stream('hi');
    let text = '';
    await response.processDataStream({ onChunk: async (chunk) => void (chunk.type === 'text-delta' && (text += (chunk.payload as { text: string }).text)) });
    expect(text).toBe('ok');
    const denied = new (await import('@mastra/client-js')).MastraClient({ baseUrl: running.url, retries: 0 });
    await expect(denied.listAgents()).rejects.toMatchObject({ status: 401 });
  });

  it('accepts a custom verifier', async () => {
    running = await startTestServer(project(), { auth: { verify: (token) => token.startsWith('user-') } });
    expect((await fetch(`${running.url}/api/agents`, { headers: { authorization: 'Bearer user-42' } })).status).toBe(200);
    expect((await fetch(`${running.url}/api/agents`, { headers: { authorization: 'Bearer admin' } })).status).toBe(401);
  });
});

describe('CORS', () => {
  it('sends no CORS headers by default', async () => {
    running = await startTestServer(project());
    const response = await fetch(`${running.url}/api/agents`, { headers: { origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers only the listed origins, never *', async () => {
    running = await startTestServer(project(), { cors: { origins: ['https://app.example'] }, auth: { token: 't' } });
    const preflight = await fetch(`${running.url}/api/agents/a/stream`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const allowed = await fetch(`${running.url}/api/agents`, { headers: { origin: 'https://app.example', authorization: 'Bearer t' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await fetch(`${running.url}/api/agents`, { headers: { origin: 'https://evil.example', authorization: 'Bearer t' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const otherPreflight = await fetch(`${running.url}/api/agents`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses * and origins with paths at construction', () => {
    expect(() => createServer(project(), { cors: { origins: ['*'] } })).toThrow(/explicit origins/);
    expect(() => createServer(project(), { cors: { origins: ['https://a.example/app'] } })).toThrow(/has a path/);
  });
});

describe('tools, vectors, traces, system routes', () => {
  it('lists and executes tools, validating data', async () => {
    running = await startTestServer(project());
    const tools = await running.client.listTools();
    expect(tools.add).toMatchObject({ id: 'add', description: 'Adds two numbers' });
    expect(await running.client.getTool('add').execute({ data: { a: 2, b: 3 } })).toEqual({ sum: 5 });
    await expect(running.client.getTool('add').execute({ data: { a: 'two', b: 3 } })).rejects.toMatchObject({ status: 400 });
    const bad = await fetch(`${running.url}/api/tools/add/execute`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { a: 'two', b: 3 } }) });
    expect(((await bad.json()) as { error: string }).error).toMatch(/\ba\b.*number/);
    expect(await running.client.getAgent('a').executeTool('add', { data: { a: 1, b: 1 } })).toEqual({ sum: 2 });
    await expect(running.client.getTool('nope').details()).rejects.toMatchObject({ status: 404 });
  });

  it('creates, upserts, queries, describes and deletes vector indexes', async () => {
    const mastra = project();
    const store = mastra.getVector('main');
    const asked: Array<number | undefined> = [];
    const query = store.query.bind(store);
    store.query = (args) => {
      asked.push(args.efSearch);
      return query(args);
    };
    running = await startTestServer(mastra);
    expect(await running.client.listVectors()).toEqual({ vectors: [{ id: 'main', name: 'main', type: 'InMemoryVectorStore' }] });
    const vector = running.client.getVector('main');
    expect(await vector.createIndex({ indexName: 'docs', dimension: 3, metric: 'cosine' })).toEqual({ success: true });
    const { ids } = await vector.upsert({ indexName: 'docs', vectors: [[1, 0, 0], [0, 1, 0]], metadata: [{ tag: 'x' }, { tag: 'y' }], ids: ['v1', 'v2'] });
    expect(ids).toEqual(['v1', 'v2']);
    const hits = await vector.query({ indexName: 'docs', queryVector: [0.9, 0.1, 0], topK: 1 });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ id: 'v1', metadata: { tag: 'x' } });
    const filtered = await vector.query({ indexName: 'docs', queryVector: [1, 0, 0], filter: { tag: 'y' } });
    expect((filtered as Array<{ id: string }>).map((hit) => hit.id)).toEqual(['v2']);
    // a graph index's per-query candidate list passes through (Mastra's client sends what it is given)
    await vector.query({ indexName: 'docs', queryVector: [1, 0, 0], topK: 1, efSearch: 64 } as Parameters<typeof vector.query>[0]);
    expect(asked).toEqual([undefined, undefined, 64]);
    await expect(vector.query({ indexName: 'docs', queryVector: [1, 0, 0], efSearch: 0 } as Parameters<typeof vector.query>[0])).rejects.toMatchObject({ status: 400 });
    expect(await vector.details('docs')).toMatchObject({ dimension: 3, count: 2, metric: 'cosine' });
    expect(await vector.getIndexes()).toEqual(['docs']);
    expect(await vector.delete('docs')).toEqual({ success: true });
    expect(await vector.getIndexes()).toEqual([]);
    await expect(running.client.getVector('nope').getIndexes()).rejects.toMatchObject({ status: 404 });
    await expect(vector.upsert({ indexName: 'docs', vectors: [] })).rejects.toMatchObject({ status: 400 });
  });

  it('lists traces and reads one trace from the trace store', async () => {
    const storage = createInMemoryStorage();
    const traces = storage.traces;
    await traces.saveSpans([
      { traceId: 'tr1', spanId: 's1', name: 'agent.generate', kind: 'agent', startTime: 1000, endTime: 1500, status: 'ok', attributes: { 'mastra.agent.id': 'a', 'mastra.run.id': 'run-1' } },
      { traceId: 'tr1', spanId: 's2', parentSpanId: 's1', name: 'model.call', kind: 'model', startTime: 1100, endTime: 1400, status: 'ok', attributes: {} },
      { traceId: 'tr2', spanId: 's3', name: 'agent.stream', kind: 'agent', startTime: 2000, endTime: 2100, status: 'error', statusMessage: 'boom', attributes: { 'mastra.agent.id': 'a' } },
    ]);
    running = await startTestServer(new Mastra({ storage }));
    const list = await running.client.getTraces({ pagination: { page: 0, perPage: 10 } } as never);
    expect((list as unknown as { spans: Array<{ traceId: string }> }).spans.map((span) => span.traceId).sort()).toEqual(['tr1', 'tr2']);
    const byRun = await fetch(`${running.url}/api/observability/traces?runId=run-1`);
    expect(((await byRun.json()) as { spans: Array<{ traceId: string }> }).spans.map((span) => span.traceId)).toEqual(['tr1']);
    const trace = await running.client.getTrace('tr1');
    expect(trace.spans.map((span) => span.spanId)).toEqual(['s1', 's2']);
    expect(trace.spans[0]).toMatchObject({ spanType: 'agent_run', status: 'success', entityId: 'a', runId: 'run-1' });
    await expect(running.client.getTrace('missing')).rejects.toMatchObject({ status: 404 });
  });

  it('serves health, metrics, OpenAPI from the zod schemas, and a request id', async () => {
    running = await startTestServer(project());
    expect(await (await fetch(`${running.url}/health`)).json()).toEqual({ status: 'ok' });
    await fetch(`${running.url}/api/agents`);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/mastra_http_requests_total\{method="GET",route="\/api\/agents",status="200"\} 1/);
    const openapi = (await (await fetch(`${running.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; required?: string[] } }> } }>> };
    expect(openapi.openapi).toBe('3.1.0');
    const generate = openapi.paths['/api/agents/{agentId}/generate']!.post!;
    expect(generate.requestBody!.content['application/json']!.schema.required).toContain('messages');
    expect(Object.keys(openapi.paths)).toContain('/api/vector/{vectorName}/query');
    const response = await fetch(`${running.url}/api/agents`, { headers: { 'x-request-id': 'req-123' } });
    expect(response.headers.get('x-request-id')).toBe('req-123');
  });

  it('serves the server log lines with request ids, and custom log buffers by transport', async () => {
    running = await startTestServer(project());
    await fetch(`${running.url}/api/agents`, { headers: { 'x-request-id': 'req-logs-1' } });
    expect(await running.client.listLogTransports()).toEqual({ transports: ['server'] });
    const logs = await running.client.listLogs({ transportId: 'server' });
    expect(logs.logs.some((line) => (line as unknown as { requestId?: string }).requestId === 'req-logs-1')).toBe(true);
    await running.close();

    const buffer = createLogBuffer({ name: 'app' });
    const logger = createLogger({ name: 'app', buffer, destination: { write: () => true } as never, level: 'info' });
    logger.child({ runId: 'run-7' }).info({ agentId: 'a' }, 'hello from run 7');
    logger.warn('unrelated');
    running = await startTestServer(project(), { logs: [buffer] });
    const forRun = await running.client.getLogForRun({ runId: 'run-7', transportId: 'app' });
    expect(forRun.logs.map((line) => line.msg)).toEqual(['hello from run 7']);
    const warnings = await running.client.listLogs({ transportId: 'app', logLevel: 'warn' as never });
    expect(warnings.logs.map((line) => line.msg)).toEqual(['unrelated']);
    const filtered = await fetch(`${running.url}/api/logs?transportId=app&filters=agentId:a`);
    expect(((await filtered.json()) as { logs: Array<{ msg: string }> }).logs.map((line) => line.msg)).toEqual(['hello from run 7']);
    await expect(running.client.listLogs({ transportId: 'nope' })).rejects.toMatchObject({ status: 404 });
  });

  it('honours apiPrefix and the body limit', async () => {
    running = await startTestServer(project(), { apiPrefix: 'v1/', bodyLimit: 1024 });
    expect((await fetch(`${running.url}/v1/agents`)).status).toBe(200);
    expect((await fetch(`${running.url}/api/agents`)).status).toBe(404);
    const big = await fetch(`${running.url}/v1/agents/a/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: 'x'.repeat(5000) }) });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});
