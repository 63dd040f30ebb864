import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MastraClient } from '@mastra/client-js';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const example = path.resolve(here, '../../../examples/basic/src/mastra.ts');
const directory = mkdtempSync(path.join(tmpdir(), 'mastra-ts-bin-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function startBin(env: Record<string, string>): Promise<{ url: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(here, 'bin.ts'), example, '--port', '0'], {
    cwd: directory,
    env: { ...process.env, OPENAI_API_KEY: '', MASTRA_TS_DB: path.join(directory, 'example.db'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(stdout);
      if (match) resolve({ url: match[1]!, stop: () => new Promise((done) => { child.once('exit', (code) => done(code)); child.kill('SIGTERM'); }) });
    });
    child.once('exit', (code) => reject(new Error(`bin exited with ${code}: ${stderr}`)));
  });
}

describe('mastra-ts-server bin with examples/basic', () => {
  it('serves the example on SQLite with the demo model, keeps memory across restarts, and exits cleanly on SIGTERM', async () => {
    const first = await startBin({});
    const client = new MastraClient({ baseUrl: first.url, retries: 0 });
    const answer = await client.getAgent('weatherAgent').generate('What is the weather in Oslo?', { memory: { thread: 'trip', resource: 'me' } });
    expect(answer.text).toMatch(/in Oslo\.$/);
    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toMatch(/mastra_agent_run_duration_seconds_count\{agent="weather-agent",status="[a-z]+"\} 1/);
    expect(metrics).toMatch(/mastra_http_requests_total\{method="POST",route="\/api\/agents\/:agentId\/generate",status="200"\} 1/);
    const run = await client.getWorkflow('planActivity').createRun();
    expect((await run.startAsync({ inputData: { city: 'Oslo' } })).status).toBe('suspended');
    const docs = client.getVector('docs');
    await docs.createIndex({ indexName: 'notes', dimension: 2 });
    await docs.upsert({ indexName: 'notes', vectors: [[1, 0], [0, 1]], ids: ['east', 'north'], metadata: [{ label: 'east' }, { label: 'north' }] });
    expect(await first.stop()).toBe(0);

    const second = await startBin({ MASTRA_TS_API_KEY: 'k' });
    const authed = new MastraClient({ baseUrl: second.url, retries: 0, headers: { Authorization: 'Bearer k' } });
    const messages = await authed.getMemoryThread({ threadId: 'trip', agentId: 'weatherAgent' }).listMessages({});
    expect(messages.messages.length).toBeGreaterThanOrEqual(2);
    const resumed = await authed.getWorkflow('planActivity').createRun({ runId: run.runId });
    expect((await resumed.resumeAsync({ step: 'approve-plan', resumeData: { approvedBy: 'me' } })).status).toBe('success');
    await expect(new MastraClient({ baseUrl: second.url, retries: 0 }).listAgents()).rejects.toMatchObject({ status: 401 });
    const nearest = await authed.getVector('docs').query({ indexName: 'notes', queryVector: [0.1, 0.9], topK: 1 });
    expect(nearest[0]).toMatchObject({ id: 'north', metadata: { label: 'north' } });
    const traces = (await authed.getTraces({} as never)) as unknown as { spans: Array<{ name: string; entityId?: string }> };
    expect(traces.spans.some((span) => span.entityId === 'weather-agent')).toBe(true);
    expect(await second.stop()).toBe(0);
  }, 120_000);
});
