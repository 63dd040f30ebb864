import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chatCompletionStream, embeddingsResponse, startFakeOpenAI } from '@mastra-ts/fake-providers/openai';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOpenAI } from './openai-provider.ts';
import { requestFetch } from './request-fetch.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP server on 127.0.0.1 whose answer each test scripts; it records what it was sent. */
let server: http.Server;
let base: string;
let seen: Seen[];
let handler: (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;

beforeEach(async () => {
  seen = [];
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      handler(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function json(response: http.ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(value));
}

/** What a promise rejected with (undefined when it resolved). */
function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
}

describe('requestFetch', () => {
  it('answers a JSON request as fetch does: status, status text, headers (repeated ones too), URL and body', async () => {
    handler = (_request, response) => json(response, 201, { ok: true }, { 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'req_1' });
    const init = { method: 'post', headers: new Headers({ 'content-type': 'application/json', Authorization: 'Bearer k' }), body: '{"a":1}' };
    const ours = await requestFetch(`${base}/v1/things`, init);
    const theirs = await fetch(`${base}/v1/things`, init);
    for (const response of [ours, theirs]) {
      expect(response.status).toBe(201);
      expect(response.statusText).toBe('Created');
      expect(response.ok).toBe(true);
      expect(response.url).toBe(`${base}/v1/things`);
      expect(response.headers.get('x-request-id')).toBe('req_1');
      expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/things', body: '{"a":1}' });
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer k', 'accept-encoding': 'identity' });
  });

  it('streams a body that is not JSON: the first SSE event arrives before the server ends the response', async () => {
    let finish: (() => void) | undefined;
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"n":1}\n\n');
      finish = () => response.end('data: [DONE]\n\n');
    };
    const response = await requestFetch(`${base}/stream`, { method: 'POST', body: '{}' });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: {"n":1}\n\n');
    expect(finish).toBeDefined();
    finish!();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('data: [DONE]\n\n');
  });

  it('cancels a streamed body as fetch does: at once, also while data is buffered or a read waits, closing the connection', async () => {
    const closed: Array<Promise<void>> = [];
    handler = (request, response) => {
      closed.push(new Promise((resolve) => request.socket.once('close', () => resolve())));
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // many events at once (buffered on the client beyond the first read), then nothing more: the answer hangs
      for (let event = 0; event < 200; event++) response.write(`data: {"n":${event},"pad":"${'x'.repeat(200)}"}\n\n`);
    };
    const buffered = await requestFetch(`${base}/stream`, { method: 'POST', body: '{}' });
    const reader = buffered.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    expect(await reader.read()).toEqual({ value: undefined, done: true });
    await closed[0];

    const waiting = await requestFetch(`${base}/stream`, { method: 'POST', body: '{}' });
    const waitingReader = waiting.body!.getReader();
    // drain what was sent, then leave a read waiting for data that never comes
    for (let received = ''; !received.includes('"n":199'); ) received += new TextDecoder().decode((await waitingReader.read()).value);
    const pendingRead = waitingReader.read();
    await waitingReader.cancel();
    expect(await pendingRead).toEqual({ value: undefined, done: true });
    await closed[1];
  });

  it('rejects with the signal reason when aborted before the response, and errors the body when aborted while streaming', async () => {
    handler = () => undefined; // never answers
    const early = new AbortController();
    const pending = requestFetch(`${base}/slow`, { signal: early.signal });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    const reason = new Error('caller gave up');
    early.abort(reason);
    expect(await failure(pending)).toBe(reason);

    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: 1\n\n');
    };
    const late = new AbortController();
    const response = await requestFetch(`${base}/stream`, { signal: late.signal });
    const reader = response.body!.getReader();
    await reader.read();
    late.abort(new Error('stop'));
    expect(await failure(reader.read())).toBeInstanceOf(Error);
  });

  it('rejects a network failure with TypeError("fetch failed") whose cause is the socket error, as fetch does', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = (await failure(requestFetch(`http://127.0.0.1:${port}/`))) as TypeError & { cause: { code: string } };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause.code).toBe('ECONNREFUSED');
  });

  it('hands a redirect to fetch, which follows it with the method and body (307) or as a GET (303)', async () => {
    handler = (request, response, body) => {
      if (request.url === '/old' || request.url === '/other') {
        response.writeHead(request.url === '/old' ? 307 : 303, { location: '/new' });
        response.end();
      } else json(response, 200, { at: request.url, method: request.method, body });
    };
    const spy = vi.spyOn(globalThis, 'fetch');
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' };
    expect(await (await requestFetch(`${base}/old`, init)).json()).toEqual({ at: '/new', method: 'POST', body: '{"x":1}' });
    expect(await (await requestFetch(`${base}/other`, init)).json()).toEqual({ at: '/new', method: 'GET', body: '' });
    expect(spy).toHaveBeenCalledTimes(2);
    // the first request by requestFetch, then fetch's own: the redirecting URL is asked twice
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /old', 'POST /old', 'POST /new', 'POST /other', 'POST /other', 'GET /new']);
  });

  it('decodes a gzip body sent although identity was asked for, streamed or JSON', async () => {
    handler = (request, response) => {
      response.writeHead(200, { 'content-type': request.url === '/json' ? 'application/json' : 'text/plain', 'content-encoding': 'gzip' });
      response.end(gzipSync(request.url === '/json' ? '{"zipped":true}' : 'plain text'));
    };
    expect(await (await requestFetch(`${base}/json`)).json()).toEqual({ zipped: true });
    expect(await (await requestFetch(`${base}/text`)).text()).toBe('plain text');
  });

  it('takes the request headers from a Headers object of another undici copy, pairs or a record', async () => {
    handler = (_request, response) => json(response, 200, {});
    const { Headers: PackageHeaders } = await import('undici');
    await requestFetch(`${base}/a`, { headers: new PackageHeaders({ 'x-one': '1' }) as unknown as HeadersInit });
    await requestFetch(`${base}/b`, { headers: [['x-two', '2'], ['X-Two', '3']] });
    await requestFetch(`${base}/c`, { headers: { 'X-Three': '3' } });
    expect(seen.map((request) => request.headers['x-one'] ?? request.headers['x-two'] ?? request.headers['x-three'])).toEqual(['1', '2, 3', '3']);
  });

  it('gives a null body for 204 and HEAD', async () => {
    handler = (request, response) => {
      response.writeHead(request.method === 'HEAD' ? 200 : 204, { 'content-type': 'application/json', 'content-length': request.method === 'HEAD' ? '12' : '0' });
      response.end();
    };
    const empty = await requestFetch(`${base}/nothing`, { method: 'DELETE' });
    expect([empty.status, empty.body]).toEqual([204, null]);
    const head = await requestFetch(`${base}/nothing`, { method: 'HEAD' });
    expect([head.status, head.body, head.headers.get('content-length')]).toEqual([200, null, '12']);
  });

  it('hands to globalThis.fetch what it does not handle: uploads, Request objects, manual redirects, its own accept-encoding, NODE_USE_ENV_PROXY', async () => {
    handler = (_request, response) => json(response, 200, {});
    const spy = vi.spyOn(globalThis, 'fetch');
    await requestFetch(`${base}/plain`, { method: 'POST', body: '{}' });
    expect(spy).not.toHaveBeenCalled();
    const form = new FormData();
    form.append('file', new Blob(['abc']), 'a.txt');
    await requestFetch(`${base}/upload`, { method: 'POST', body: form });
    await requestFetch(new Request(`${base}/request`));
    await requestFetch(`${base}/manual`, { redirect: 'manual' });
    await requestFetch(`${base}/encoded`, { headers: { 'Accept-Encoding': 'gzip' } });
    vi.stubEnv('NODE_USE_ENV_PROXY', '1');
    await requestFetch(`${base}/proxied`);
    expect(spy).toHaveBeenCalledTimes(5);
    expect(seen.map((request) => request.url)).toEqual(['/plain', '/upload', '/request', '/manual', '/encoded', '/proxied']);
    expect(seen[1]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('leaves the global dispatcher to Node: loading undici installs no other one for the process\'s fetch (built package)', () => {
    // a fresh process where nothing has loaded either copy of undici yet (importing TypeScript source loads Node's, so
    // this runs the built package, as users do; turbo builds it before the tests)
    const script = [
      "const { createOpenAI } = await import('@mastra-ts/llm-openai');",
      "const http = await import('node:http');",
      'const body = JSON.stringify({ object: "list", data: [{ object: "embedding", index: 0, embedding: [0.5] }], model: "m", usage: { prompt_tokens: 1, total_tokens: 1 } });',
      "const server = http.createServer((request, response) => { request.resume(); request.on('end', () => { response.writeHead(200, { 'content-type': 'application/json' }); response.end(body); }); });",
      "await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));",
      "const model = createOpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${server.address().port}/v1` }).embedding('text-embedding-3-small');",
      "const { embeddings } = await model.doEmbed({ values: ['a'] });",
      "const { Agent } = await import('undici');",
      "const dispatcher = globalThis[Symbol.for('undici.globalDispatcher.1')];",
      'console.log(JSON.stringify({ embeddings, set: dispatcher !== undefined, packageAgent: dispatcher instanceof Agent }));',
      'server.close();',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ embeddings: [[0.5]], set: true, packageAgent: false });
  });

  it('sends through the dispatcher the request names (the SDK passes fetchOptions.dispatcher on), as fetch does', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get('http://api.example').intercept({ path: '/v1/models', method: 'GET' }).reply(200, { data: [] }, { headers: { 'content-type': 'application/json' } });
    const response = await requestFetch('http://api.example/v1/models', { dispatcher: mock } as RequestInit);
    expect(await response.json()).toEqual({ data: [] });
    await mock.close();
  });
});

describe('the OpenAI client transport', () => {
  it('is requestFetch by default, and the fetch given in the settings otherwise', async () => {
    const fake = await startFakeOpenAI({ fallback: embeddingsResponse((input) => input.map(() => [0.5, 0.25])) });
    try {
      const embedded = await createOpenAI({ apiKey: 'k', baseURL: fake.baseURL }).embedding('text-embedding-3-small').doEmbed({ values: ['a'] });
      expect(embedded.embeddings).toEqual([[0.5, 0.25]]);
      expect(fake.requests[0]!.headers['accept-encoding']).toBe('identity');

      const given = vi.fn<typeof fetch>((input, init) => fetch(input, init));
      await createOpenAI({ apiKey: 'k', baseURL: fake.baseURL, fetch: given }).embedding('text-embedding-3-small').doEmbed({ values: ['a'] });
      expect(given).toHaveBeenCalledTimes(1);
      expect(fake.requests[1]!.headers['accept-encoding']).not.toBe('identity');
    } finally {
      await fake.close();
    }
  });

  it('streams chat completions through it event by event', async () => {
    const fake = await startFakeOpenAI({ fallback: chatCompletionStream({ text: ['Hel', 'lo'] }) });
    try {
      const { stream } = await createOpenAI({ apiKey: 'k', baseURL: fake.baseURL })('gpt-4o-mini').doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
      const deltas: string[] = [];
      for await (const part of stream) if (part.type === 'text-delta') deltas.push(part.delta);
      expect(deltas.join('')).toBe('Hello');
    } finally {
      await fake.close();
    }
  });
});
