import { InvalidResponseDataError, type EmbeddingModelV1, type EmbeddingModelV1CallOptions, type EmbeddingModelV1Result } from '@mastra-ts/core';
import type OpenAI from 'openai';
import { toOpenAICompatibleCallError } from '@mastra-ts/core/provider-utils';
import { LazyResponseHeaders } from './lazy-response-headers.ts';
import { openAISdkErrors } from './openai-sdk-errors.ts';
import { openAIRequestOptions } from './openai-request-options.ts';
import { RequestAbortLink } from './request-abort-link.ts';

/** How the embedding model is called. Built by the provider factory. */
export interface OpenAIEmbeddingConfig {
  provider: string;
  providerName: string;
  providerOptionsKey: string;
  client: () => OpenAI;
  apiKeyVariable: string;
  /** Output dimensions requested from `text-embedding-3-*` models. */
  dimensions?: number | undefined;
}

const knownDimensions: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** The most inputs one `POST /embeddings` accepts. */
export const OPENAI_MAX_EMBEDDINGS_PER_CALL = 2048;

/** An OpenAI embedding model. Larger inputs than 2048 values are split into batches, in order. */
export class OpenAIEmbeddingModel implements EmbeddingModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly maxEmbeddingsPerCall: number = OPENAI_MAX_EMBEDDINGS_PER_CALL;
  readonly supportsParallelCalls: boolean = true;
  readonly dimensions: number | undefined;
  private readonly config: OpenAIEmbeddingConfig;

  constructor(modelId: string, config: OpenAIEmbeddingConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.config = config;
    this.dimensions = config.dimensions ?? knownDimensions[modelId];
  }

  async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    const client = this.config.client();
    const extra = options.providerOptions?.[this.config.providerOptionsKey];
    const dimensions = typeof extra?.dimensions === 'number' ? extra.dimensions : this.config.dimensions;
    const user = typeof extra?.user === 'string' ? extra.user : undefined;
    const embeddings: number[][] = [];
    let tokens: number | undefined;
    // the last batch's headers, converted when first read (see LazyResponseHeaders)
    let lastHeaders: Headers | undefined;
    const link = options.abortSignal ? new RequestAbortLink(options.abortSignal) : undefined;
    try {
      for (let start = 0; start < options.values.length || start === 0; start += this.maxEmbeddingsPerCall) {
        const input = options.values.slice(start, start + this.maxEmbeddingsPerCall);
        if (input.length === 0) break;
        const body = { model: this.modelId, input, ...(dimensions === undefined ? {} : { dimensions }), ...(user === undefined ? {} : { user }) };
        const url = `${client.baseURL}/embeddings`;
        let response: Response;
        let text: string;
        try {
          // the SDK sends the request (asking for base64 vectors, as it does by default) and turns a failed status into
          // its error; the answer's body is read here, which skips the SDK's parsing path (a body timer, several
          // promise turns, log details, `Array.from` per vector): 30–60 µs less per call at 64–256 dimensions, about
          // 100 µs at 1,536 (the package bench, `--only=embed`)
          response = await client.embeddings.create(body, openAIRequestOptions(options, link)).asResponse();
          text = await response.text();
        } catch (error) {
          throw toOpenAICompatibleCallError(error, {
            providerName: this.config.providerName,
            url,
            requestBody: body,
            apiKeyVariable: this.config.apiKeyVariable,
            abortSignal: options.abortSignal,
            sdkErrors: openAISdkErrors,
          });
        }
        // an answer off the wire format is not retried (core retries only a retryable APICallError): the same request
        // would get it again
        const answer = readEmbeddingsAnswer(text, input.length, `${this.config.providerName} answered ${url}`);
        for (const vector of answer.vectors) embeddings.push(vector);
        if (answer.tokens !== undefined) tokens = (tokens ?? 0) + answer.tokens;
        lastHeaders = response.headers;
      }
    } finally {
      link?.dispose();
    }
    return { embeddings, usage: { tokens }, ...(lastHeaders ? { response: new LazyResponseHeaders(lastHeaders) } : {}) };
  }
}

/**
 * The vectors of an embeddings answer in input order, and its prompt tokens; an answer off the wire format throws
 * `InvalidResponseDataError` (its message begins with `answered`, e.g. "OpenAI answered <url>").
 */
function readEmbeddingsAnswer(text: string, expected: number, answered: string): { vectors: number[][]; tokens: number | undefined } {
  const invalid = (reason: string, cause?: unknown): InvalidResponseDataError =>
    new InvalidResponseDataError({
      data: text,
      message: `${answered} with an embeddings response that ${reason}; check that the baseURL is an OpenAI-compatible API that serves embeddings`,
      ...(cause === undefined ? {} : { cause }),
    });
  let json: { data?: unknown; usage?: { prompt_tokens?: unknown } } | null;
  try {
    json = JSON.parse(text) as typeof json;
  } catch (cause) {
    throw invalid('is not JSON', cause);
  }
  const items = json?.data;
  if (!Array.isArray(items)) throw invalid('has no "data" array');
  if (items.length !== expected) throw invalid(`holds ${items.length} embeddings for ${expected} inputs`);
  const vectors = new Array<number[]>(expected);
  for (const item of items as Array<{ index?: unknown; embedding?: unknown } | null>) {
    const index = item?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected || vectors[index] !== undefined) {
      throw invalid(`has an embedding at index ${JSON.stringify(index)}: each of 0 to ${expected - 1} must appear once`);
    }
    const embedding = item!.embedding;
    // base64 as asked; an OpenAI-compatible server may answer with the numbers anyway
    const vector = typeof embedding === 'string' ? decodeFloat32Base64(embedding) : Array.isArray(embedding) ? (embedding as number[]) : undefined;
    if (vector === undefined) throw invalid(`has an embedding at index ${index} that is neither base64 float32 bytes nor an array of numbers`);
    vectors[index] = vector;
  }
  const tokens = json!.usage?.prompt_tokens;
  return { vectors, tokens: typeof tokens === 'number' ? tokens : undefined };
}

/** Whether this platform stores numbers little-endian, as the API sends them (every platform Node ships for but s390x). */
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian float32 values from base64 (the API's `encoding_format: 'base64'`), or undefined when the byte count is not a multiple of 4. */
export function decodeFloat32Base64(value: string): number[] | undefined {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  const count = bytes.length / 4;
  const vector = new Array<number>(count);
  if (!littleEndian) {
    for (let index = 0; index < count; index++) vector[index] = bytes.readFloatLE(index * 4);
    return vector;
  }
  // copied into its own buffer: the decoded bytes may start at any offset of a shared pool
  const floats = new Float32Array(count);
  new Uint8Array(floats.buffer).set(bytes);
  for (let index = 0; index < count; index++) vector[index] = floats[index]!;
  return vector;
}
