import { STATUS_CODES } from 'node:http';
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { BufferedResponse } from './buffered-response.ts';

/**
 * The SDK client's default `fetch`: the request goes through undici's `request()` instead of the WHATWG `fetch`, which
 * is the same HTTP client (undici is what Node's `fetch` runs on) without the web-streams and `Request` layers around
 * every request and response. On loopback a small JSON round trip by `request()` took a quarter to a third of the time
 * `fetch` took; through the SDK, `doEmbed` takes about a fifth less time per call (the package bench,
 * `--only=transport`), and an embedding call sits on every recalled agent call.
 *
 * It keeps what the SDK relies on from `fetch`: it resolves with a real `Response` (a JSON body read whole and read
 * back without a web stream, see `BufferedResponse`; any other body streamed, so SSE still arrives event by event),
 * rejects with the signal's reason on abort, and with `TypeError('fetch failed', { cause })` on a network error. It
 * asks for `accept-encoding: identity` (JSON and SSE are small, and decoding costs more CPU than the bytes it saves
 * on a fast link) and still decodes a gzip, deflate or brotli body sent anyway. It sends through the global
 * dispatcher (`setGlobalDispatcher` from undici, a `MockAgent` or a `ProxyAgent` work as with `fetch`) or the
 * request's own `dispatcher` (the SDK's `fetchOptions: { dispatcher }`).
 *
 * A redirect is handed to `globalThis.fetch`: the request is sent again through it, and it follows the redirect with
 * its own rules (a redirect interceptor would cost every request about 17 µs; an API endpoint that redirects is rare).
 * Anything else goes to `globalThis.fetch` unchanged too: a `Request` object as input, a body that is not a string or
 * bytes (form data, streams, blobs: the SDK's uploads), `redirect: 'manual' | 'error'`, a request that sets its own
 * `accept-encoding` (it expects `fetch`'s decoding), and every request when `NODE_USE_ENV_PROXY` is set (Node's
 * `fetch` then routes through the environment's proxy).
 */
export const requestFetch: typeof globalThis.fetch = async (input, init) => {
  const body = init?.body;
  if (
    (typeof input !== 'string' && !(input instanceof URL)) ||
    (body != null && typeof body !== 'string' && !(body instanceof Uint8Array) && !(body instanceof ArrayBuffer)) ||
    (init?.redirect !== undefined && init.redirect !== 'follow') ||
    process.env['NODE_USE_ENV_PROXY']
  ) {
    return globalThis.fetch(input, init);
  }
  const requestHeaders = toHeaderRecord(init?.headers);
  if (requestHeaders['accept-encoding'] !== undefined) return globalThis.fetch(input, init);
  requestHeaders['accept-encoding'] = 'identity';
  const undici = await (loading ??= loadUndici());
  const signal = init?.signal ?? undefined;
  const url = String(input);
  const method = (init?.method ?? 'GET').toUpperCase();
  let response: Dispatcher.ResponseData;
  try {
    response = await undici.request(url, {
      method: method as Dispatcher.HttpMethod,
      headers: requestHeaders,
      body: body instanceof ArrayBuffer ? new Uint8Array(body) : (body ?? null),
      ...(signal ? { signal } : {}),
      dispatcher: (init as { dispatcher?: Dispatcher } | undefined)?.dispatcher ?? undici.getGlobalDispatcher(),
    });
  } catch (error) {
    throw failed(error, signal);
  }
  if (redirectStatus.has(response.statusCode) && response.headers['location'] !== undefined) {
    await response.body.dump();
    return globalThis.fetch(input, init);
  }
  const headers: Array<[string, string]> = [];
  // as with `fetch`, the headers are the ones received (a decoded body keeps its `content-encoding` header)
  for (const [name, value] of Object.entries(response.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.push([name, item]);
    else if (value !== undefined) headers.push([name, value]);
  }
  const encoding = response.headers['content-encoding'];
  const decoder = typeof encoding === 'string' ? decoderFor(encoding) : undefined;
  const responseInit = { status: response.statusCode, statusText: STATUS_CODES[response.statusCode] ?? '', headers };
  let result: Response;
  if (method === 'HEAD' || nullBodyStatus.has(response.statusCode)) {
    await response.body.dump();
    result = new Response(null, responseInit);
  } else if (decoder === undefined && isJson(response.headers['content-type'])) {
    let bytes: Uint8Array;
    try {
      bytes = await response.body.bytes();
    } catch (error) {
      throw failed(error, signal);
    }
    // read through no stream (see BufferedResponse); it knows its URL
    return new BufferedResponse(bytes as Uint8Array<ArrayBuffer>, responseInit, url);
  } else {
    // a failure on either side destroys both, and the web stream errors with it
    const source: Readable = decoder ? (pipeline(response.body, decoder(), () => undefined) as unknown as Readable) : response.body;
    result = new Response(webStreamOf(source), responseInit);
  }
  // `fetch`'s response knows its URL (the SDK puts it in its errors); a constructed one does not
  Object.defineProperty(result, 'url', { value: url });
  return result;
};

/**
 * A web stream over a Node readable, pulled with `read()`. Cancelling it destroys the source at once, also while a pull
 * waits for data, and drops what the source still holds. (`Readable.toWeb` pushes chunks from `data` events, and one
 * the source emits after a cancel throws "Controller is already closed" uncaught; a stream over the source's async
 * iterator cannot cancel while its read waits, so an answer that hangs would never be closed.) A source that closes
 * without ending or failing errors the stream, as a cut connection does in `fetch`.
 */
function webStreamOf(source: Readable): ReadableStream<Uint8Array> {
  let settled = false;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  source.on('readable', notify);
  source.on('end', () => {
    ended = true;
    notify();
  });
  source.on('error', (error) => {
    failure ??= { error };
    notify();
  });
  source.on('close', () => {
    if (!ended) failure ??= { error: Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }) };
    notify();
  });
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (settled) return;
        const chunk = source.read() as Buffer | null;
        if (chunk !== null) {
          // copied out of the source's buffer, which may be a slice of a shared pool
          controller.enqueue(new Uint8Array(chunk));
          return;
        }
        if (failure !== undefined) {
          settled = true;
          controller.error(failure.error);
          return;
        }
        if (ended) {
          settled = true;
          controller.close();
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    cancel() {
      settled = true;
      notify();
      source.destroy();
    },
  });
}

const nullBodyStatus = new Set([101, 103, 204, 205, 304]);
const redirectStatus = new Set([301, 302, 303, 307, 308]);

/** What decodes a content coding `fetch` decodes (undefined for `identity` and codings it leaves alone). */
function decoderFor(coding: string): (() => NodeJS.ReadWriteStream) | undefined {
  switch (coding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip;
    case 'deflate':
      return createInflate;
    case 'br':
      return createBrotliDecompress;
    default:
      return undefined;
  }
}

function isJson(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  if (value === undefined) return false;
  const type = value.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

/** What `fetch` rejects with: the signal's reason when aborted, else a `TypeError` whose cause is undici's error. */
function failed(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  return new TypeError('fetch failed', { cause: error });
}

/** The request's headers by lower-case name, repeated names joined as `Headers` joins them. */
function toHeaderRecord(headers: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  if (headers === undefined) return record;
  // a Headers object of any copy of undici, or pairs; otherwise a plain record
  const pairs: Iterable<[string, string]> =
    Symbol.iterator in headers ? (headers as Iterable<[string, string]>) : Object.entries(headers as Record<string, string>);
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    record[key] = record[key] === undefined ? value : `${record[key]}, ${value}`;
  }
  return record;
}

interface LoadedUndici {
  request: typeof import('undici').request;
  getGlobalDispatcher: typeof import('undici').getGlobalDispatcher;
}

let loading: Promise<LoadedUndici> | undefined;

/**
 * undici is loaded on the first request (not when the provider is imported), like `fetch`'s own copy. Loading it
 * installs its own `Agent` as the global dispatcher when there is none yet; here there always is one, Node's: the SDK
 * builds every request with `Headers` first, which loads Node's copy, and that installs Node's `Agent`. So the
 * process's `fetch` keeps its dispatcher, and requests here go through it too (a test checks this on the built
 * package), unless one was set with `setGlobalDispatcher`.
 */
async function loadUndici(): Promise<LoadedUndici> {
  const { getGlobalDispatcher, request } = await import('undici');
  return { request, getGlobalDispatcher };
}
