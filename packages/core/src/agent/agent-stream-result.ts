import type { AgentGenerateResult, AgentStreamPart, AgentStreamResult, FinishReason, StepResult, ToolCall, ToolResult, Usage } from './agent-types.ts';
import type { ProviderMetadata } from '../shared/json-value.ts';
import type { ReplayStream } from './replay-stream.ts';

const textDelta = (part: AgentStreamPart): string | undefined => (part.type === 'text-delta' ? part.delta : undefined);

/**
 * What `agent.stream()` returns. The promises of single fields (`text`, `usage`, …) are derived from `result` when
 * first read, so a caller that only reads `fullStream` does not pay for eight promises per call. A derived promise
 * never reports an unhandled rejection: the failure is reported by `result` and the stream's error part.
 */
export class AgentStreamResultImpl<Output> implements AgentStreamResult<Output> {
  readonly runId: string;
  readonly fullStream: ReplayStream<AgentStreamPart>;
  readonly result: Promise<AgentGenerateResult<Output>>;
  #textStream: AsyncIterable<string> | undefined;
  #derived: Map<string, Promise<unknown>> | undefined;

  constructor(runId: string, fullStream: ReplayStream<AgentStreamPart>, result: Promise<AgentGenerateResult<Output>>) {
    this.runId = runId;
    this.fullStream = fullStream;
    this.result = result;
  }

  get textStream(): AsyncIterable<string> {
    return (this.#textStream ??= this.fullStream.map(textDelta));
  }

  get text(): Promise<string> {
    return this.#derive('text', (value) => value.text);
  }

  get object(): Promise<Output | undefined> {
    return this.#derive('object', (value) => value.object);
  }

  get usage(): Promise<Usage> {
    return this.#derive('usage', (value) => value.usage);
  }

  get totalUsage(): Promise<Usage> {
    return this.#derive('totalUsage', (value) => value.totalUsage);
  }

  get finishReason(): Promise<FinishReason> {
    return this.#derive('finishReason', (value) => value.finishReason);
  }

  get toolCalls(): Promise<ToolCall[]> {
    return this.#derive('toolCalls', (value) => value.toolCalls);
  }

  get toolResults(): Promise<ToolResult[]> {
    return this.#derive('toolResults', (value) => value.toolResults);
  }

  get steps(): Promise<StepResult[]> {
    return this.#derive('steps', (value) => value.steps);
  }

  get providerMetadata(): Promise<ProviderMetadata | undefined> {
    return this.#derive('providerMetadata', (value) => value.providerMetadata);
  }

  /** Reads the stream to the end and returns the result (Mastra's `getFullOutput`). */
  getFullOutput(): Promise<AgentGenerateResult<Output>> {
    return this.result;
  }

  #derive<T>(key: string, pick: (value: AgentGenerateResult<Output>) => T): Promise<T> {
    const derived = (this.#derived ??= new Map());
    let promise = derived.get(key) as Promise<T> | undefined;
    if (!promise) {
      promise = this.result.then(pick);
      promise.catch(() => {});
      derived.set(key, promise);
    }
    return promise;
  }
}
