import { describeLanguageModel, type LanguageModelHarness, type WireImage } from '@mastra-ts/conformance';
import { anthropicError, anthropicText, anthropicToolCalls, startFakeAnthropic, type FakeAnthropicUsage } from '@mastra-ts/fake-providers/anthropic';
import { z } from 'zod';
import { createAnthropic } from './index.ts';

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Anthropic reports uncached input apart from cache reads; core's inputTokens includes both. */
const wireUsage = (usage: { inputTokens: number; outputTokens: number; cachedInputTokens?: number }): FakeAnthropicUsage => ({
  input_tokens: usage.inputTokens - (usage.cachedInputTokens ?? 0),
  output_tokens: usage.outputTokens,
  cache_read_input_tokens: usage.cachedInputTokens ?? 0,
});

/** The SSE events of a text message up to (and including) its first `count` text deltas. */
function textEvents(pieces: string[], count: number, model: string): Array<{ event: string; data: unknown }> {
  return [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: { id: 'msg_conformance', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } },
      },
    },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
    ...pieces.slice(0, count).map((text) => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } })),
  ];
}

/** A harness on the fake Messages API; `jsonMode` is how the model asks for JSON (native output format or the `json` tool). */
async function anthropicHarness(modelId: string, jsonMode: 'outputFormat' | 'jsonTool'): Promise<LanguageModelHarness> {
  const server = await startFakeAnthropic();
  return {
    model: createAnthropic({ apiKey: 'sk-ant-conformance', baseURL: server.baseURL })(modelId),
    routing: { model: `anthropic/${modelId}`, env: { ANTHROPIC_BASE_URL: server.baseURL, ANTHROPIC_API_KEY: 'sk-ant-routed' } },
    apiKeyVariable: 'ANTHROPIC_API_KEY',
    capabilities: { imageUrl: 'url', imageBase64: true, jsonSchema: 'native', streamsToolArguments: true, cachedInputTokens: true },
    enqueueText: (pieces, options = {}) => server.enqueue(anthropicText(pieces, options.usage ? { usage: wireUsage(options.usage) } : {})),
    enqueueToolCalls: (calls, options = {}) =>
      server.enqueue(anthropicToolCalls(calls.map((call) => ({ id: call.id, name: call.name, input: call.input, ...(call.inputChunks ? { inputChunks: call.inputChunks } : {}) })), options.text ? { text: options.text } : {})),
    enqueueJson: (value) =>
      server.enqueue(jsonMode === 'outputFormat' ? anthropicText(JSON.stringify(value)) : anthropicToolCalls([{ name: 'json', input: value as Record<string, unknown> }])),
    enqueueError: (status, options) => server.enqueue(anthropicError(status, errorTypes[status] ?? 'api_error', options.message, options.headers)),
    enqueueReset: () => server.enqueue({ kind: 'reset' }),
    enqueueNeverStarts: () => server.enqueue({ kind: 'hang' }),
    // message_start, ping and content_block_start come before the first text delta
    enqueueStreamCut: (pieces, afterPieces) => server.enqueue(anthropicText(pieces, { cutAfterEvents: 3 + afterPieces })),
    enqueueStreamHang: (pieces, afterPieces) => server.enqueue(anthropicText(pieces, { holdAfterEvents: 3 + afterPieces })),
    enqueueMalformedChunk: (pieces, afterPieces) =>
      server.enqueue({
        kind: 'sse',
        events: [...textEvents(pieces, afterPieces, modelId), { raw: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"oops"\n\n' }],
        end: 'complete',
      }),
    requests: () =>
      server.requests.map((request) => ({
        path: request.path,
        headers: request.headers,
        rawBody: request.rawBody,
        body: request.body,
        closed: request.closed.then(() => ({ completed: request.responseCompleted })),
      })),
    toolDefinitions: (request) => (request.body?.tools ?? []).map((tool: any) => ({ name: tool.name, inputSchema: tool.input_schema })),
    images: (request) =>
      (request.body?.messages ?? [])
        .flatMap((message: any) => (Array.isArray(message.content) ? message.content : []))
        .filter((part: any) => part.type === 'image')
        .map((part: any): WireImage => (part.source.type === 'url' ? { url: part.source.url } : { base64: part.source.data, mediaType: part.source.media_type })),
    jsonSchema: (request) => request.body?.output_config?.format?.schema ?? request.body?.tools?.find((tool: any) => tool.name === 'json')?.input_schema,
    close: () => server.close(),
  };
}

describeLanguageModel('anthropic.messages (native structured output)', { z, harness: () => anthropicHarness('claude-haiku-4-5', 'outputFormat') });

describeLanguageModel('anthropic.messages (JSON through the json tool)', { z, harness: () => anthropicHarness('claude-3-5-haiku-latest', 'jsonTool') });
