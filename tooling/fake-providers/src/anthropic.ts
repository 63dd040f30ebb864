/**
 * @module
 * A fake Anthropic Messages API (`POST /v1/messages`) on 127.0.0.1. It answers with the documented wire
 * format: a `message` JSON object, or, when the request has `stream: true`, the SSE sequence
 * `message_start`, `ping`, `content_block_start` / `content_block_delta` / `content_block_stop` per block,
 * `message_delta` (stop reason and cumulative usage) and `message_stop`. Errors use the
 * `{ type: 'error', error: { type, message } }` body, in HTTP responses and as `event: error` in a stream.
 */
import { type RecordedRequest, type ScriptContext, type ScriptedReply, type ScriptedServer, splitText, startScriptedServer } from './scripted-server.ts';

export type { RecordedRequest } from './scripted-server.ts';

/** A content block of a scripted message. Arrays of strings are the exact stream deltas. */
export type FakeAnthropicBlock =
  | { type: 'text'; text: string | string[] }
  | { type: 'thinking'; thinking: string | string[]; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown>; inputChunks?: string[] };

/** Usage of a scripted message (Anthropic field names). */
export interface FakeAnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  /** Sent only when given (newer API versions report thinking tokens here). */
  output_tokens_details?: { thinking_tokens: number };
}

/** A scripted assistant message; rendered as JSON or as SSE depending on the request's `stream` flag. */
export interface FakeAnthropicMessage {
  kind: 'message';
  content: FakeAnthropicBlock[];
  id?: string;
  model?: string;
  stop_reason?: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';
  stop_sequence?: string | null;
  usage?: FakeAnthropicUsage;
  headers?: Record<string, string>;
  /** Streaming only: destroy the socket after this many SSE events (a stream cut mid-way). */
  cutAfterEvents?: number;
  /** Streaming only: after this many events, keep the connection open without writing (for abort tests). */
  holdAfterEvents?: number;
  /** Streaming only: after this many events send `event: error` with this error and end the stream. */
  errorAfterEvents?: { after: number; type: string; message: string };
}

/** Any reply the fake Anthropic server can give. */
export type FakeAnthropicReply =
  | FakeAnthropicMessage
  | { kind: 'error'; status: number; type: string; message: string; headers?: Record<string, string> }
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'sse'; events: Array<{ event: string; data: unknown } | { raw: string }>; end?: 'complete' | 'cut' | 'hold'; headers?: Record<string, string> }
  /** Destroy the connection as soon as the request arrives (ECONNRESET on the client). */
  | { kind: 'reset' }
  /** Never answer (for per-call timeout tests); the connection stays open until the client goes away. */
  | { kind: 'hang' };

/** A running fake Anthropic server. */
export interface FakeAnthropic extends Omit<ScriptedServer<FakeAnthropicReply>, 'url'> {
  /** The base URL to pass to the SDK (`new Anthropic({ baseURL })`): the server root, without `/v1`. */
  baseURL: string;
}

let idCounter = 0;
const nextId = (prefix: string): string => `${prefix}_fake${String(++idCounter).padStart(8, '0')}`;

/** Starts a fake Anthropic Messages API server on 127.0.0.1 with a random port. */
export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const server = await startScriptedServer<FakeAnthropicReply>({ render, noReply });
  const { url, ...rest } = server;
  return { baseURL: url, ...rest };
}

function noReply(request: RecordedRequest): ScriptedReply {
  return render({ kind: 'error', status: 400, type: 'invalid_request_error', message: `fake-anthropic: no reply queued for ${request.method} ${request.path}` }, request);
}

function baseHeaders(extra?: Record<string, string>): Record<string, string> {
  return { 'request-id': nextId('req'), 'anthropic-organization-id': 'fake-org', ...extra };
}

function render(reply: FakeAnthropicReply, request: RecordedRequest): ScriptedReply {
  switch (reply.kind) {
    case 'reset':
      return (context) => context.destroy();
    case 'hang':
      return (context) => context.hold();
    case 'json':
      return (context) => {
        context.response.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...baseHeaders(reply.headers) });
        context.end(JSON.stringify(reply.body));
      };
    case 'error':
      return (context) => {
        context.response.writeHead(reply.status, { 'content-type': 'application/json', 'x-should-retry': String(reply.status === 429 || reply.status >= 500), ...baseHeaders(reply.headers) });
        context.end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message }, request_id: nextId('req') }));
      };
    case 'sse':
      return (context) => writeSse(context, reply.events, reply.end ?? 'complete', reply.headers);
    case 'message': {
      const model = reply.model ?? (typeof request.body?.model === 'string' ? request.body.model : 'claude-sonnet-4-5');
      if (request.body?.stream === true) {
        const events: Array<{ event: string; data: unknown }> = messageEvents(reply, model);
        let end: 'complete' | 'cut' | 'hold' = 'complete';
        let count = events.length;
        if (reply.errorAfterEvents) {
          count = reply.errorAfterEvents.after;
          events.splice(count, events.length, { event: 'error', data: { type: 'error', error: { type: reply.errorAfterEvents.type, message: reply.errorAfterEvents.message } } });
        } else if (reply.cutAfterEvents !== undefined) {
          events.splice(reply.cutAfterEvents);
          end = 'cut';
        } else if (reply.holdAfterEvents !== undefined) {
          events.splice(reply.holdAfterEvents);
          end = 'hold';
        }
        return (context) => writeSse(context, events, end, reply.headers);
      }
      return (context) => {
        context.response.writeHead(200, { 'content-type': 'application/json', ...baseHeaders(reply.headers) });
        context.end(JSON.stringify(messageBody(reply, model)));
      };
    }
  }
}

async function writeSse(context: ScriptContext, events: Array<{ event: string; data: unknown } | { raw: string }>, end: 'complete' | 'cut' | 'hold', headers?: Record<string, string>): Promise<void> {
  context.response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...baseHeaders(headers) });
  context.response.flushHeaders();
  for (const item of events) {
    if (context.response.destroyed) return;
    await context.write('raw' in item ? item.raw : `event: ${item.event}\ndata: ${JSON.stringify(item.data)}\n\n`);
  }
  if (end === 'cut') context.destroy();
  else if (end === 'hold') await context.hold();
  else context.end();
}

const usageOf = (reply: FakeAnthropicMessage): FakeAnthropicUsage => ({
  input_tokens: reply.usage?.input_tokens ?? 12,
  output_tokens: reply.usage?.output_tokens ?? 7,
  cache_creation_input_tokens: reply.usage?.cache_creation_input_tokens ?? 0,
  cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? 0,
  ...(reply.usage?.output_tokens_details ? { output_tokens_details: reply.usage.output_tokens_details } : {}),
});

const joined = (value: string | string[]): string => (Array.isArray(value) ? value.join('') : value);

function messageBody(reply: FakeAnthropicMessage, model: string): Record<string, unknown> {
  return {
    id: reply.id ?? nextId('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content: reply.content.map((block) => {
      switch (block.type) {
        case 'text':
          return { type: 'text', text: joined(block.text) };
        case 'thinking':
          return { type: 'thinking', thinking: joined(block.thinking), signature: block.signature };
        case 'redacted_thinking':
          return block;
        case 'tool_use':
          return { type: 'tool_use', id: block.id ?? nextId('toolu'), name: block.name, input: block.input };
      }
    }),
    stop_reason: reply.stop_reason ?? (reply.content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: reply.stop_sequence ?? null,
    usage: { ...usageOf(reply), service_tier: 'standard' },
  };
}

function messageEvents(reply: FakeAnthropicMessage, model: string): Array<{ event: string; data: unknown }> {
  const body = messageBody(reply, model);
  const usage = usageOf(reply);
  const events: Array<{ event: string; data: unknown }> = [
    {
      event: 'message_start',
      data: { type: 'message_start', message: { ...body, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1, service_tier: 'standard' } } },
    },
    { event: 'ping', data: { type: 'ping' } },
  ];
  const content = body.content as Array<Record<string, unknown>>;
  reply.content.forEach((block, index) => {
    const delta = (payload: Record<string, unknown>): { event: string; data: unknown } => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: payload } });
    switch (block.type) {
      case 'text':
        events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } } });
        for (const piece of Array.isArray(block.text) ? block.text : splitText(block.text, 16)) events.push(delta({ type: 'text_delta', text: piece }));
        break;
      case 'thinking':
        events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } } });
        for (const piece of Array.isArray(block.thinking) ? block.thinking : splitText(block.thinking, 16)) events.push(delta({ type: 'thinking_delta', thinking: piece }));
        events.push(delta({ type: 'signature_delta', signature: block.signature }));
        break;
      case 'redacted_thinking':
        events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: block } });
        break;
      case 'tool_use': {
        const id = content[index]!.id as string;
        events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name: block.name, input: {} } } });
        const json = JSON.stringify(block.input);
        const pieces = block.inputChunks ?? ['', ...splitText(json, Math.max(1, Math.ceil(json.length / 3)))];
        for (const piece of pieces) events.push(delta({ type: 'input_json_delta', partial_json: piece }));
        break;
      }
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push(
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: body.stop_reason, stop_sequence: body.stop_sequence }, usage },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  );
  return events;
}

/** A message with one text block (streamed in the given pieces when `text` is an array). */
export function anthropicText(text: string | string[], options: Omit<FakeAnthropicMessage, 'kind' | 'content'> = {}): FakeAnthropicMessage {
  return { kind: 'message', content: [{ type: 'text', text }], ...options };
}

/** A message with thinking (and its signature) followed by text. */
export function anthropicThinking(thinking: string | string[], signature: string, text: string | string[], options: Omit<FakeAnthropicMessage, 'kind' | 'content'> = {}): FakeAnthropicMessage {
  return { kind: 'message', content: [{ type: 'thinking', thinking, signature }, { type: 'text', text }], ...options };
}

/** A message with one or more (parallel) tool calls, optionally preceded by text; stop reason `tool_use`. */
export function anthropicToolCalls(
  calls: Array<{ id?: string; name: string; input: Record<string, unknown>; inputChunks?: string[] }>,
  options: Omit<FakeAnthropicMessage, 'kind' | 'content'> & { text?: string | string[] } = {},
): FakeAnthropicMessage {
  const { text, ...rest } = options;
  const content: FakeAnthropicBlock[] = text === undefined ? [] : [{ type: 'text', text }];
  for (const call of calls) content.push({ type: 'tool_use', ...call });
  return { kind: 'message', content, stop_reason: 'tool_use', ...rest };
}

/** An HTTP error with the Anthropic error body. */
export function anthropicError(status: number, type: string, message: string, headers?: Record<string, string>): FakeAnthropicReply {
  return { kind: 'error', status, type, message, ...(headers ? { headers } : {}) };
}

/** 429 `rate_limit_error` with a `retry-after` header (seconds). */
export function anthropicRateLimited(retryAfterSeconds: number): FakeAnthropicReply {
  return anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': String(retryAfterSeconds) });
}

/** 529 `overloaded_error`. */
export function anthropicOverloaded(): FakeAnthropicReply {
  return anthropicError(529, 'overloaded_error', 'Overloaded');
}
