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
  let lastHeaders: Record<string, string> | undefined;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const signals = [init?.signal, settings.abortSignal].filter((signal): signal is AbortSignal => signal != null);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = await baseFetch(input, signal ? { ...init, signal } : init);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    lastHeaders = headers;
    if (!response.ok || !response.body || !headers['content-type']?.includes('ndjson')) return response;
    return new Response(response.body.pipeThrough(validateNdjson()), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  const headers: Record<string, string> = { ...settings.headers };
  for (const [key, value] of Object.entries(settings.callHeaders ?? {})) if (value !== undefined) headers[key] = value;
  return {
    client: new Ollama({ host: settings.host, fetch, ...(Object.keys(headers).length > 0 ? { headers } : {}) }),
    responseHeaders: () => lastHeaders,
  };
}

/** Errors the stream on a line that is not JSON (the client would skip it with a console warning). */
function validateNdjson(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let buffer = '';
  const check = (line: string): void => {
    if (line.trim().length === 0) return;
    try {
      JSON.parse(line);
    } catch (cause) {
      throw new InvalidResponseDataError({ data: line, message: `Ollama sent a stream line that is not valid JSON: ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`, cause });
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) check(line);
      controller.enqueue(chunk);
    },
    flush() {
      check(buffer + decoder.decode());
    },
  });
}
