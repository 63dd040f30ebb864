import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Agent, Mastra } from '@mastra-ts/core';
import { MockLanguageModelV1, textResult, textStreamParts } from '@mastra-ts/core/testing';
import { createServer } from '../src/create-server.ts';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 3000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const streamSamples = Number(process.env.BENCH_STREAM_SAMPLES ?? 300);

function project(): Mastra {
  const model = new MockLanguageModelV1({ doGenerate: textResult('hello'), doStream: () => textStreamParts(['hel', 'lo']) });
  return new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'Be brief.', model }) } });
}

async function serve(kind: string): Promise<void> {
  let port: number;
  if (kind === 'bare') {
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '15' });
      response.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  } else {
    const server = createServer(project(), { port: 0, auth: false, playground: false });
    port = (await server.listen()).port;
  }
  process.send?.({ port });
}

function startChild(kind: string): Promise<{ port: number; stop(): void }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', kind], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('message', (message: { port: number }) => resolve({ port: message.port, stop: () => child.kill() })));
}

/** autocannon with `connections` keep-alive connections for `durationMs`; returns requests per second. */
async function load(port: number, method: 'GET' | 'POST', path: string, body?: string): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method,
    connections,
    duration: durationMs / 1000,
    ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx and ${result.errors} errors on ${method} ${path}`);
  return result.requests.total / (result.duration || durationMs / 1000);
}

/** Time from sending the request to the first text delta on the SSE stream, in ms (median of samples). */
async function sseFirstChunk(port: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ messages: 'hi' });
  const samples: number[] = [];
  for (let index = 0; index < streamSamples; index++) {
    samples.push(
      await new Promise<number>((resolve, reject) => {
        const started = performance.now();
        let first: number | undefined;
        const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/agents/a/stream', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (first === undefined && chunk.includes('"text-delta"')) first = performance.now() - started;
          });
          response.on('end', () => (first === undefined ? reject(new Error('no text-delta')) : resolve(first)));
        });
        request.on('error', reject);
        request.end(body);
      }),
    );
  }
  agent.destroy();
  return median(samples);
}

async function inProcessGenerate(): Promise<number> {
  const agent = project().getAgent('a');
  const deadline = performance.now() + durationMs;
  let completed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < deadline) {
      await agent.generate('hi');
      completed += 1;
    }
  }));
  return completed / ((performance.now() - started) / 1000);
}

async function inProcessFirstChunk(): Promise<number> {
  const agent = project().getAgent('a');
  const samples: number[] = [];
  for (let index = 0; index < streamSamples; index++) {
    const started = performance.now();
    const result = await agent.stream('hi');
    let first: number | undefined;
    for await (const part of result.fullStream) if (first === undefined && part.type === 'text-delta') first = performance.now() - started;
    samples.push(first!);
  }
  return median(samples);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const format = (value: number): string => value.toFixed(0).padStart(8);

async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  console.log(`server bench: ${connections} keep-alive connections (autocannon), ${durationMs} ms per target, median of ${rounds} interleaved rounds, Node ${process.version}`);
  const bare = await startChild('bare');
  const mastra = await startChild('mastra');
  const bareRuns: number[] = [];
  const healthRuns: number[] = [];
  const generateRuns: number[] = [];
  const listRuns: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      bareRuns.push(await load(bare.port, 'GET', '/'));
      healthRuns.push(await load(mastra.port, 'GET', '/health'));
      generateRuns.push(await load(mastra.port, 'POST', '/api/agents/a/generate', JSON.stringify({ messages: 'hi' })));
      listRuns.push(await load(mastra.port, 'GET', '/api/agents/a'));
    }
  } finally {
    bare.stop();
  }
  const sse = await sseFirstChunk(mastra.port);
  mastra.stop();
  const bareRps = median(bareRuns);
  const healthRps = median(healthRuns);
  const generateRps = median(generateRuns);
  const inProcessRps = await inProcessGenerate();
  const inProcessFirst = await inProcessFirstChunk();
  console.log(`bare node:http hello world     ${format(bareRps)} req/s`);
  console.log(`GET /health                    ${format(healthRps)} req/s   ${((healthRps / bareRps) * 100).toFixed(1)}% of bare node:http (target >= 80%)`);
  console.log(`GET /api/agents/a (full pipeline)${format(median(listRuns))} req/s   ${((median(listRuns) / bareRps) * 100).toFixed(1)}% of bare node:http (router, validation, auth check, JSON)`);
  console.log(`POST /api/agents/a/generate    ${format(generateRps)} req/s   ${((generateRps / bareRps) * 100).toFixed(1)}% of bare node:http`);
  console.log(`agent.generate() in process    ${format(inProcessRps)} calls/s (server reaches ${((generateRps / inProcessRps) * 100).toFixed(1)}% of in-process throughput)`);
  console.log(`first SSE text-delta over HTTP ${sse.toFixed(3).padStart(8)} ms median of ${streamSamples}`);
  console.log(`first text-delta in process    ${inProcessFirst.toFixed(3).padStart(8)} ms median   (HTTP adds ${(sse - inProcessFirst).toFixed(3)} ms, ${(sse / inProcessFirst).toFixed(1)}x)`);
}

if (process.argv[2] === 'serve') await serve(process.argv[3]!);
else await main();
