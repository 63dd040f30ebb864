/**
 * @module
 * A fake Ollama server (`POST /api/chat`, `POST /api/embed`) on 127.0.0.1 speaking the documented wire
 * format: for `stream: true` (Ollama's default) an NDJSON stream of
 * `{ model, created_at, message: { role, content, thinking?, tool_calls? }, done: false }` objects and a final
 * `done: true` object with `done_reason`, `prompt_eval_count`, `eval_count` and durations; otherwise one JSON
 * object. Errors are `{ error: "…" }` (404 for a model that is not pulled).
 */
import { type RecordedRequest, type ScriptContext, type ScriptedReply, type ScriptedServer, startScriptedServer } from './scripted-server.ts';

export type { RecordedRequest } from './scripted-server.ts';

/** A tool call as Ollama sends it (arguments are an object, never a string). */
export interface FakeOllamaToolCall {
  id?: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** A scripted chat answer; rendered as NDJSON or JSON depending on the request's `stream` flag. */
export interface FakeOllamaChat {
  kind: 'chat';
  /** Content pieces, one NDJSON chunk each. */
  content?: string[];
  /** Thinking pieces, sent before the content (as models with `think: true` do). */
  thinking?: string[];
  /** Tool calls, sent together in one chunk after the content (Ollama does not stream arguments). */
  toolCalls?: FakeOllamaToolCall[];
  model?: string;
  doneReason?: 'stop' | 'length' | 'load' | (string & {});
  promptEvalCount?: number;
  evalCount?: number;
  /** Streaming only: destroy the socket after this many lines. */
  cutAfterLines?: number;
  /** Streaming only: keep the connection open after this many lines. */
  holdAfterLines?: number;
  /** Streaming only: after this many lines send `{ error }` and end. */
  errorAfterLines?: { after: number; message: string };
}

/** Any reply the fake Ollama server can give. */
export type FakeOllamaReply =
  | FakeOllamaChat
  | { kind: 'embed'; embeddings: number[][]; model?: string; promptEvalCount?: number }
  | { kind: 'error'; status: number; message: string; headers?: Record<string, string> }
  | { kind: 'json'; status?: number; body: unknown }
  | { kind: 'ndjson'; lines: Array<unknown | { raw: string }>; end?: 'complete' | 'cut' | 'hold' }
  | { kind: 'reset' }
  | { kind: 'hang' };

/** A running fake Ollama server. */
export interface FakeOllama extends Omit<ScriptedServer<FakeOllamaReply>, 'url'> {
  /** The host to pass to the client (`new Ollama({ host })`). */
  baseURL: string;
}

/** Starts a fake Ollama server on 127.0.0.1 with a random port. */
export async function startFakeOllama(): Promise<FakeOllama> {
  const server = await startScriptedServer<FakeOllamaReply>({
    render,
    noReply: (request) => render({ kind: 'error', status: 500, message: `fake-ollama: no reply queued for ${request.method} ${request.path}` }, request),
  });
  const { url, ...rest } = server;
  return { baseURL: url, ...rest };
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };
const createdAt = (): string => new Date(Date.UTC(2026, 0, 1)).toISOString();

function render(reply: FakeOllamaReply, request: RecordedRequest): ScriptedReply {
  const model = typeof request.body?.model === 'string' ? request.body.model : 'llama3.2';
  switch (reply.kind) {
    case 'reset':
      return (context) => context.destroy();
    case 'hang':
      return (context) => context.hold();
    case 'error':
      return (context) => {
        context.response.writeHead(reply.status, { ...jsonHeaders, ...reply.headers });
        context.end(JSON.stringify({ error: reply.message }));
      };
    case 'json':
      return (context) => {
        context.response.writeHead(reply.status ?? 200, jsonHeaders);
        context.end(JSON.stringify(reply.body));
      };
    case 'ndjson':
      return (context) => writeLines(context, reply.lines, reply.end ?? 'complete');
    case 'embed':
      return (context) => {
        context.response.writeHead(200, jsonHeaders);
        context.end(JSON.stringify({ model: reply.model ?? model, embeddings: reply.embeddings, total_duration: 14143917, load_duration: 1019500, prompt_eval_count: reply.promptEvalCount ?? reply.embeddings.length * 4 }));
      };
    case 'chat': {
      const answerModel = reply.model ?? model;
      const base = (): Record<string, unknown> => ({ model: answerModel, created_at: createdAt() });
      const toolCalls = reply.toolCalls?.map((call, index) => ({ ...(call.id ? { id: call.id } : {}), function: { index, name: call.name, arguments: call.arguments } }));
      const final = {
        done: true,
        done_reason: reply.doneReason ?? 'stop',
        total_duration: 4883583458,
        load_duration: 1334875,
        prompt_eval_count: reply.promptEvalCount ?? 26,
        prompt_eval_duration: 342546000,
        eval_count: reply.evalCount ?? 282,
        eval_duration: 4535599000,
      };
      // Ollama streams by default: only an explicit `stream: false` gets one JSON object
      if (request.body?.stream !== false) {
        const lines: unknown[] = [];
        for (const piece of reply.thinking ?? []) lines.push({ ...base(), message: { role: 'assistant', content: '', thinking: piece }, done: false });
        for (const piece of reply.content ?? []) lines.push({ ...base(), message: { role: 'assistant', content: piece }, done: false });
        if (toolCalls) lines.push({ ...base(), message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false });
        lines.push({ ...base(), message: { role: 'assistant', content: '' }, ...final });
        let end: 'complete' | 'cut' | 'hold' = 'complete';
        if (reply.errorAfterLines) lines.splice(reply.errorAfterLines.after, lines.length, { error: reply.errorAfterLines.message });
        else if (reply.cutAfterLines !== undefined) {
          lines.splice(reply.cutAfterLines);
          end = 'cut';
        } else if (reply.holdAfterLines !== undefined) {
          lines.splice(reply.holdAfterLines);
          end = 'hold';
        }
        return (context) => writeLines(context, lines, end);
      }
      const thinking = (reply.thinking ?? []).join('');
      const message = { role: 'assistant', content: (reply.content ?? []).join(''), ...(thinking ? { thinking } : {}), ...(toolCalls ? { tool_calls: toolCalls } : {}) };
      return (context) => {
        context.response.writeHead(200, jsonHeaders);
        context.end(JSON.stringify({ ...base(), message, ...final }));
      };
    }
  }
}

async function writeLines(context: ScriptContext, lines: Array<unknown | { raw: string }>, end: 'complete' | 'cut' | 'hold'): Promise<void> {
  context.response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  context.response.flushHeaders();
  for (const line of lines) {
    if (context.response.destroyed) return;
    const raw = line !== null && typeof line === 'object' && 'raw' in line && typeof line.raw === 'string' ? line.raw : `${JSON.stringify(line)}\n`;
    await context.write(raw);
  }
  if (end === 'cut') context.destroy();
  else if (end === 'hold') await context.hold();
  else context.end();
}

/** A chat answer streamed in the given content pieces. */
export function ollamaText(content: string | string[], options: Omit<FakeOllamaChat, 'kind' | 'content'> = {}): FakeOllamaChat {
  return { kind: 'chat', content: Array.isArray(content) ? content : [content], ...options };
}

/** A chat answer with (parallel) tool calls. */
export function ollamaToolCalls(toolCalls: FakeOllamaToolCall[], options: Omit<FakeOllamaChat, 'kind' | 'toolCalls'> = {}): FakeOllamaChat {
  return { kind: 'chat', toolCalls, ...options };
}

/** `/api/embed` answer. */
export function ollamaEmbeddings(embeddings: number[][]): FakeOllamaReply {
  return { kind: 'embed', embeddings };
}

/** An error body `{ error }` with a status, and optional headers (e.g. `retry-after` from a proxy in front of Ollama). */
export function ollamaError(status: number, message: string, headers?: Record<string, string>): FakeOllamaReply {
  return headers === undefined ? { kind: 'error', status, message } : { kind: 'error', status, message, headers };
}

/** The 404 Ollama returns for a model that was not pulled. */
export function ollamaModelNotFound(model: string): FakeOllamaReply {
  return ollamaError(404, `model "${model}" not found, try pulling it first`);
}
