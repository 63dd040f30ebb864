import { AbortError } from '../errors/abort-error.ts';
import type { LanguageModelV1 } from '../language-model/v1/language-model-v1.ts';
import type { LanguageModelV1CallOptions } from '../language-model/v1/language-model-v1-call-options.ts';
import type { LanguageModelV1GenerateResult } from '../language-model/v1/language-model-v1-generate-result.ts';
import type { LanguageModelV1StreamPart, LanguageModelV1StreamResult } from '../language-model/v1/language-model-v1-stream-part.ts';
import type { LanguageModelV1Usage } from '../language-model/v1/language-model-v1-usage.ts';

type Script<Result> = Result | Result[] | ((options: LanguageModelV1CallOptions, callIndex: number) => Result | PromiseLike<Result>);
type StreamScript = LanguageModelV1StreamResult | LanguageModelV1StreamPart[] | AsyncIterable<LanguageModelV1StreamPart>;

/** A usage with small fixed counts, for scripted results. */
export const mockUsage: LanguageModelV1Usage = { inputTokens: 3, outputTokens: 10, totalTokens: 13 };

/**
 * A scriptable `LanguageModelV1`. Give `doGenerate` / `doStream` a result, an array (one per call,
 * in order), or a function of the call options. Every call's options are recorded.
 * Scripted streams stop with `AbortError` when the call's abort signal fires.
 */
export class MockLanguageModelV1 implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly doGenerateCalls: LanguageModelV1CallOptions[] = [];
  readonly doStreamCalls: LanguageModelV1CallOptions[] = [];
  readonly #generate: Script<LanguageModelV1GenerateResult> | undefined;
  readonly #stream: Script<StreamScript> | undefined;

  constructor({
    provider = 'mock-provider',
    modelId = 'mock-model-id',
    doGenerate,
    doStream,
  }: { provider?: string; modelId?: string; doGenerate?: Script<LanguageModelV1GenerateResult>; doStream?: Script<StreamScript> } = {}) {
    this.provider = provider;
    this.modelId = modelId;
    this.#generate = doGenerate;
    this.#stream = doStream;
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const index = this.doGenerateCalls.push(options) - 1;
    return pick(this.#generate, options, index, 'doGenerate');
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const index = this.doStreamCalls.push(options) - 1;
    const script: StreamScript = await pick<StreamScript>(this.#stream, options, index, 'doStream');
    const result: LanguageModelV1StreamResult =
      Array.isArray(script) || !('stream' in script) ? { stream: script as AsyncIterable<LanguageModelV1StreamPart> } : script;
    return { ...result, stream: abortable(result.stream, options.abortSignal) };
  }
}

async function pick<Result>(script: Script<Result> | undefined, options: LanguageModelV1CallOptions, index: number, method: string): Promise<Result> {
  if (script === undefined) throw new Error(`MockLanguageModelV1: ${method} is not scripted: pass { ${method}: ... } to the constructor`);
  if (typeof script === 'function') return (script as (options: LanguageModelV1CallOptions, callIndex: number) => Result | PromiseLike<Result>)(options, index);
  if (Array.isArray(script) && !isPartArray(script)) {
    if (index >= script.length) throw new Error(`MockLanguageModelV1: ${method} call #${index + 1} has no scripted result (${script.length} scripted)`);
    return script[index] as Result;
  }
  return script as Result;
}

function isPartArray(value: unknown[]): boolean {
  return value.length > 0 && typeof value[0] === 'object' && value[0] !== null && 'type' in value[0] && typeof (value[0] as { type: unknown }).type === 'string';
}

function abortable(source: Iterable<LanguageModelV1StreamPart> | AsyncIterable<LanguageModelV1StreamPart>, signal: AbortSignal | undefined): AsyncIterable<LanguageModelV1StreamPart> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const part of source) {
        if (signal?.aborted) throw new AbortError({ cause: signal.reason });
        yield part;
      }
    },
  };
}

/** Stream parts for a text answer split into `chunks`, with `stream-start` and `finish`. */
export function textStreamParts(chunks: string[], { usage = mockUsage, finishReason = 'stop' as const }: { usage?: LanguageModelV1Usage; finishReason?: 'stop' | 'length' } = {}): LanguageModelV1StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't0' },
    ...chunks.map((delta): LanguageModelV1StreamPart => ({ type: 'text-delta', id: 't0', delta })),
    { type: 'text-end', id: 't0' },
    { type: 'finish', finishReason, usage },
  ];
}

/** A generate result with one text part. */
export function textResult(text: string, usage: LanguageModelV1Usage = mockUsage): LanguageModelV1GenerateResult {
  return { content: [{ type: 'text', text }], finishReason: 'stop', usage, warnings: [] };
}

/** A generate result with tool calls (`input` objects are serialized as the model would send them). */
export function toolCallResult(calls: Array<{ toolCallId: string; toolName: string; input: unknown }>, usage: LanguageModelV1Usage = mockUsage): LanguageModelV1GenerateResult {
  return {
    content: calls.map((call) => ({ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: typeof call.input === 'string' ? call.input : JSON.stringify(call.input) })),
    finishReason: 'tool-calls',
    usage,
    warnings: [],
  };
}
