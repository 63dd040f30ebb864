import { describeLanguageModel, type LanguageModelHarness, type WireImage } from '@mastra-ts/conformance';
import { ollamaEmbeddings, ollamaError, ollamaText, ollamaToolCalls, startFakeOllama } from '@mastra-ts/fake-providers/ollama';
import { z } from 'zod';
import { createOllama } from './index.ts';

const modelId = 'llama3.2';

describeLanguageModel('ollama.chat', {
  z,
  harness: async (): Promise<LanguageModelHarness> => {
    const server = await startFakeOllama();
    const enqueue = (reply: Parameters<typeof server.enqueue>[0]): void => server.enqueue(reply);
    const line = (content: string): Record<string, unknown> => ({ model: modelId, created_at: '2026-01-01T00:00:00.000Z', message: { role: 'assistant', content }, done: false });
    const provider = createOllama({ baseURL: server.baseURL });
    return {
      model: provider(modelId),
      routing: { model: `ollama/${modelId}`, env: { OLLAMA_HOST: server.baseURL } },
      apiKeyVariable: undefined,
      capabilities: { imageUrl: 'inline', imageBase64: true, jsonSchema: 'native', streamsToolArguments: false, cachedInputTokens: false },
      enqueueText: (pieces, options = {}) => enqueue(ollamaText(pieces, options.usage ? { promptEvalCount: options.usage.inputTokens, evalCount: options.usage.outputTokens } : {})),
      enqueueToolCalls: (calls, options = {}) =>
        enqueue(ollamaToolCalls(calls.map((call) => ({ id: call.id, name: call.name, arguments: call.input })), options.text ? { content: options.text } : {})),
      enqueueJson: (value) => enqueue(ollamaText([JSON.stringify(value)])),
      enqueueError: (status, options) => enqueue(ollamaError(status, options.message, options.headers)),
      enqueueReset: () => enqueue({ kind: 'reset' }),
      enqueueNeverStarts: () => enqueue({ kind: 'hang' }),
      enqueueStreamCut: (pieces, afterPieces) => enqueue(ollamaText(pieces, { cutAfterLines: afterPieces })),
      enqueueStreamHang: (pieces, afterPieces) => enqueue(ollamaText(pieces, { holdAfterLines: afterPieces })),
      enqueueMalformedChunk: (pieces, afterPieces) =>
        enqueue({
          kind: 'ndjson',
          lines: [
            ...pieces.slice(0, afterPieces).map(line),
            { raw: `{"model":"${modelId}","message":{"role":"assistant","content":"oops"\n` },
            ...pieces.slice(afterPieces).map(line),
            { model: modelId, created_at: '2026-01-01T00:00:00.000Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 1, eval_count: 1 },
          ],
        }),
      requests: () =>
        server.requests.map((request) => ({
          path: request.path,
          headers: request.headers,
          rawBody: request.rawBody,
          body: request.body,
          closed: request.closed.then(() => ({ completed: request.responseCompleted })),
        })),
      toolDefinitions: (request) => (request.body?.tools ?? []).map((tool: any) => ({ name: tool.function.name, inputSchema: tool.function.parameters })),
      images: (request) => (request.body?.messages ?? []).flatMap((message: any) => (message.images ?? []).map((base64: string): WireImage => ({ base64 }))),
      jsonSchema: (request) => (typeof request.body?.format === 'object' ? request.body.format : undefined),
      embedding: {
        model: provider.embedding('nomic-embed-text'),
        enqueueEmbeddings: (vectors) => enqueue(ollamaEmbeddings(vectors)),
        inputs: (request) => (Array.isArray(request.body?.input) ? request.body.input : [request.body?.input]),
      },
      close: () => server.close(),
    };
  },
});
