import { MastraClient } from '@mastra/client-js';
import type { Mastra } from '@mastra-ts/core';
import { createServer, type MastraServer, type ServerOptions } from '../create-server.ts';

/** A server on a random 127.0.0.1 port with a `@mastra/client-js` client pointed at it. */
export interface TestServer {
  server: MastraServer;
  url: string;
  client: MastraClient;
  close(): Promise<void>;
}

/** Starts `createServer(mastra)` on port 0. */
export async function startTestServer(mastra: Mastra, options: ServerOptions = {}, clientHeaders?: Record<string, string>): Promise<TestServer> {
  const server = createServer(mastra, { port: 0, host: '127.0.0.1', auth: false, shutdownGraceMs: 1000, ...options });
  const { url } = await server.listen();
  const client = new MastraClient({ baseUrl: url, retries: 0, ...(clientHeaders ? { headers: clientHeaders } : {}) });
  return { server, url, client, close: () => server.close() };
}

/** A promise with its resolver, for gating mock streams. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Resolves when `signal` aborts. */
export function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
