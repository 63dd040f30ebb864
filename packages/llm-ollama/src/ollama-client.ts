import { InvalidResponseDataError } from '@mastra-ts/core';
import { Ollama } from 'ollama';

/** An `ollama` client for one call: its fetch honours the call's abort signal and records response headers. */
export interface OllamaCallClient {
  client: Ollama;
  responseHeaders: () => Record<string, string> | undefined;
}

/** Creates a per-call client (cheap: the constructor only stores its config). */
export function createOllamaCallClient(settings: {
  host: string;
  headers: Record<string, string> | undefined;
  fetch: typeof globalThis.fetch | undefined;
  abortSignal: AbortSignal | undefined;
  callHeaders: Record<string, string | undefined> | undefined;
}): OllamaCallClient {
  const baseFetch = settings.fetch ?? globalThis.fetch;
  let lastHeaders: Headers | undefined;
  let lastRecord: Record<string, string> | undefined;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const signals = [init?.signal, settings.abortSignal].filter((signal): signal is AbortSignal => signal != null);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = await baseFetch(input, signal ? { ...init, signal } : init);
    lastHeaders = response.headers;
    lastRecord = undefined;
    if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('ndjson')) return response;
    // shadow the body instead of building a new Response + ReadableStream: that costs ~100 µs per stream
    Object.defineProperty(response, 'body', { value: validateNdjson(response.body), configurable: true });
    return response;
  };
  const headers: Record<string, string> = { ...settings.headers };
  for (const [key, value] of Object.entries(settings.callHeaders ?? {})) if (value !== undefined) headers[key] = value;
  return {
    client: new Ollama({ host: settings.host, fetch, ...(Object.keys(headers).length > 0 ? { headers } : {}) }),
    // converted on demand: iterating fetch Headers costs tens of µs per call
    responseHeaders: () => {
      if (!lastHeaders) return undefined;
      if (!lastRecord) {
        const record: Record<string, string> = {};
        lastHeaders.forEach((value, key) => {
          record[key.toLowerCase()] = value;
        });
        lastRecord = record;
      }
      return lastRecord;
    },
  };
}

type ChunkReader = { read(): Promise<ReadableStreamReadResult<Uint8Array>>; releaseLock(): void; cancel(reason?: unknown): Promise<void> };

/**
 * A view of `body` whose reader errors on a line that is not JSON (the client would skip such a line with
 * a console warning). It offers what the `ollama` client reads a body with: `getReader()` and async iteration.
 */
function validateNdjson(body: ReadableStream<Uint8Array>): { getReader(): ChunkReader; [Symbol.asyncIterator](): AsyncIterator<Uint8Array> } {
  const decoder = new TextDecoder();
  let buffer = '';
  let pending: InvalidResponseDataError | undefined;
  const invalid = (line: string): InvalidResponseDataError | undefined => {
    if (line.trim().length === 0) return undefined;
    try {
      JSON.parse(line);
      return undefined;
    } catch (cause) {
      return new InvalidResponseDataError({ data: line, message: `Ollama sent a stream line that is not valid JSON: ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`, cause });
    }
  };
  // hands out the valid lines before a malformed one, then fails on the next read
  const inspect = (result: ReadableStreamReadResult<Uint8Array>): ReadableStreamReadResult<Uint8Array> => {
    if (result.done) {
      const error = invalid(buffer + decoder.decode());
      buffer = '';
      if (error) throw error;
      return result;
    }
    const carried = buffer.length;
    buffer += decoder.decode(result.value, { stream: true });
    let start = 0;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n', start)) {
      const error = invalid(buffer.slice(start, end));
      if (error) {
        const validInChunk = start - carried;
        if (validInChunk <= 0) throw error;
        pending = error;
        return { done: false, value: new TextEncoder().encode(buffer.slice(carried, start)) };
      }
      start = end + 1;
    }
    buffer = buffer.slice(start);
    return result;
  };
  const getReader = (): ChunkReader => {
    const reader = body.getReader();
    return {
      read: async () => {
        if (pending) throw pending;
        return inspect(await reader.read());
      },
      releaseLock: () => reader.releaseLock(),
      cancel: (reason) => reader.cancel(reason),
    };
  };
  return {
    getReader,
    [Symbol.asyncIterator]: () => {
      const reader = getReader();
      return {
        next: async () => {
          const result = await reader.read();
          if (result.done) reader.releaseLock();
          return result.done ? { done: true, value: undefined } : { done: false, value: result.value };
        },
        return: async () => {
          await reader.cancel();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
