/** A recorded response for `createFixtureFetch`. */
export interface FixtureResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string body, or chunks written one by one (for SSE / NDJSON). */
  body: string | string[];
}

/**
 * A `fetch` that answers from fixtures instead of the network, in order, and records each request.
 * Useful for provider unit tests that do not need a full fake server.
 */
export function createFixtureFetch(responses: FixtureResponse[]): typeof fetch & { requests: Array<{ url: string; init: RequestInit | undefined; body: unknown }> } {
  const requests: Array<{ url: string; init: RequestInit | undefined; body: unknown }> = [];
  const fixtureFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let body: unknown = init?.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // keep the raw text
      }
    }
    requests.push({ url, init, body });
    const response = responses[requests.length - 1];
    if (!response) throw new Error(`createFixtureFetch: request #${requests.length} to ${url} has no fixture (${responses.length} given)`);
    const chunks = typeof response.body === 'string' ? [response.body] : response.body;
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    return new Response(stream, { status: response.status ?? 200, headers: response.headers ?? { 'content-type': 'application/json' } });
  };
  return Object.assign(fixtureFetch, { requests }) as typeof fetch & { requests: typeof requests };
}
