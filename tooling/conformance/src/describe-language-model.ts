import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortError,
  Agent,
  APICallError,
  InvalidResponseDataError,
  JSONParseError,
  LoadAPIKeyError,
  MastraTsError,
  RetryError,
  createTool,
  type AgentStreamPart,
  type EmbeddingModelV1,
  type AgentStreamResult,
  type LanguageModelV1,
  type LanguageModelV1StreamPart,
  type ModelSettings,
  type Schema,
} from '@mastra-ts/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** One request the provider's fake server received, normalized across fake servers. */
export interface RecordedModelRequest {
  /** Path of the request, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body text. */
  rawBody: string;
  /** The JSON-parsed body. */
  body: any;
  /** Resolves when the connection serving the request closed: `completed` is false when the client went away first. */
  closed: Promise<{ completed: boolean }>;
}

/** A tool call the fake server answers with. */
export interface ScriptedToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** The exact pieces the arguments JSON is streamed in (providers that stream arguments). */
  inputChunks?: string[];
}

/** Usage the fake server reports; the harness translates it to its wire fields so that core sees these numbers. */
export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
  /** Part of `inputTokens` read from the prompt cache. */
  cachedInputTokens?: number;
}

/** An image as the provider put it on the wire. */
export type WireImage = { url: string } | { base64: string; mediaType?: string | undefined };

/** What a provider can do; cases a provider cannot pass by design are skipped with the reason. */
export interface LanguageModelCapabilities {
  /** An image URL is sent as a URL (`url`), downloaded and sent inline (`inline`), or not accepted (`unsupported`). */
  imageUrl: 'url' | 'inline' | 'unsupported';
  /** Base64 (inline) images are accepted. */
  imageBase64: boolean;
  /** A JSON schema is sent natively (`native`: `harness.jsonSchema` returns it) or as instructions (`instructed`). */
  jsonSchema: 'native' | 'instructed';
  /** Tool arguments arrive in several deltas (false when the API sends whole tool calls). */
  streamsToolArguments: boolean;
  /** The API reports cached input tokens. */
  cachedInputTokens: boolean;
}

/**
 * A provider under test, aimed at its fake server. Every `enqueue*` queues one reply for the next request;
 * text, tool and JSON replies are rendered as a stream or as one JSON body, whichever the request asks for.
 */
export interface LanguageModelHarness {
  /** The model, created with the fake server's base URL and a dummy key. */
  model: LanguageModelV1;
  /** A routing string (`openai/gpt-4o-mini`) and the environment that points the default provider at the fake server. */
  routing: { model: string; env: Record<string, string> };
  /** The environment variable of the API key (named in 401 and missing-key errors); undefined when the API has none. */
  apiKeyVariable: string | undefined;
  capabilities: LanguageModelCapabilities;
  /** A text answer: `pieces` are the stream deltas; a non-streamed answer carries their concatenation. */
  enqueueText(pieces: string[], options?: { usage?: ScriptedUsage }): void;
  /** An answer with (parallel) tool calls, optionally preceded by text. */
  enqueueToolCalls(calls: ScriptedToolCall[], options?: { text?: string[] }): void;
  /** A JSON answer to a request with a JSON response format (text, or the provider's JSON tool). */
  enqueueJson(value: unknown): void;
  /** An HTTP error with the API's error body carrying `message`. */
  enqueueError(status: number, options: { message: string; headers?: Record<string, string> }): void;
  /** The connection is reset before any response. */
  enqueueReset(): void;
  /** The server accepts the request and never answers. */
  enqueueNeverStarts(): void;
  /** A streamed text answer whose connection is destroyed after `afterPieces` text deltas. */
  enqueueStreamCut(pieces: string[], afterPieces: number): void;
  /** A streamed text answer that stops writing (connection kept open) after `afterPieces` text deltas. */
  enqueueStreamHang(pieces: string[], afterPieces: number): void;
  /** A streamed text answer with a chunk of malformed JSON after `afterPieces` text deltas. */
  enqueueMalformedChunk(pieces: string[], afterPieces: number): void;
  /** Every request received, in order. */
  requests(): RecordedModelRequest[];
  /** The tools a request offered, with their JSON Schema. */
  toolDefinitions(request: RecordedModelRequest): Array<{ name: string; inputSchema: any }>;
  /** The images in a request's user messages. */
  images(request: RecordedModelRequest): WireImage[];
  /** The JSON Schema a request asked the answer to follow natively (undefined when instructed or absent). */
  jsonSchema(request: RecordedModelRequest): any;
  /** The provider's embedding model on the same fake server, when the API has embeddings. */
  embedding?: EmbeddingHarness;
  /** Stops the fake server. */
  close(): Promise<void>;
}

/** An embedding model aimed at the fake server. */
export interface EmbeddingHarness {
  model: EmbeddingModelV1;
  /** One embeddings answer: a vector per input of the next request. */
  enqueueEmbeddings(vectors: number[][]): void;
  /** The texts a recorded request asked to embed. */
  inputs(request: RecordedModelRequest): string[];
}

/**
 * The subset of zod the suite uses. It is injected (the package under test passes its own `z`) so that tools
 * and schemas are declared exactly as users declare them, without the suite depending on zod.
 */
export interface ZodLike {
  object(shape: any): Schema<any>;
  string(): unknown;
  number(): unknown;
}

/** Options of `describeLanguageModel`. */
export interface LanguageModelConformanceOptions {
  /** The package's zod (`import { z } from 'zod'`). */
  z: ZodLike;
  /** Starts the fake server and builds the harness; called before each case. */
  harness: () => Promise<LanguageModelHarness>;
  /** Cases this provider skips, each with its reason (as in hono's `runTest({ skip })`). */
  skip?: Array<{ reason: string; tests: string[] }>;
}

/** The name of every case, for `skip` lists. */
export const languageModelConformanceCases = [
  'generates text with the system prompt and history',
  'streams text whose concatenation equals the generated text',
  'stream parts follow the spec',
  'runs a tool round trip with a model object',
  'runs a tool round trip with a routing string',
  'raises LoadAPIKeyError naming the variable when the key is missing',
  'executes parallel tool calls and sends every result back',
  'reassembles streamed tool arguments into valid JSON',
  'accepts an image by URL',
  'accepts a base64 image',
  'returns JSON output validated by structuredOutput',
  'streams JSON output validated by structuredOutput',
  'reports usage',
  'abort mid-stream closes the connection',
  '429 with retry-after is retried after that delay',
  '500 and 503 are retried with backoff',
  '503 before a stream starts is retried',
  '400 is not retried and says why',
  '401 is not retried and names the key variable',
  'a reset connection is a retryable APICallError',
  'a response that never starts is cut by the per-call timeout',
  'a stream that never starts is cut by the per-call timeout',
  'a stream cut in the middle fails with a typed error and no retry',
  'malformed JSON in a chunk is a typed error',
  'text streamed before a malformed chunk is delivered',
  'embeds values in order',
  'splits embeddings into batches within the API limit',
] as const;

/** A case name of the language model suite. */
export type LanguageModelConformanceCase = (typeof languageModelConformanceCases)[number];

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const noRetries: ModelSettings = { maxRetries: 0 };
const fastRetries: ModelSettings = { maxRetries: 2, initialDelayMs: 1, jitter: 0 };

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const settle = (promise: PromiseLike<unknown>): Promise<Outcome> =>
  Promise.resolve(promise).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** Polls `condition` between I/O turns (setImmediate is never faked here), without sleeping. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * Records the delay of every `setTimeout` (core's retry sleep among them) until `restore` is called. A plain
 * wrapper rather than `vi.spyOn`: with `restoreMocks`, a spy on a fake timer would put the fake back after the test.
 */
function recordTimerDelays(): { delays: number[]; restore: () => void } {
  const original = globalThis.setTimeout;
  const delays: number[] = [];
  globalThis.setTimeout = ((handler: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => {
    delays.push(delay ?? 0);
    return original(handler, delay, ...args);
  }) as typeof setTimeout;
  return {
    delays,
    restore: () => {
      globalThis.setTimeout = original;
    },
  };
}

async function drain(result: AgentStreamResult<any>): Promise<{ parts: AgentStreamPart[]; deltas: string[]; outcome: Outcome }> {
  const parts: AgentStreamPart[] = [];
  for await (const part of result.fullStream) parts.push(part);
  const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
  return { parts, deltas, outcome: await settle(result.result) };
}

/** Every error a failed stream surfaced: error parts and the rejection of `result`. */
function streamErrors(run: { parts: AgentStreamPart[]; outcome: Outcome }): unknown[] {
  const errors = run.parts.flatMap((part) => (part.type === 'error' ? [part.error] : []));
  if (!run.outcome.ok) errors.push(run.outcome.error);
  return errors;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Serves the PNG on 127.0.0.1, for providers that download image URLs. */
async function startImageServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end(Buffer.from(PNG_BASE64, 'base64'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/cat.png`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The language model conformance suite: every `@mastra-ts/llm-*` provider runs it against its fake server,
 * through core's `Agent` (which owns retries, timeouts and the tool loop), so that every feature and every
 * failure behaves the same on every provider.
 *
 * @example
 * describeLanguageModel('openai.chat', { z, harness: async () => openAIHarness(await startFakeOpenAI()) });
 */
export function describeLanguageModel(name: string, options: LanguageModelConformanceOptions): void {
  const { z } = options;
  const skipReasons = new Map<string, string>();
  for (const entry of options.skip ?? []) for (const test of entry.tests) skipReasons.set(test, entry.reason);

  describe(`LanguageModel conformance: ${name}`, () => {
    let h: LanguageModelHarness;
    beforeEach(async () => {
      h = await options.harness();
    });
    afterEach(async () => {
      vi.useRealTimers();
      await h.close();
    });

    /** Registers a case, skipped when the provider's skip list names it. */
    const test = (title: LanguageModelConformanceCase, fn: () => Promise<void>): void => {
      const reason = skipReasons.get(title);
      if (reason === undefined) it(title, fn);
      else it.skip(`${title} (skipped: ${reason})`, fn);
    };
    /** A case that needs a capability: skipped at run time, with the reason as the skip note, when the provider lacks it. */
    const whenCapable = (title: LanguageModelConformanceCase, missing: (h: LanguageModelHarness) => string | undefined, fn: () => Promise<void>): void => {
      const reason = skipReasons.get(title);
      if (reason !== undefined) {
        it.skip(`${title} (skipped: ${reason})`, fn);
        return;
      }
      it(title, async (context) => {
        const why = missing(h);
        if (why !== undefined) {
          context.skip(why);
          return;
        }
        await fn();
      });
    };

    const request = (index: number): RecordedModelRequest => {
      const received = h.requests()[index];
      if (!received) throw new Error(`the fake server received ${h.requests().length} requests, expected at least ${index + 1}`);
      return received;
    };
    const lastRequestClosed = (): Promise<{ completed: boolean }> => request(h.requests().length - 1).closed;

    const agent = (config: { model?: LanguageModelV1 | string; tools?: Record<string, any>; modelSettings?: ModelSettings } = {}): Agent =>
      new Agent({
        name: 'conformance',
        instructions: 'You are a terse assistant. Reply in one sentence.',
        model: config.model ?? h.model,
        ...(config.tools ? { tools: config.tools } : {}),
        defaultOptions: { modelSettings: config.modelSettings ?? noRetries },
      });

    const weatherCalls: Array<{ city: string; days: number }> = [];
    const weather = createTool({
      id: 'weather',
      description: 'The weather forecast for a city',
      inputSchema: z.object({ city: z.string(), days: z.number() }),
      execute: async (input: { city: string; days: number }) => {
        weatherCalls.push(input);
        return { forecast: `sunny-in-${input.city.toLowerCase()}-xyzzy`, days: input.days };
      },
    });
    beforeEach(() => {
      weatherCalls.length = 0;
    });

    // ---------------------------------------------------------------- features

    test('generates text with the system prompt and history', async () => {
      h.enqueueText(['Hello', ' there', '!']);
      const result = await agent().generate([
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Nice to meet you, Ada.' },
        { role: 'user', content: 'Say hello.' },
      ]);
      expect(result.text).toBe('Hello there!');
      expect(result.finishReason).toBe('stop');
      expect(h.requests()).toHaveLength(1);
      const raw = request(0).rawBody;
      for (const expected of ['You are a terse assistant.', 'My name is Ada.', 'Nice to meet you, Ada.', 'Say hello.']) expect(raw).toContain(expected);
      expect(raw.indexOf('My name is Ada.')).toBeLessThan(raw.indexOf('Nice to meet you, Ada.'));
      expect(raw.indexOf('Nice to meet you, Ada.')).toBeLessThan(raw.indexOf('Say hello.'));
    });

    test('streams text whose concatenation equals the generated text', async () => {
      const pieces = ['The quick', ' brown fox', ' jumps over', ' the lazy dog.'];
      h.enqueueText(pieces);
      h.enqueueText(pieces);
      const generated = await agent().generate('Tell me about the fox.');
      const streamed = await agent().stream('Tell me about the fox.');
      const deltas: string[] = [];
      for await (const delta of streamed.textStream) deltas.push(delta);
      expect(deltas).toEqual(pieces);
      expect(deltas.join('')).toBe(generated.text);
      expect(await streamed.text).toBe(generated.text);
      expect(await streamed.finishReason).toBe('stop');
    });

    test('stream parts follow the spec', async () => {
      h.enqueueText(['one ', 'two ', 'three']);
      const { stream } = await h.model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Count.' }] }] });
      const parts: LanguageModelV1StreamPart[] = [];
      for await (const part of stream) parts.push(part);
      expect(parts[0]?.type).toBe('stream-start');
      expect(parts.at(-1)?.type).toBe('finish');
      expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
      const open = new Set<string>();
      let text = '';
      for (const part of parts) {
        if (part.type === 'text-start') {
          expect(open.has(part.id)).toBe(false);
          open.add(part.id);
        } else if (part.type === 'text-delta') {
          expect(open.has(part.id)).toBe(true);
          text += part.delta;
        } else if (part.type === 'text-end') {
          expect(open.delete(part.id)).toBe(true);
        }
      }
      expect(open.size).toBe(0);
      expect(text).toBe('one two three');
      const finish = parts.at(-1) as Extract<LanguageModelV1StreamPart, { type: 'finish' }>;
      expect(finish.finishReason).toBe('stop');
    });

    const toolRoundTrip = async (model: LanguageModelV1 | string): Promise<void> => {
      h.enqueueToolCalls([{ id: 'call_weather_1', name: 'weather', input: { city: 'Paris', days: 2 } }]);
      h.enqueueText(['It will be sunny in Paris.']);
      const result = await agent({ model, tools: { weather } }).generate('Weather in Paris for two days?');
      expect(result.text).toBe('It will be sunny in Paris.');
      expect(result.steps).toHaveLength(2);
      expect(result.steps[0]!.finishReason).toBe('tool-calls');
      expect(result.steps[0]!.toolCalls.map((call) => [call.toolName, call.input])).toEqual([['weather', { city: 'Paris', days: 2 }]]);
      expect(result.steps[0]!.toolResults[0]).toMatchObject({ toolName: 'weather', isError: false, output: { forecast: 'sunny-in-paris-xyzzy', days: 2 } });
      expect(weatherCalls).toEqual([{ city: 'Paris', days: 2 }]);
      expect(h.requests()).toHaveLength(2);
      const [definition] = h.toolDefinitions(request(0));
      expect(definition?.name).toBe('weather');
      expect(definition?.inputSchema).toMatchObject({ type: 'object', properties: { city: { type: 'string' }, days: { type: 'number' } } });
      // the second call carries the assistant's tool call and the tool's result
      const second = request(1).rawBody;
      expect(second).toContain('sunny-in-paris-xyzzy');
      expect(second).toContain('Paris');
    };

    test('runs a tool round trip with a model object', async () => {
      await toolRoundTrip(h.model);
    });

    test('runs a tool round trip with a routing string', async () => {
      for (const [key, value] of Object.entries(h.routing.env)) vi.stubEnv(key, value);
      await toolRoundTrip(h.routing.model);
      if (h.apiKeyVariable !== undefined) expect(JSON.stringify(request(0).headers)).toContain(h.routing.env[h.apiKeyVariable]!);
    });

    whenCapable(
      'raises LoadAPIKeyError naming the variable when the key is missing',
      (harness) => (harness.apiKeyVariable === undefined ? 'the API has no key' : undefined),
      async () => {
        for (const [key, value] of Object.entries(h.routing.env)) vi.stubEnv(key, value);
        vi.stubEnv(h.apiKeyVariable!, undefined);
        const error = await agent({ model: h.routing.model }).generate('Hi').then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(LoadAPIKeyError.isInstance(error), `expected LoadAPIKeyError, got ${messageOf(error)}`).toBe(true);
        expect(messageOf(error)).toContain(h.apiKeyVariable!);
        expect(h.requests()).toHaveLength(0);
      },
    );

    test('executes parallel tool calls and sends every result back', async () => {
      h.enqueueToolCalls([
        { id: 'call_paris', name: 'weather', input: { city: 'Paris', days: 1 } },
        { id: 'call_rome', name: 'weather', input: { city: 'Rome', days: 3 } },
      ]);
      h.enqueueText(['Sunny in both.']);
      const streamed = await agent({ tools: { weather } }).stream('Weather in Paris and Rome?');
      const run = await drain(streamed);
      expect(run.outcome.ok, run.outcome.ok ? '' : messageOf(run.outcome.error)).toBe(true);
      const calls = run.parts.filter((part) => part.type === 'tool-call');
      expect(calls.map((call) => call.input)).toEqual([
        { city: 'Paris', days: 1 },
        { city: 'Rome', days: 3 },
      ]);
      expect(run.parts.filter((part) => part.type === 'tool-result').map((part) => part.output)).toEqual(
        expect.arrayContaining([
          { forecast: 'sunny-in-paris-xyzzy', days: 1 },
          { forecast: 'sunny-in-rome-xyzzy', days: 3 },
        ]),
      );
      expect([...weatherCalls].sort((a, b) => a.city.localeCompare(b.city))).toEqual([
        { city: 'Paris', days: 1 },
        { city: 'Rome', days: 3 },
      ]);
      expect(await streamed.text).toBe('Sunny in both.');
      const second = request(1).rawBody;
      expect(second).toContain('sunny-in-paris-xyzzy');
      expect(second).toContain('sunny-in-rome-xyzzy');
    });

    test('reassembles streamed tool arguments into valid JSON', async () => {
      const input = { city: 'São Paulo "centro"', days: 4 };
      const json = JSON.stringify(input);
      const inputChunks = [json.slice(0, 3), json.slice(3, 11), json.slice(11, 20), json.slice(20)];
      h.enqueueToolCalls([{ id: 'call_streamed', name: 'weather', input, inputChunks }]);
      const { stream } = await h.model.doStream({
        prompt: [{ role: 'user', content: [{ type: 'text', text: 'Weather?' }] }],
        tools: [{ type: 'function', name: 'weather', inputSchema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'number' } } } }],
      });
      const parts: LanguageModelV1StreamPart[] = [];
      for await (const part of stream) parts.push(part);
      const call = parts.find((part) => part.type === 'tool-call');
      expect(call).toMatchObject({ type: 'tool-call', toolName: 'weather' });
      expect(JSON.parse((call as { input: string }).input)).toEqual(input);
      const deltas = parts.flatMap((part) => (part.type === 'tool-input-delta' ? [part.delta] : []));
      if (h.capabilities.streamsToolArguments) {
        expect(deltas.length).toBeGreaterThan(1);
        expect(JSON.parse(deltas.join(''))).toEqual(input);
      } else if (deltas.length > 0) {
        expect(JSON.parse(deltas.join(''))).toEqual(input);
      }
      expect((parts.at(-1) as { finishReason?: string }).finishReason).toBe('tool-calls');

      // and through the Agent: the parsed input reaches the tool
      h.enqueueToolCalls([{ id: 'call_streamed_2', name: 'weather', input, inputChunks }]);
      h.enqueueText(['Done.']);
      const run = await drain(await agent({ tools: { weather } }).stream('Weather?'));
      expect(run.outcome.ok, run.outcome.ok ? '' : messageOf(run.outcome.error)).toBe(true);
      expect(weatherCalls).toEqual([input]);
    });

    whenCapable(
      'accepts an image by URL',
      (harness) => (harness.capabilities.imageUrl === 'unsupported' ? 'the API does not accept image URLs' : undefined),
      async () => {
        const image = await startImageServer();
        try {
          h.enqueueText(['A tiny cat.']);
          const result = await agent().generate([
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is in this picture?' },
                { type: 'image', image: new URL(image.url), mediaType: 'image/png' },
              ],
            },
          ]);
          expect(result.text).toBe('A tiny cat.');
          const images = h.images(request(0));
          expect(images).toHaveLength(1);
          if (h.capabilities.imageUrl === 'url') expect(images[0]).toEqual({ url: image.url });
          else expect(images[0]).toMatchObject({ base64: PNG_BASE64 });
        } finally {
          await image.close();
        }
      },
    );

    whenCapable(
      'accepts a base64 image',
      (harness) => (harness.capabilities.imageBase64 ? undefined : 'the API does not accept inline images'),
      async () => {
        h.enqueueText(['A tiny cat.']);
        h.enqueueText(['A tiny cat.']);
        await agent().generate([{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', image: PNG_BASE64, mediaType: 'image/png' }] }]);
        await agent().generate([{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', image: Buffer.from(PNG_BASE64, 'base64') }] }]);
        for (const index of [0, 1]) {
          const images = h.images(request(index));
          expect(images).toHaveLength(1);
          expect(images[0]).toMatchObject({ base64: PNG_BASE64 });
          const mediaType = (images[0] as { mediaType?: string }).mediaType;
          if (mediaType !== undefined) expect(mediaType).toBe('image/png');
        }
      },
    );

    const person = z.object({ name: z.string(), age: z.number() });
    const checkJsonRequest = (received: RecordedModelRequest): void => {
      if (h.capabilities.jsonSchema === 'native') {
        expect(h.jsonSchema(received)).toMatchObject({ type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } } });
      } else {
        expect(received.rawBody).toMatch(/JSON/);
        expect(received.rawBody).toContain('age');
      }
    };

    test('returns JSON output validated by structuredOutput', async () => {
      h.enqueueJson({ name: 'Ada', age: 36 });
      const result = await agent().generate('Who wrote the first program?', { structuredOutput: { schema: person } });
      expect(result.object).toEqual({ name: 'Ada', age: 36 });
      expect(h.requests()).toHaveLength(1);
      checkJsonRequest(request(0));
    });

    test('streams JSON output validated by structuredOutput', async () => {
      h.enqueueJson({ name: 'Grace', age: 85 });
      const streamed = await agent().stream('Who wrote the first compiler?', { structuredOutput: { schema: person } });
      const run = await drain(streamed);
      expect(run.outcome.ok, run.outcome.ok ? '' : messageOf(run.outcome.error)).toBe(true);
      expect(await streamed.object).toEqual({ name: 'Grace', age: 85 });
      checkJsonRequest(request(0));
    });

    test('reports usage', async () => {
      const cached = h.capabilities.cachedInputTokens;
      const usage: ScriptedUsage = { inputTokens: 21, outputTokens: 9, ...(cached ? { cachedInputTokens: 8 } : {}) };
      const expected = { inputTokens: 21, outputTokens: 9, totalTokens: 30, ...(cached ? { cachedInputTokens: 8 } : {}) };
      h.enqueueText(['Counted.'], { usage });
      h.enqueueText(['Counted', '.'], { usage });
      const generated = await agent().generate('Count tokens.');
      expect(generated.usage).toMatchObject(expected);
      expect(generated.totalUsage).toMatchObject(expected);
      const streamed = await agent().stream('Count tokens.');
      await drain(streamed);
      expect(await streamed.usage).toMatchObject(expected);
    });

    test('abort mid-stream closes the connection', async () => {
      h.enqueueStreamHang(['Once upon', ' a time', ' there was'], 2);
      const controller = new AbortController();
      const streamed = await agent().stream('Tell me a long story.', { abortSignal: controller.signal });
      const parts: AgentStreamPart[] = [];
      for await (const part of streamed.fullStream) {
        parts.push(part);
        if (part.type === 'text-delta' && part.delta === ' a time') controller.abort();
      }
      expect(parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []))).toEqual(['Once upon', ' a time']);
      expect(parts.at(-1)?.type).toBe('abort');
      const outcome = await settle(streamed.result);
      expect(outcome.ok).toBe(false);
      expect(AbortError.isInstance((outcome as { error: unknown }).error)).toBe(true);
      expect(await lastRequestClosed()).toEqual({ completed: false });
      expect(h.requests()).toHaveLength(1);
    });

    // ---------------------------------------------------------------- faults

    test('429 with retry-after is retried after that delay', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const timers = recordTimerDelays();
      try {
        h.enqueueError(429, { message: 'Rate limit reached for requests', headers: { 'retry-after': '7' } });
        h.enqueueText(['Finally.']);
        // backoff alone would wait 1000 ms: a 7000 ms wait can only come from retry-after
        const pending = settle(agent({ modelSettings: { maxRetries: 2, initialDelayMs: 1000, jitter: 0 } }).generate('Hi'));
        await until(() => timers.delays.includes(7000), 'the retry to be scheduled after 7000 ms');
        expect(h.requests()).toHaveLength(1);
        await vi.advanceTimersByTimeAsync(6999);
        expect(h.requests()).toHaveLength(1);
        await vi.advanceTimersByTimeAsync(1);
        const outcome = await pending;
        expect(outcome.ok, outcome.ok ? '' : messageOf(outcome.error)).toBe(true);
        expect((outcome as { value: { text: string } }).value.text).toBe('Finally.');
        expect(h.requests()).toHaveLength(2);
        expect(request(0).body).toEqual(request(1).body);
      } finally {
        timers.restore();
        vi.useRealTimers();
      }
    });

    test('500 and 503 are retried with backoff', async () => {
      const timers = recordTimerDelays();
      h.enqueueError(500, { message: 'The server had an error while processing your request' });
      h.enqueueError(503, { message: 'The engine is currently overloaded' });
      h.enqueueText(['Recovered.']);
      const result = await agent({ modelSettings: { maxRetries: 2, initialDelayMs: 3, backoffFactor: 5, jitter: 0 } })
        .generate('Hi')
        .finally(timers.restore);
      expect(result.text).toBe('Recovered.');
      expect(h.requests()).toHaveLength(3);
      const delays = timers.delays.filter((delay) => delay === 3 || delay === 15);
      expect(delays).toEqual([3, 15]);

      h.enqueueError(503, { message: 'The engine is currently overloaded' });
      h.enqueueError(503, { message: 'The engine is currently overloaded' });
      const error = await agent({ modelSettings: { maxRetries: 1, initialDelayMs: 1, jitter: 0 } }).generate('Hi').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(RetryError.isInstance(error), messageOf(error)).toBe(true);
      expect((error as RetryError).reason).toBe('maxRetriesExceeded');
      expect((error as RetryError).errors.every((item) => APICallError.isInstance(item) && item.statusCode === 503)).toBe(true);
      expect(h.requests()).toHaveLength(5);
    });

    test('503 before a stream starts is retried', async () => {
      h.enqueueError(503, { message: 'The engine is currently overloaded' });
      h.enqueueText(['Streamed', ' after', ' all.']);
      const streamed = await agent({ modelSettings: fastRetries }).stream('Hi');
      const run = await drain(streamed);
      expect(run.outcome.ok, run.outcome.ok ? '' : messageOf(run.outcome.error)).toBe(true);
      expect(run.deltas).toEqual(['Streamed', ' after', ' all.']);
      expect(run.parts.some((part) => part.type === 'error')).toBe(false);
      expect(h.requests()).toHaveLength(2);
    });

    test('400 is not retried and says why', async () => {
      h.enqueueError(400, { message: "Invalid value for 'temperature': must be at most 2" });
      const error = await agent({ modelSettings: fastRetries }).generate('Hi').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(APICallError.isInstance(error), `expected APICallError, got ${messageOf(error)}`).toBe(true);
      const apiError = error as APICallError;
      expect(apiError.statusCode).toBe(400);
      expect(apiError.isRetryable).toBe(false);
      expect(apiError.message).toContain("Invalid value for 'temperature': must be at most 2");
      expect(h.requests()).toHaveLength(1);
    });

    test('401 is not retried and names the key variable', async () => {
      h.enqueueError(401, { message: 'Incorrect API key provided' });
      const error = await agent({ modelSettings: fastRetries }).generate('Hi').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(APICallError.isInstance(error), `expected APICallError, got ${messageOf(error)}`).toBe(true);
      const apiError = error as APICallError;
      expect(apiError.statusCode).toBe(401);
      expect(apiError.isRetryable).toBe(false);
      expect(apiError.message).toContain('Incorrect API key provided');
      if (h.apiKeyVariable !== undefined) expect(apiError.message).toContain(h.apiKeyVariable);
      expect(h.requests()).toHaveLength(1);
    });

    test('a reset connection is a retryable APICallError', async () => {
      h.enqueueReset();
      const error = await agent().generate('Hi').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(APICallError.isInstance(error), `expected APICallError, got ${messageOf(error)}`).toBe(true);
      expect((error as APICallError).isRetryable).toBe(true);
      expect((error as APICallError).statusCode).toBeUndefined();

      h.enqueueReset();
      h.enqueueText(['Reconnected.']);
      const result = await agent({ modelSettings: fastRetries }).generate('Hi');
      expect(result.text).toBe('Reconnected.');
      expect(h.requests()).toHaveLength(3);

      h.enqueueReset();
      h.enqueueText(['Reconnected', ' again.']);
      const run = await drain(await agent({ modelSettings: fastRetries }).stream('Hi'));
      expect(run.outcome.ok, run.outcome.ok ? '' : messageOf(run.outcome.error)).toBe(true);
      expect(run.deltas.join('')).toBe('Reconnected again.');
      expect(h.requests()).toHaveLength(5);
    });

    const neverStarts = async (mode: 'generate' | 'stream'): Promise<void> => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      h.enqueueNeverStarts();
      const call = mode === 'generate' ? agent().generate('Hi', { modelSettings: { maxRetries: 0, timeoutMs: 5000 } }) : agent().stream('Hi', { modelSettings: { maxRetries: 0, timeoutMs: 5000 } }).then((streamed) => streamed.result);
      const pending = settle(call);
      await until(() => h.requests().length === 1, 'the request to reach the fake server');
      await vi.advanceTimersByTimeAsync(4999);
      let settled = false;
      void pending.then(() => (settled = true));
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const outcome = await pending;
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: unknown }).error;
      expect(AbortError.isInstance(error), `expected AbortError, got ${messageOf(error)}`).toBe(true);
      expect(messageOf(error)).toContain('timed out after 5000 ms');
      expect(await lastRequestClosed()).toEqual({ completed: false });

      // the timeout is retryable: the next attempt answers
      h.enqueueNeverStarts();
      h.enqueueText(['On time.']);
      const retried = mode === 'generate' ? agent().generate('Hi', { modelSettings: { maxRetries: 1, initialDelayMs: 10, jitter: 0, timeoutMs: 5000 } }) : agent().stream('Hi', { modelSettings: { maxRetries: 1, initialDelayMs: 10, jitter: 0, timeoutMs: 5000 } }).then((streamed) => streamed.result);
      const second = settle(retried);
      await until(() => h.requests().length === 2, 'the second request');
      await vi.advanceTimersByTimeAsync(5010);
      const secondOutcome = await second;
      expect(secondOutcome.ok, secondOutcome.ok ? '' : messageOf(secondOutcome.error)).toBe(true);
      expect((secondOutcome as { value: { text: string } }).value.text).toBe('On time.');
      expect(h.requests()).toHaveLength(3);
    };

    test('a response that never starts is cut by the per-call timeout', () => neverStarts('generate'));
    test('a stream that never starts is cut by the per-call timeout', () => neverStarts('stream'));

    test('a stream cut in the middle fails with a typed error and no retry', async () => {
      h.enqueueStreamCut(['Half', ' of', ' the', ' answer'], 2);
      h.enqueueText(['must not be requested']);
      const run = await drain(await agent({ modelSettings: fastRetries }).stream('Hi'));
      expect(run.deltas).toEqual(['Half', ' of']);
      const errors = streamErrors(run);
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) expect(MastraTsError.isInstance(error), `expected a typed error, got ${messageOf(error)}`).toBe(true);
      const finishReason = run.outcome.ok ? (run.outcome.value as { finishReason: string }).finishReason : 'error';
      expect(finishReason).toBe('error');
      expect(h.requests()).toHaveLength(1);
    });

    test('malformed JSON in a chunk is a typed error', async () => {
      const logged = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')];
      h.enqueueMalformedChunk(['Good', ' start'], 1);
      h.enqueueText(['must not be requested']);
      const run = await drain(await agent({ modelSettings: fastRetries }).stream('Hi'));
      // the failure reaches the caller as an error, not as console output from the provider or its SDK
      for (const spy of logged) expect(spy.mock.calls).toEqual([]);
      const errors = streamErrors(run);
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(
          InvalidResponseDataError.isInstance(error) || JSONParseError.isInstance(error) || APICallError.isInstance(error),
          `expected InvalidResponseDataError, JSONParseError or APICallError, got ${messageOf(error)}`,
        ).toBe(true);
      }
      expect(run.deltas).not.toContain(' start');
      expect(h.requests()).toHaveLength(1);
    });

    test('text streamed before a malformed chunk is delivered', async () => {
      h.enqueueMalformedChunk(['Good', ' start'], 1);
      const run = await drain(await agent().stream('Hi'));
      expect(run.deltas).toEqual(['Good']);
      expect(streamErrors(run).length).toBeGreaterThan(0);
    });

    // ---------------------------------------------------------------- embeddings

    const noEmbeddings = (harness: LanguageModelHarness): string | undefined => (harness.embedding ? undefined : 'the API has no embeddings');

    whenCapable('embeds values in order', noEmbeddings, async () => {
      const embedding = h.embedding!;
      const vectors = [
        [0.1, 0.2, 0.3],
        [0.4, 0.5, 0.6],
        [-0.7, 0.8, -0.9],
      ];
      embedding.enqueueEmbeddings(vectors);
      const result = await embedding.model.doEmbed({ values: ['first', 'second', 'third'] });
      expect(result.embeddings).toHaveLength(3);
      result.embeddings.forEach((vector, index) => vector.forEach((value, at) => expect(value).toBeCloseTo(vectors[index]![at]!, 5)));
      expect(embedding.inputs(request(0))).toEqual(['first', 'second', 'third']);
    });

    whenCapable('splits embeddings into batches within the API limit', noEmbeddings, async () => {
      const embedding = h.embedding!;
      const limit = embedding.model.maxEmbeddingsPerCall;
      expect(limit, 'maxEmbeddingsPerCall must state the API limit').toBeGreaterThan(0);
      const values = Array.from({ length: limit! + 1 }, (_, index) => `text ${index}`);
      const vector = (index: number): number[] => [index, index / 2];
      embedding.enqueueEmbeddings(values.slice(0, limit).map((_, index) => vector(index)));
      embedding.enqueueEmbeddings([vector(limit!)]);
      const result = await embedding.model.doEmbed({ values });
      expect(h.requests()).toHaveLength(2);
      expect(embedding.inputs(request(0))).toEqual(values.slice(0, limit));
      expect(embedding.inputs(request(1))).toEqual(values.slice(limit));
      expect(result.embeddings).toHaveLength(values.length);
      expect(result.embeddings[limit!]).toEqual(vector(limit!));
      expect(result.embeddings[7]).toEqual(vector(7));
    });
  });
}
