import { describeLanguageModel, type LanguageModelHarness, type ScriptedToolCall, type ScriptedUsage, type WireImage } from '@mastra-ts/conformance';
import {
  chatCompletion,
  chatCompletionStream,
  cutChatCompletionStream,
  embeddingsResponse,
  errorResponse,
  malformedChatCompletionStream,
  startFakeOpenAI,
  type FakeChatAnswer,
  type FakeOpenAIServer,
  type FakeResponse,
} from '@mastra-ts/fake-providers/openai';
import { z } from 'zod';
import { createOpenAI } from './index.ts';

/** Renders an answer as SSE or JSON, as the request asks (`stream: true`). */
const answer = (scripted: FakeChatAnswer): FakeResponse => (request) => (request.body?.stream === true ? chatCompletionStream(scripted) : chatCompletion(scripted));

const wireUsage = (usage: ScriptedUsage | undefined): FakeChatAnswer['usage'] =>
  usage && {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    ...(usage.cachedInputTokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cachedInputTokens } }),
  };

const toolCalls = (calls: ScriptedToolCall[]): NonNullable<FakeChatAnswer['toolCalls']> =>
  calls.map((call) => ({ id: call.id, name: call.name, arguments: call.inputChunks ?? JSON.stringify(call.input) }));

/** Builds a conformance harness for an OpenAI-compatible fake server. */
function openAICompatibleHarness(
  server: FakeOpenAIServer,
  model: LanguageModelHarness['model'],
  rest: Pick<LanguageModelHarness, 'routing' | 'apiKeyVariable' | 'capabilities' | 'embedding'>,
): LanguageModelHarness {
  return {
    model,
    ...rest,
    enqueueText: (pieces, options = {}) => server.enqueue(answer({ text: pieces, ...(options.usage ? { usage: wireUsage(options.usage) } : {}) })),
    enqueueToolCalls: (calls, options = {}) => server.enqueue(answer({ toolCalls: toolCalls(calls), ...(options.text ? { text: options.text } : {}) })),
    enqueueJson: (value) => server.enqueue(answer({ text: JSON.stringify(value) })),
    enqueueError: (status, options) => server.enqueue(errorResponse(status, { message: options.message }, options.headers)),
    enqueueReset: () => server.enqueue({ type: 'reset' }),
    enqueueNeverStarts: () => server.enqueue({ type: 'hang' }),
    // chunk 0 carries the role; text piece i is chunk i + 1
    enqueueStreamCut: (pieces, afterPieces) => server.enqueue(cutChatCompletionStream({ text: pieces }, afterPieces + 1, 'destroy')),
    enqueueStreamHang: (pieces, afterPieces) => server.enqueue(cutChatCompletionStream({ text: pieces }, afterPieces + 1, 'hang')),
    enqueueMalformedChunk: (pieces, afterPieces) => server.enqueue(malformedChatCompletionStream({ text: pieces }, afterPieces + 1)),
    requests: () => server.requests.map((request) => ({ path: request.path, headers: request.headers, rawBody: request.rawBody, body: request.body, closed: request.closed })),
    toolDefinitions: (request) => (request.body?.tools ?? []).map((tool: any) => ({ name: tool.function.name, inputSchema: tool.function.parameters })),
    images: (request) =>
      (request.body?.messages ?? [])
        .flatMap((message: any) => (Array.isArray(message.content) ? message.content : []))
        .filter((part: any) => part.type === 'image_url')
        .map((part: any): WireImage => {
          const match = /^data:([^;]+);base64,(.*)$/.exec(part.image_url.url);
          return match ? { base64: match[2]!, mediaType: match[1] } : { url: part.image_url.url };
        }),
    jsonSchema: (request) => request.body?.response_format?.json_schema?.schema,
    close: () => server.close(),
  };
}

describeLanguageModel('openai.chat', {
  z,
  harness: async () => {
    const server = await startFakeOpenAI();
    const provider = createOpenAI({ apiKey: 'sk-conformance', baseURL: server.baseURL });
    return openAICompatibleHarness(server, provider('gpt-4o-mini'), {
      routing: { model: 'openai/gpt-4o-mini', env: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-routed' } },
      apiKeyVariable: 'OPENAI_API_KEY',
      capabilities: { imageUrl: 'url', imageBase64: true, jsonSchema: 'native', streamsToolArguments: true, cachedInputTokens: true },
      embedding: {
        model: provider.embedding('text-embedding-3-small'),
        enqueueEmbeddings: (vectors) => server.enqueue(embeddingsResponse(vectors)),
        inputs: (request) => request.body?.input,
      },
    });
  },
});
