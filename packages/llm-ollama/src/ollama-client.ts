import { Ollama } from 'ollama';

/** An `ollama` client for one call: its fetch honours the call's abort signal and records response headers. */
export interface OllamaCallClient {
  client: Ollama;
  responseHeaders: () => Record<string, string> | undefined;
  /** The body of the last HTTP response, unread when the client returned a stream it has not iterated yet. */
  responseBody: () => ReadableStream<Uint8Array> | null | undefined;
}

const formattedHosts = new Map<string, string>();

/** The host as the `ollama` client normalises it (default port, no trailing slash). */
function formattedHost(host: string): string {
  let formatted = formattedHosts.get(host);
  if (formatted === undefined) {
    formatted = (new Ollama({ host }) as unknown as { config: { host: string } }).config.host;
    if (formattedHosts.size < 64) formattedHosts.set(host, formatted);
  }
  return formatted;
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
  let lastBody: ReadableStream<Uint8Array> | null | undefined;
  let lastRecord: Record<string, string> | undefined;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const own = init?.signal ?? undefined;
    const call = settings.abortSignal;
    const response = await baseFetch(input, call ? { ...init, signal: own ? AbortSignal.any([own, call]) : call } : init);
    lastHeaders = response.headers;
    lastRecord = undefined;
    lastBody = response.body;
    return response;
  };
  const headers: Record<string, string> = { ...settings.headers };
  for (const [key, value] of Object.entries(settings.callHeaders ?? {})) if (value !== undefined) headers[key] = value;
  // `proxy: true` skips the constructor's host parsing (a URL parse per call); the parsed host is cached instead
  const client = new Ollama({ proxy: true, fetch, ...(Object.keys(headers).length > 0 ? { headers } : {}) });
  (client as unknown as { config: { host: string } }).config.host = formattedHost(settings.host);
  return {
    client,
    responseBody: () => lastBody,
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
