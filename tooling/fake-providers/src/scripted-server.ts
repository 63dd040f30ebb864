import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the fake server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/messages`. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw request body. */
  rawBody: string;
  /** The JSON-parsed body, or undefined when it was not JSON. */
  body: any;
  /** Resolves when the connection carrying this request closed or the response ended. */
  closed: Promise<void>;
  /** True once the server finished writing its response (false when the client went away first). */
  responseCompleted: boolean;
  /** True when the client closed the connection before the response was complete. */
  clientAborted: boolean;
}

/** What a handler does with the live response. */
export interface ScriptContext {
  request: RecordedRequest;
  response: ServerResponse;
  socket: Socket;
  /** Writes a chunk and resolves once it is flushed to the socket. */
  write(chunk: string): Promise<void>;
  /** Ends the response (marks `responseCompleted`). */
  end(chunk?: string): void;
  /** Destroys the socket without finishing the response (a cut or reset connection). */
  destroy(): void;
  /** Keeps the response open until the client goes away or the server closes. */
  hold(): Promise<void>;
}

/** A scripted reply: runs against the live response. */
export type ScriptedReply = (context: ScriptContext) => Promise<void> | void;

/** A scripted server: a queue of replies and the requests received. */
export interface ScriptedServer<Reply> {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  requests: RecordedRequest[];
  /** Queues replies, served in order, one per request. */
  enqueue(...replies: Reply[]): void;
  /** The reply (or reply factory) used when the queue is empty. */
  setFallback(reply: Reply | ((request: RecordedRequest) => Reply) | undefined): void;
  /** Replies still queued. */
  pending(): number;
  /** Stops the server and destroys open connections. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 (random port) whose replies are scripted per request.
 * `render` turns a provider-level reply description into a script.
 */
export async function startScriptedServer<Reply>(options: {
  render: (reply: Reply, request: RecordedRequest) => ScriptedReply;
  noReply: (request: RecordedRequest) => ScriptedReply;
}): Promise<ScriptedServer<Reply>> {
  const queue: Reply[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let fallback: Reply | ((request: RecordedRequest) => Reply) | undefined;

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const socket = incoming.socket;
    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const request: RecordedRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers,
      rawBody,
      body,
      closed,
      responseCompleted: false,
      clientAborted: false,
    };
    requests.push(request);
    response.on('close', () => {
      if (!request.responseCompleted) request.clientAborted = !response.writableFinished;
      resolveClosed();
    });

    let reply: Reply | undefined = queue.shift();
    if (reply === undefined && fallback !== undefined) {
      reply = typeof fallback === 'function' ? (fallback as (request: RecordedRequest) => Reply)(request) : fallback;
    }
    const script = reply === undefined ? options.noReply(request) : options.render(reply, request);
    const context: ScriptContext = {
      request,
      response,
      socket,
      write: (chunk) =>
        new Promise<void>((resolve) => {
          if (response.destroyed) return resolve();
          response.write(chunk, () => resolve());
        }),
      end: (chunk) => {
        request.responseCompleted = true;
        response.end(chunk);
      },
      destroy: () => {
        socket.destroy();
      },
      hold: () => closed,
    };
    await script(context);
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`fake server failure: ${error instanceof Error ? error.message : String(error)}`);
      } else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setFallback: (reply) => {
      fallback = reply;
    },
    pending: () => queue.length,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Splits `text` into pieces of at most `size` characters (at least one piece). */
export function splitText(text: string, size: number): string[] {
  if (text.length === 0) return [''];
  const pieces: string[] = [];
  for (let index = 0; index < text.length; index += size) pieces.push(text.slice(index, index + size));
  return pieces;
}
