import { Ollama } from 'ollama';

/** An `ollama` client for one call: its fetch honours the call's abort signal and records the response. */
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

const ignore = (): void => undefined;

/** Creates a per-call client (cheap: the constructor only stores its config). */
export function createOllamaCallClient(settings: {
  host: string;
  headers: Record<string, string> | undefined;
  fetch: typeof globalThis.fetch | undefined;
  abortSignal: AbortSignal | undefined;
  callHeaders: Record<string, string | undefined> | undefined;
}): OllamaCallClient {
  const baseFetch = settings.fetch ?? globalThis.fetch;
  const call = settings.abortSignal;
  let last: Response | undefined;
  let lastRecord: Record<string, string> | undefined;
  const record = (response: Response): void => {
    last = response;
    lastRecord = undefined;
  };
  // not an async wrapper: the client awaits fetch's own promise (an extra await here costs ~10 µs a call);
  // the response is recorded by a reaction registered before the client's, so it is set when the client continues
  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const own = init?.signal ?? undefined;
    const promise = baseFetch(input, call ? { ...init, signal: own ? AbortSignal.any([own, call]) : call } : init);
    promise.then(record, ignore);
    return promise;
  };
  let headers = settings.headers;
  if (settings.callHeaders !== undefined) {
    headers = { ...settings.headers };
    for (const key in settings.callHeaders) {
      const value = settings.callHeaders[key];
      if (value !== undefined) headers[key] = value;
    }
  }
  // `proxy: true` skips the constructor's host parsing (a URL parse per call); the parsed host is cached instead
  const client = new Ollama({ proxy: true, fetch, headers });
  (client as unknown as { config: { host: string } }).config.host = formattedHost(settings.host);
  return {
    client,
    responseBody: () => last?.body,
    // converted on demand: iterating fetch Headers costs tens of µs per call
    responseHeaders: () => {
      if (!last) return undefined;
      if (!lastRecord) {
        const converted: Record<string, string> = {};
        last.headers.forEach((value, key) => {
          converted[key.toLowerCase()] = value;
        });
        lastRecord = converted;
      }
      return lastRecord;
    },
  };
}
