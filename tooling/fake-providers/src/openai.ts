/**
 * @module
 * A fake OpenAI-compatible server on 127.0.0.1 for tests: the Chat Completions API (JSON and SSE
 * `chat.completion.chunk` streams ending in `data: [DONE]`) and the Embeddings API, with scripted
 * faults (error bodies, 429 with `retry-after`, 5xx, reset connections, streams cut in the middle,
 * malformed JSON, responses that never start). Responses are served from a FIFO queue; every
 * request is recorded.
 *
 * @example
 * const server = await startFakeOpenAI();
 * server.enqueue(chatCompletion({ text: 'Hello!' }));
 * const client = new OpenAI({ apiKey: 'test', baseURL: server.baseURL });
 * await server.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the fake server received. */
export interface FakeRequest {
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body text. */
  rawBody: string;
  /** The parsed JSON body, or undefined when it was not JSON. */
  body: any;
  /**
   * Resolves when the connection serving this request closes: `completed` is true when the
   * response was fully written, false when the client went away first (an aborted request).
   */
  closed: Promise<{ completed: boolean }>;
}

/** One SSE event: an object (sent as `data: <json>`), a string (sent as `data: <string>`), or raw bytes. */
export type FakeSSEEvent = object | string | { raw: string };

/** A scripted response. A function is called with the request and returns the response to send. */
export type FakeResponse =
  | { type: 'json'; status?: number; headers?: Record<string, string>; body: unknown }
  | { type: 'raw'; status: number; headers?: Record<string, string>; body: string }
  | {
      type: 'sse';
      status?: number;
      headers?: Record<string, string>;
      events: FakeSSEEvent[];
      /** Send `data: [DONE]` after the events (default true). */
      done?: boolean;
      /**
       * How the response ends: `end` (default) finishes it, `destroy` cuts the connection without
       * finishing the chunked body, `hang` keeps it open until the client closes it.
       */
      ending?: 'end' | 'destroy' | 'hang';
    }
  /** Destroys the connection without answering. */
  | { type: 'reset' }
  /** Never answers (until the client gives up). */
  | { type: 'hang' }
  | ((request: FakeRequest) => FakeResponse);

/** Options of `startFakeOpenAI`. */
export interface FakeOpenAIOptions {
  /** Answers requests when the queue is empty (default: a 500 error saying nothing was queued). */
  fallback?: FakeResponse;
  /** Path prefix of `baseURL` (default `/v1`; Groq's SDK adds `/openai/v1` itself, so use `''` for it). */
  basePath?: string;
  /**
   * Keep every request in `requests` (default `true`). A benchmark serving thousands of requests passes `false` and
   * counts them with `onRequest`: the record (headers, bodies, a promise each) grows the heap of the process it
   * measures.
   */
  record?: boolean;
  /** Called with each request as it is received (recorded or not), before it is answered. */
  onRequest?: (request: FakeRequest) => void;
}

/** A running fake server. */
export interface FakeOpenAIServer {
  /** `http://127.0.0.1:<port>/v1`: pass it as the SDK's `baseURL`. */
  baseURL: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Every request received, in order (none with `record: false`). */
  requests: FakeRequest[];
  /** Queues responses, served in order to the next requests. */
  enqueue(...responses: FakeResponse[]): void;
  /** Responses still queued. */
  readonly pending: number;
  /** Replaces the response used when the queue is empty. */
  setFallback(response: FakeResponse | undefined): void;
  /** Stops the server and destroys open connections. */
  close(): Promise<void>;
}

/** Starts a fake OpenAI server on 127.0.0.1 on a random port. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  const queue: FakeResponse[] = [];
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  let fallback = options.fallback;

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const closed = new Promise<{ completed: boolean }>((resolve) => {
        response.once('close', () => resolve({ completed: response.writableFinished }));
      });
      const request: FakeRequest = {
        method: incoming.method ?? 'GET',
        path: (incoming.url ?? '/').split('?')[0]!,
        headers: lowerCaseHeaders(incoming),
        rawBody,
        body,
        closed,
      };
      if (options.record !== false) requests.push(request);
      options.onRequest?.(request);
      const scripted = queue.shift() ?? fallback ?? noResponseQueued(request);
      serve(resolveResponse(scripted, request), incoming, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    baseURL: `${origin}${options.basePath ?? '/v1'}`,
    origin,
    requests,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    get pending() {
      return queue.length;
    },
    setFallback: (response) => {
      fallback = response;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function lowerCaseHeaders(incoming: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function resolveResponse(response: FakeResponse, request: FakeRequest): Exclude<FakeResponse, Function> {
  let current = response;
  while (typeof current === 'function') current = current(request);
  return current;
}

function noResponseQueued(request: FakeRequest): FakeResponse {
  return errorResponse(500, {
    message: `fake-openai: no response queued for ${request.method} ${request.path}`,
    type: 'server_error',
  });
}

function serve(response: Exclude<FakeResponse, Function>, incoming: IncomingMessage, out: ServerResponse): void {
  switch (response.type) {
    case 'reset':
      incoming.socket.resetAndDestroy();
      return;
    case 'hang':
      return;
    case 'json':
      out.writeHead(response.status ?? 200, { 'content-type': 'application/json', 'x-request-id': requestId(), ...response.headers });
      out.end(JSON.stringify(response.body));
      return;
    case 'raw':
      out.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
      out.end(response.body);
      return;
    case 'sse': {
      out.writeHead(response.status ?? 200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-request-id': requestId(),
        ...response.headers,
      });
      out.flushHeaders();
      const frames = response.events.map((event) => {
        if (typeof event === 'string') return `data: ${event}\n\n`;
        if (isRaw(event)) return event.raw;
        return `data: ${JSON.stringify(event)}\n\n`;
      });
      if (response.done ?? true) frames.push('data: [DONE]\n\n');
      const ending = response.ending ?? 'end';
      if (ending === 'end') {
        for (const frame of frames) out.write(frame);
        out.end();
      } else if (ending === 'destroy') {
        // destroy only once the frames are flushed, so the client sees them before the cut
        const last = frames.pop();
        for (const frame of frames) out.write(frame);
        if (last === undefined) incoming.socket.destroy();
        else out.write(last, () => incoming.socket.destroy());
      } else {
        for (const frame of frames) out.write(frame);
      }
      return;
    }
  }
}

function isRaw(event: object): event is { raw: string } {
  return 'raw' in event && typeof (event as { raw: unknown }).raw === 'string' && Object.keys(event).length === 1;
}

let counter = 0;
function requestId(): string {
  counter += 1;
  return `req_fake_${counter}`;
}

/** Token usage as the API reports it (`usage` of a completion or of the final stream chunk). */
export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number; accepted_prediction_tokens?: number; rejected_prediction_tokens?: number };
  /** DeepSeek's cache fields. */
  prompt_cache_hit_tokens?: number;
  prompt_cache_miss_tokens?: number;
}

/** A tool call scripted for a response. `arguments` may be split into pieces for streams. */
export interface FakeToolCall {
  id: string;
  name: string;
  /** The JSON text of the arguments, or its pieces (streamed one delta per piece). */
  arguments: string | string[];
}

/** What a scripted chat answer contains. */
export interface FakeChatAnswer {
  /** Text (a string, or its pieces for streams). */
  text?: string | string[];
  /** Reasoning text in `reasoning_content` (DeepSeek) or `reasoning` (Groq), see `reasoningField`. */
  reasoning?: string | string[];
  reasoningField?: 'reasoning_content' | 'reasoning';
  toolCalls?: FakeToolCall[];
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call' | (string & {});
  usage?: FakeUsage;
  /** Defaults to the request's model. */
  model?: string;
  id?: string;
  created?: number;
  /** Refusal text (OpenAI structured outputs); streamed as one `delta.refusal` per piece. */
  refusal?: string | string[];
  /** Where a streamed answer reports usage: OpenAI's `usage` chunk (when requested) or Groq's `x_groq.usage`. */
  usageIn?: 'openai' | 'x_groq';
}

const defaultUsage: FakeUsage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join('') : value;
}

function pieces(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function withTotal(usage: FakeUsage): FakeUsage {
  return { ...usage, total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens };
}

/** A non-streamed `chat.completion` answer, as `POST /chat/completions` returns it. */
export function chatCompletion(answer: FakeChatAnswer = {}): FakeResponse {
  return (request) => {
    const toolCalls = answer.toolCalls ?? [];
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: joined(answer.text) ?? null,
      refusal: joined(answer.refusal) ?? null,
    };
    const reasoning = joined(answer.reasoning);
    if (reasoning !== undefined) message[answer.reasoningField ?? 'reasoning_content'] = reasoning;
    if (toolCalls.length > 0) {
      message.tool_calls = toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: joined(call.arguments) } }));
    }
    return {
      type: 'json',
      body: {
        id: answer.id ?? 'chatcmpl-fake',
        object: 'chat.completion',
        created: answer.created ?? 1_700_000_000,
        model: answer.model ?? request.body?.model ?? 'gpt-4o-mini',
        choices: [
          {
            index: 0,
            message,
            logprobs: null,
            finish_reason: answer.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
          },
        ],
        usage: withTotal(answer.usage ?? defaultUsage),
        system_fingerprint: 'fp_fake',
      },
    };
  };
}

/** The `chat.completion.chunk` events of a streamed answer, without `[DONE]`. */
export function chatCompletionChunks(answer: FakeChatAnswer, request: FakeRequest | undefined): object[] {
  const base = {
    id: answer.id ?? 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: answer.created ?? 1_700_000_000,
    model: answer.model ?? request?.body?.model ?? 'gpt-4o-mini',
    system_fingerprint: 'fp_fake',
  };
  const includeUsage = request?.body?.stream_options?.include_usage === true;
  const usage = withTotal(answer.usage ?? defaultUsage);
  const nullUsage = includeUsage && answer.usageIn !== 'x_groq' ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): object => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...nullUsage,
  });
  const events: object[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of pieces(answer.reasoning)) events.push(chunk({ [answer.reasoningField ?? 'reasoning_content']: piece }));
  for (const piece of pieces(answer.text)) events.push(chunk({ content: piece }));
  for (const piece of pieces(answer.refusal)) events.push(chunk({ refusal: piece }));
  (answer.toolCalls ?? []).forEach((call, index) => {
    const [first = '', ...rest] = pieces(call.arguments);
    events.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: first } }] }));
    for (const piece of rest) events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  const finishReason = answer.finishReason ?? ((answer.toolCalls ?? []).length > 0 ? 'tool_calls' : 'stop');
  if (answer.usageIn === 'x_groq') {
    events.push({ ...chunk({}, finishReason), x_groq: { id: 'req_groq_fake', usage } });
  } else {
    events.push(chunk({}, finishReason));
    if (includeUsage) events.push({ ...base, choices: [], usage });
  }
  return events;
}

/**
 * A streamed answer: `chat.completion.chunk` events then `data: [DONE]`. Text, reasoning and tool
 * argument pieces become one delta each; tool calls carry `index`, and `id`/`name` only in their first
 * delta. The usage chunk (empty `choices`) is sent only when the request asked for
 * `stream_options.include_usage`, as the API does.
 */
export function chatCompletionStream(answer: FakeChatAnswer = {}, options: { ending?: 'end' | 'destroy' | 'hang'; done?: boolean } = {}): FakeResponse {
  return (request) => ({ type: 'sse', events: chatCompletionChunks(answer, request), ...options });
}

/**
 * A stream cut in the middle: the first `afterChunks` chunks of the answer, then the connection is
 * destroyed (`destroy`, the default), closed cleanly without `[DONE]` (`end`), or left open (`hang`).
 */
export function cutChatCompletionStream(answer: FakeChatAnswer, afterChunks: number, ending: 'end' | 'destroy' | 'hang' = 'destroy'): FakeResponse {
  return (request) => ({ type: 'sse', events: chatCompletionChunks(answer, request).slice(0, afterChunks), done: false, ending });
}

/** A stream whose chunk number `atChunk` is not valid JSON. */
export function malformedChatCompletionStream(answer: FakeChatAnswer, atChunk: number, malformed = '{"id":"chatcmpl-fake","choices":[{"delta":{"content":"oops"'): FakeResponse {
  return (request) => {
    const events: FakeSSEEvent[] = chatCompletionChunks(answer, request);
    events.splice(atChunk, 0, malformed);
    return { type: 'sse', events };
  };
}

/** The API's error body: `{ error: { message, type, param, code } }` with the given status. */
export function errorResponse(
  status: number,
  error: { message: string; type?: string; param?: string | null; code?: string | null },
  headers: Record<string, string> = {},
): FakeResponse {
  return {
    type: 'json',
    status,
    headers,
    body: { error: { message: error.message, type: error.type ?? defaultErrorType(status), param: error.param ?? null, code: error.code ?? null } },
  };
}

function defaultErrorType(status: number): string {
  if (status === 429) return 'requests';
  if (status === 401) return 'invalid_request_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** A 429 with `retry-after` (seconds) and/or `retry-after-ms`, and the rate-limit headers OpenAI sends. */
export function rateLimited(options: { retryAfter?: string; retryAfterMs?: string; message?: string } = {}): FakeResponse {
  const headers: Record<string, string> = { 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1s' };
  if (options.retryAfter !== undefined) headers['retry-after'] = options.retryAfter;
  if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = options.retryAfterMs;
  return errorResponse(429, { message: options.message ?? 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' }, headers);
}

/** An error event inside a 200 stream, as OpenAI-compatible servers send on failure mid-stream. */
export function streamErrorEvent(message: string, type = 'server_error'): object {
  return { error: { message, type, param: null, code: null } };
}

/**
 * A `POST /embeddings` answer (`{ object: 'list', data: [{ object: 'embedding', index, embedding }], model, usage }`).
 * With `encoding_format: 'base64'` each embedding is the base64 of its little-endian float32 bytes, as the API sends it.
 * `vectors` as a function gets the inputs and the request (to answer its `dimensions`, for example).
 */
export function embeddingsResponse(vectors: number[][] | ((input: string[], request: FakeRequest) => number[][]), usage?: { prompt_tokens: number; total_tokens?: number }): FakeResponse {
  return (request) => {
    const input: string[] = Array.isArray(request.body?.input) ? request.body.input : [request.body?.input];
    const data = typeof vectors === 'function' ? vectors(input, request) : vectors;
    const tokens = usage?.prompt_tokens ?? input.length * 3;
    return {
      type: 'json',
      body: {
        object: 'list',
        data: data.map((embedding, index) => ({
          object: 'embedding',
          index,
          embedding: request.body?.encoding_format === 'base64' ? Buffer.from(new Float32Array(embedding).buffer).toString('base64') : embedding,
        })),
        model: request.body?.model ?? 'text-embedding-3-small',
        usage: { prompt_tokens: tokens, total_tokens: usage?.total_tokens ?? tokens },
      },
    };
  };
}
