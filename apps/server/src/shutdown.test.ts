import { Agent, Mastra, createInMemoryStorage, type LanguageModelV1StreamPart } from '@mastra-ts/core';
import { createStep, createWorkflow } from '@mastra-ts/workflow';
import { z } from 'zod';
import { MockLanguageModelV1, mockUsage } from '@mastra-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { deferred, startTestServer, whenAborted } from './test/test-server.ts';

function gatedModel(gate: Promise<void>, streaming: () => void): MockLanguageModelV1 {
  return new MockLanguageModelV1({
    doStream: async (options) => ({
      stream: (async function* (): AsyncIterable<LanguageModelV1StreamPart> {
        yield { type: 'stream-start', warnings: [] };
        yield { type: 'text-start', id: 't' };
        yield { type: 'text-delta', id: 't', delta: 'before ' };
        streaming();
        await Promise.race([gate, whenAborted(options.abortSignal)]);
        yield { type: 'text-delta', id: 't', delta: 'after' };
        yield { type: 'text-end', id: 't' };
        yield { type: 'finish', finishReason: 'stop', usage: mockUsage };
      })(),
    }),
  });
}

describe('graceful shutdown', () => {
  it('refuses new requests with 503 while letting an open stream finish', async () => {
    const gate = deferred();
    const streaming = deferred();
    const model = gatedModel(gate.promise, () => streaming.resolve());
    const running = await startTestServer(new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model }) } }), { shutdownGraceMs: 60_000 });
    const response = await running.client.getAgent('a').stream('hi');
    let text = '';
    const reading = response.processDataStream({ onChunk: async (chunk) => void (chunk.type === 'text-delta' && (text += (chunk.payload as { text: string }).text)) });
    await streaming.promise;
    const closing = running.close();
    const refused = await fetch(`${running.url}/api/agents`).catch(() => undefined);
    if (refused) expect(refused.status).toBe(503);
    gate.resolve();
    await reading;
    await closing;
    expect(text).toBe('before after');
    expect(model.doStreamCalls[0]!.abortSignal!.aborted).toBe(false);
  });

  it('cancels streams still open after the grace period', async () => {
    const streaming = deferred();
    const model = gatedModel(new Promise(() => {}), () => streaming.resolve());
    const running = await startTestServer(new Mastra({ agents: { a: new Agent({ name: 'a', instructions: 'x', model }) } }), { shutdownGraceMs: 0 });
    const response = await running.client.getAgent('a').stream('hi');
    const chunks: string[] = [];
    const reading = response.processDataStream({ onChunk: async (chunk) => void chunks.push(chunk.type) }).catch(() => undefined);
    await streaming.promise;
    await running.close();
    await whenAborted(model.doStreamCalls[0]!.abortSignal);
    await reading;
    expect(model.doStreamCalls[0]!.abortSignal!.aborted).toBe(true);
    expect(chunks).not.toContain('finish');
    expect(chunks.at(-1)).toBe('abort');
  });

  it('releases the lease of a workflow run still executing after the grace period, so another process can recover it', async () => {
    const stepStarted = deferred();
    const hang = createStep({
      id: 'hang',
      inputSchema: z.object({}),
      outputSchema: z.object({}),
      execute: async ({ abortSignal }) => {
        stepStarted.resolve();
        await whenAborted(abortSignal);
        return {};
      },
    });
    const storage = createInMemoryStorage();
    const slow = createWorkflow({ id: 'slow', inputSchema: z.object({}), outputSchema: z.object({}) }).then(hang).commit();
    const running = await startTestServer(new Mastra({ workflows: { slow }, storage }), { shutdownGraceMs: 0 });
    const run = await running.client.getWorkflow('slow').createRun({ runId: 'long-run' });
    await run.start({ inputData: {} });
    await stepStarted.promise;
    expect((await storage.workflows.getRun('long-run'))!.leaseOwner).toBeDefined();
    await running.close();
    const record = (await storage.workflows.getRun('long-run'))!;
    expect(record.status).toBe('running');
    expect(record.leaseOwner).toBeUndefined();
  });
});
