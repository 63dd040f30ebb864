import net from 'node:net';
import { Agent, InMemoryVectorStore, Mastra, createInMemoryStorage } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, textStreamParts } from '@mastra-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test/test-server.ts';

/** A deterministic PRNG (mulberry32), so that a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const bodies = (next: () => number): string[] => [
  '',
  '{',
  '[]',
  'null',
  '"text"',
  '{"messages":',
  '{"messages":42}',
  '{"messages":[{"role":"wizard","content":"x"}]}',
  '{"messages":[{"role":"user","content":{"format":3}}]}',
  '{"messages":"hi","maxSteps":-1}',
  '{"messages":"hi","memory":{"thread":""}}',
  '{"inputData":{"n":"x"}}',
  '{"indexName":"","dimension":-3}',
  '{"vectors":[[1,2],[3]],"indexName":"i"}',
  '{"queryVector":"nope"}',
  '{"data":{"__proto__":{"polluted":true}}}',
  '{"resourceId":123}',
  '{"messageIds":[{}]}',
  '{"workingMemory":null}',
  JSON.stringify({ messages: 'x'.repeat(Math.floor(next() * 2000)) }),
  '\u0000\u0001\u0002',
  '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
];

describe('fuzz: malformed requests never produce a 5xx or crash the server', () => {
  let running: TestServer;
  beforeAll(async () => {
    const model = new MockLanguageModelV1({ doGenerate: textResult('ok'), doStream: () => textStreamParts(['ok']) });
    const mastra = new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model }) }, vectors: { v: new InMemoryVectorStore() }, storage: createInMemoryStorage() });
    running = await startTestServer(mastra, { bodyLimit: 64 * 1024 });
  });
  afterAll(() => running.close());

  it('answers 2000 random malformed requests across every route with statuses below 500', async () => {
    const next = random(20_261_126);
    const routes = running.server.routes;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const noise = ['x', '..', '%', '%ZZ', '%00', '%E0%A4%A', 'a'.repeat(300), '🙂', '{id}', ' ', '?', '#'];
    const failures: string[] = [];
    const cases = Array.from({ length: 2000 }, () => {
      const route = pick(routes);
      const path = route.path.replace(/:([A-Za-z]+)/g, () => (next() < 0.7 ? pick(['a', 'v', 'x', 'missing']) : encodeURIComponent(pick(noise))));
      const query = next() < 0.5 ? `?${pick(['runId=', 'page=-1', 'perPage=abc', 'orderBy={', 'orderBy[field]=zzz', 'requestContext=%%%', 'requestContext=bm90IGpzb24=', 'metadata=[1', 'offset=1e99', 'agentId=a&agentId=b', 'filters=nocolon'])}` : '';
      const method = next() < 0.8 ? route.method : pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
      const body = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies(next));
      const headers: Record<string, string> = next() < 0.8 ? { 'content-type': pick(['application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data']) } : {};
      return { method, url: `${running.url}${path}${query}`, headers, body };
    });
    const send = async ({ method, url, headers, body }: (typeof cases)[number]): Promise<void> => {
      const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
      await response.arrayBuffer();
      if (response.status >= 500) failures.push(`${method} ${url} ${body?.slice(0, 80)} -> ${response.status}`);
    };
    for (let index = 0; index < cases.length; index += 8) await Promise.all(cases.slice(index, index + 8).map(send));
    expect(failures).toEqual([]);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
  }, 180_000);

  it('survives raw-socket garbage, oversized bodies and bad encodings', async () => {
    const { port } = new URL(running.url);
    const payloads = [
      'GARBAGE\r\n\r\n',
      'POST /api/agents/a/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{"me',
      'POST /api/agents/a/generate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
      `POST /api/agents/a/generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n${'x'.repeat(1000)}`,
      'GET /api/%%%/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /api/tools/x/execute HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n\xff\xfe\xfd\xfc',
    ];
    for (const payload of payloads) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(Buffer.from(payload, 'latin1')));
        socket.on('data', () => {});
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
      });
    }
    const chunked = await fetch(`${running.url}/api/agents/a/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let index = 0; index < 100; index++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const badUtf8 = await fetch(`${running.url}/api/agents/a/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(badUtf8.status).toBe(400);
    expect((await fetch(`${running.url}/health`)).status).toBe(200);
    expect((await (await fetch(`${running.url}/api/agents/a/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"messages":"hi"}' })).json()) as { text: string }).toMatchObject({ text: 'ok' });
  });
});
