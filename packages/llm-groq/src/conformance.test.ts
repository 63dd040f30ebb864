import { describeLanguageModel, type LanguageModelHarness, type ScriptedToolCall, type ScriptedUsage, type WireImage } from '@mastra-ts/conformance';
import {
  cutChatCompletionStream,
  errorResponse,
  groqChatCompletion,
  groqChatCompletionStream,
  malformedChatCompletionStream,
  startFakeGroq,
  type FakeChatAnswer,
  type FakeResponse,
} from '@mastra-ts/fake-providers/groq';
import { z } from 'zod';
import { createGroq } from './index.ts';

/** Renders an answer as SSE (usage in `x_groq`) or JSON, as the request asks. */
const answer = (scripted: FakeChatAnswer): FakeResponse => (request) => (request.body?.stream === true ? groqChatCompletionStream(scripted) : groqChatCompletion(scripted));
/** A streamed Groq answer for the fault scripts (usage in `x_groq`, as Groq sends it). */
const streamed = (text: string[]): FakeChatAnswer => ({ text, usageIn: 'x_groq', reasoningField: 'reasoning' });

const wireUsage = (usage: ScriptedUsage): NonNullable<FakeChatAnswer['usage']> => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  ...(usage.cachedInputTokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cachedInputTokens } }),
});

const toolCalls = (calls: ScriptedToolCall[]): NonNullable<FakeChatAnswer['toolCalls']> =>
  calls.map((call) => ({ id: call.id, name: call.name, arguments: call.inputChunks ?? JSON.stringify(call.input) }));

describeLanguageModel('groq.chat', {
  z,
  harness: async (): Promise<LanguageModelHarness> => {
    const server = await startFakeGroq();
    return {
      model: createGroq({ apiKey: 'gsk-conformance', baseURL: server.baseURL })('llama-3.3-70b-versatile'),
      routing: { model: 'groq/llama-3.3-70b-versatile', env: { GROQ_BASE_URL: server.baseURL, GROQ_API_KEY: 'gsk-routed' } },
      apiKeyVariable: 'GROQ_API_KEY',
      capabilities: { imageUrl: 'url', imageBase64: true, jsonSchema: 'native', streamsToolArguments: true, cachedInputTokens: true },
      enqueueText: (pieces, options = {}) => server.enqueue(answer({ text: pieces, ...(options.usage ? { usage: wireUsage(options.usage) } : {}) })),
      enqueueToolCalls: (calls, options = {}) => server.enqueue(answer({ toolCalls: toolCalls(calls), ...(options.text ? { text: options.text } : {}) })),
      enqueueJson: (value) => server.enqueue(answer({ text: JSON.stringify(value) })),
      enqueueError: (status, options) => server.enqueue(errorResponse(status, { message: options.message }, options.headers)),
      enqueueReset: () => server.enqueue({ type: 'reset' }),
      enqueueNeverStarts: () => server.enqueue({ type: 'hang' }),
      // chunk 0 carries the role; text piece i is chunk i + 1
      enqueueStreamCut: (pieces, afterPieces) => server.enqueue(cutChatCompletionStream(streamed(pieces), afterPieces + 1, 'destroy')),
      enqueueStreamHang: (pieces, afterPieces) => server.enqueue(cutChatCompletionStream(streamed(pieces), afterPieces + 1, 'hang')),
      enqueueMalformedChunk: (pieces, afterPieces) => server.enqueue(malformedChatCompletionStream(streamed(pieces), afterPieces + 1)),
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
  },
});
