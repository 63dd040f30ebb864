import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, createTool, InMemoryTraceStore } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, toolCallResult } from '@mastra-ts/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTracer } from './create-tracer.ts';

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values: Array<{ stringValue?: string }> } };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: OtlpAttribute[];
  status?: { code?: number; message?: string };
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function attributeValue(span: OtlpSpan, key: string): unknown {
  const value = span.attributes.find((attribute) => attribute.key === key)?.value;
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  return value.arrayValue?.values.map((item) => item.stringValue);
}

describe('OTLP export', () => {
  let server: Server;
  let url: string;
  const requests: Array<{ path: string; contentType: string | undefined; authorization: string | undefined; body: string }> = [];

  beforeEach(async () => {
    requests.length = 0;
    server = createServer(async (request, response) => {
      requests.push({ path: request.url ?? '', contentType: request.headers['content-type'], authorization: request.headers.authorization, body: await readBody(request) });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('exports a traced agent run through the official SDK with GenAI attribute names and the stored ids', async () => {
    const store = new InMemoryTraceStore();
    const tracer = createTracer({ store, otlp: { url, headers: { authorization: 'Bearer collector-token' }, serviceName: 'support-api' } });
    const lookup = createTool({ id: 'lookup', inputSchema: z.object({ q: z.string() }), execute: async ({ q }) => `found ${q}` });
    const model = new MockLanguageModelV1({
      provider: 'openai.chat',
      modelId: 'gpt-4o',
      doGenerate: [toolCallResult([{ toolCallId: 't1', toolName: 'lookup', input: { q: 'order 42' } }]), textResult('Order 42 shipped.')],
    });
    const agent = new Agent({ name: 'support', instructions: 'Help.', model, tools: { lookup }, tracer });
    await agent.generate('Where is order 42?');
    await tracer.shutdown();

    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(requests[0]!.path).toBe('/v1/traces');
    expect(requests[0]!.contentType).toContain('application/json');
    expect(requests[0]!.authorization).toBe('Bearer collector-token');
    const payloads = requests.map((request) => JSON.parse(request.body) as { resourceSpans: Array<{ resource: { attributes: OtlpAttribute[] }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> });
    const resource = payloads[0]!.resourceSpans[0]!.resource;
    expect(resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'support-api' } });
    const exported = payloads.flatMap((payload) => payload.resourceSpans.flatMap((resourceSpans) => resourceSpans.scopeSpans.flatMap((scope) => scope.spans)));
    expect(exported.map((span) => span.name).sort()).toEqual(['chat gpt-4o', 'chat gpt-4o', 'execute_tool lookup', 'invoke_agent support']);

    const stored = (await store.listSpans({})).spans;
    for (const span of exported) {
      const match = stored.find((record) => record.spanId === span.spanId);
      expect(match, `stored span for ${span.name}`).toBeDefined();
      expect(span.traceId).toBe(match!.traceId);
      if (match!.parentSpanId) expect(span.parentSpanId).toBe(match!.parentSpanId);
      expect(Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano))).toBeGreaterThanOrEqual(0);
    }
    const agentSpan = exported.find((span) => span.name === 'invoke_agent support')!;
    expect(agentSpan.parentSpanId ?? '').toBe('');
    expect(attributeValue(agentSpan, 'gen_ai.operation.name')).toBe('invoke_agent');
    expect(attributeValue(agentSpan, 'gen_ai.agent.name')).toBe('support');
    const chat = exported.find((span) => span.name === 'chat gpt-4o')!;
    expect(chat.kind).toBe(3);
    expect(chat.parentSpanId).toBe(agentSpan.spanId);
    expect(attributeValue(chat, 'gen_ai.operation.name')).toBe('chat');
    expect(attributeValue(chat, 'gen_ai.provider.name')).toBe('openai');
    expect(attributeValue(chat, 'gen_ai.request.model')).toBe('gpt-4o');
    expect(attributeValue(chat, 'gen_ai.usage.input_tokens')).toBe(3);
    expect(attributeValue(chat, 'gen_ai.usage.output_tokens')).toBe(10);
    expect(attributeValue(chat, 'mastra.usage.cost_usd')).toBeCloseTo((3 * 2.5 + 10 * 10) / 1_000_000, 12);
    const tool = exported.find((span) => span.name === 'execute_tool lookup')!;
    expect(tool.kind).toBe(1);
    expect(attributeValue(tool, 'gen_ai.tool.name')).toBe('lookup');
    expect(attributeValue(tool, 'gen_ai.tool.call.id')).toBe('t1');
  });

  it('exports error status and the exception event', async () => {
    const tracer = createTracer({ otlp: { url, simple: true } });
    const span = tracer.startSpan('tool.call', { kind: 'tool', attributes: { 'gen_ai.tool.name': 'charge' } });
    span.recordException(new TypeError('card declined'));
    span.end();
    await tracer.shutdown();
    const exported = requests.flatMap((request) => (JSON.parse(request.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<OtlpSpan & { events: Array<{ name: string; attributes: OtlpAttribute[] }> }> }> }> }).resourceSpans[0]!.scopeSpans[0]!.spans);
    expect(exported).toHaveLength(1);
    expect(exported[0]!.status).toMatchObject({ code: 2, message: 'card declined' });
    expect(exported[0]!.events[0]!.name).toBe('exception');
    expect(exported[0]!.events[0]!.attributes).toContainEqual({ key: 'exception.type', value: { stringValue: 'TypeError' } });
  });
});
