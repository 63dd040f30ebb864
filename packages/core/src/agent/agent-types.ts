import type { AISDKLanguageModel } from '../language-model/from-ai-sdk.ts';
import type { LanguageModelV1 } from '../language-model/v1/language-model-v1.ts';
import type { LanguageModelV1ToolChoice } from '../language-model/v1/language-model-v1-call-options.ts';
import type { LanguageModelV1Content } from '../language-model/v1/language-model-v1-content.ts';
import type { LanguageModelV1CallWarning, LanguageModelV1FinishReason, LanguageModelV1Usage } from '../language-model/v1/language-model-v1-usage.ts';
import type { LanguageModelV1StreamPart } from '../language-model/v1/language-model-v1-stream-part.ts';
import type { Logger } from '../observability/logger.ts';
import type { Tracer } from '../observability/tracer.ts';
import type { RetryPolicy } from '../retry/retry-policy.ts';
import type { ProviderMetadata, ProviderOptions } from '../shared/json-value.ts';
import type { Schema } from '../tools/schema.ts';
import type { ToolSet } from '../tools/tool.ts';
import type { AgentInput, ModelMessage } from './model-message.ts';
import type { RequestContext } from './request-context.ts';

/** Token usage, summed where it spans several steps. */
export type Usage = LanguageModelV1Usage;
/** Why generation stopped. */
export type FinishReason = LanguageModelV1FinishReason;

/** Instructions: text, several texts, or a function of the request (sync or async). */
export type AgentInstructions =
  | string
  | string[]
  | ((context: { requestContext: RequestContext; mastra: unknown }) => string | string[] | PromiseLike<string | string[]>);

/** A tool call as returned to callers: the parsed input, plus Mastra's `payload` shape for ported code. */
export interface ToolCall {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  input: unknown;
  payload: { toolCallId: string; toolName: string; args: unknown };
}

/** A tool result (or tool error when `isError`), as returned to callers. */
export interface ToolResult {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  input: unknown;
  output: unknown;
  isError: boolean;
  payload: { toolCallId: string; toolName: string; args: unknown; result: unknown; isError: boolean };
}

/** One model call of the loop and the tool calls it led to. */
export interface StepResult {
  stepNumber: number;
  text: string;
  reasoningText: string | undefined;
  content: LanguageModelV1Content[];
  toolCalls: ToolCall[];
  toolResults: ToolResult[];
  finishReason: FinishReason;
  usage: Usage;
  warnings: LanguageModelV1CallWarning[];
  request: { body?: unknown };
  response: { id?: string | undefined; modelId?: string | undefined; timestamp?: Date | undefined; headers?: Record<string, string> | undefined; messages: ModelMessage[] };
  /** The model that answered this step (after failover, not necessarily the first one). */
  model: { provider: string; modelId: string };
  /** Provider-specific output of the step, e.g. `{ openai: { refusal } }` or Anthropic's cache figures. */
  providerMetadata: ProviderMetadata | undefined;
}

/** Memory wiring for one call, Mastra style: `{ memory: { thread: 'id', resource: 'user-1' } }`. */
export interface AgentMemoryOption {
  thread: string | { id: string; title?: string; metadata?: Record<string, unknown> };
  resource: string;
  /** Per-call overrides understood by the memory implementation (e.g. `{ lastMessages: 20 }`). */
  options?: Record<string, unknown>;
}

/**
 * What an Agent needs from a memory. `@mastra-ts/memory` implements it; any object with these two
 * methods works.
 */
export interface AgentMemory {
  /** Loads context for a call: history, recalled messages, working memory (as system text), extra tools. */
  prepare(args: {
    agentId: string;
    threadId: string;
    resourceId: string;
    thread: AgentMemoryOption['thread'];
    input: ModelMessage[];
    options: Record<string, unknown> | undefined;
    requestContext: RequestContext;
    abortSignal: AbortSignal | undefined;
  }): PromiseLike<{ messages: ModelMessage[]; system?: string[] | undefined; tools?: ToolSet | undefined }>;
  /** Persists the input and the response messages of a finished call, in one transaction. */
  save(args: {
    agentId: string;
    threadId: string;
    resourceId: string;
    messages: ModelMessage[];
    abortSignal: AbortSignal | undefined;
  }): PromiseLike<void>;
}

/** Sampling and transport settings of model calls. */
export interface ModelSettings extends RetryPolicy {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  stopSequences?: string[];
  seed?: number;
}

/** Options of `generate` and `stream`. */
export interface AgentCallOptions<Output = unknown> {
  /** Replaces the agent's instructions for this call. */
  instructions?: AgentInstructions;
  /** Messages placed after the instructions and memory, before the input. */
  context?: ModelMessage[];
  memory?: AgentMemoryOption;
  /** Model calls at most (default 5). Each tool round trip costs one. */
  maxSteps?: number;
  toolChoice?: 'auto' | 'none' | 'required' | { type: 'tool'; toolName: string };
  /** Only these tools are offered to the model. */
  activeTools?: string[];
  /** Extra tools for this call. */
  tools?: ToolSet;
  /** Called after each step, awaited before the next. */
  onStepFinish?: (step: StepResult) => void | PromiseLike<void>;
  /** Called once with the final result. */
  onFinish?: (result: AgentGenerateResult<Output>) => void | PromiseLike<void>;
  /** Validated JSON output (one repair turn, then `StructuredOutputError`). */
  structuredOutput?: { schema: Schema<Output>; name?: string; description?: string };
  abortSignal?: AbortSignal;
  requestContext?: RequestContext;
  modelSettings?: ModelSettings;
  providerOptions?: ProviderOptions;
  headers?: Record<string, string | undefined>;
  /** Id of this run (traces, logs); generated when absent. */
  runId?: string;
}

/** The result of `agent.generate`. */
export interface AgentGenerateResult<Output = unknown> {
  runId: string;
  /** Text of the last step. */
  text: string;
  reasoningText: string | undefined;
  /** The validated structured output, when `structuredOutput` was given. */
  object: Output | undefined;
  /** Tool calls of the last step (for client-side tools: the calls to answer). */
  toolCalls: ToolCall[];
  toolResults: ToolResult[];
  finishReason: FinishReason;
  /** Usage of the last step. */
  usage: Usage;
  /** Usage summed over all steps. */
  totalUsage: Usage;
  steps: StepResult[];
  warnings: LanguageModelV1CallWarning[];
  response: { id?: string | undefined; modelId?: string | undefined; timestamp?: Date | undefined; messages: ModelMessage[] };
  /** The model that answered the last step. */
  model: { provider: string; modelId: string };
  /** Provider-specific output of the last step (e.g. `{ openai: { refusal } }`). */
  providerMetadata: ProviderMetadata | undefined;
}

/** A part of `agent.stream().fullStream`. */
export type AgentStreamPart =
  | { type: 'start'; runId: string }
  | { type: 'step-start'; stepNumber: number; warnings: LanguageModelV1CallWarning[] }
  | Exclude<LanguageModelV1StreamPart, { type: 'tool-call' } | { type: 'finish' } | { type: 'stream-start' } | { type: 'error' }>
  | ToolCall
  | ToolResult
  | { type: 'step-end'; stepNumber: number; finishReason: FinishReason; usage: Usage; response: StepResult['response'] }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage; totalUsage: Usage }
  | { type: 'error'; error: unknown }
  | { type: 'abort' };

/** The result of `agent.stream`. Both streams replay from the start, so they can be read independently. */
export interface AgentStreamResult<Output = unknown> {
  runId: string;
  /** Every part. Breaking out of the loop cancels the run. */
  fullStream: AsyncIterable<AgentStreamPart>;
  /** Text deltas only. Breaking out of the loop cancels the run. */
  textStream: AsyncIterable<string>;
  text: Promise<string>;
  object: Promise<Output | undefined>;
  usage: Promise<Usage>;
  totalUsage: Promise<Usage>;
  finishReason: Promise<FinishReason>;
  toolCalls: Promise<ToolCall[]>;
  toolResults: Promise<ToolResult[]>;
  steps: Promise<StepResult[]>;
  /** Provider-specific output of the last step (e.g. `{ openai: { refusal } }`). */
  providerMetadata: Promise<ProviderMetadata | undefined>;
  /** The whole result, as `generate` returns it. Rejects when the run failed. */
  result: Promise<AgentGenerateResult<Output>>;
  /** Reads the stream to the end and returns the result (Mastra's `getFullOutput`). */
  getFullOutput(): Promise<AgentGenerateResult<Output>>;
}

/** A model object (ours, or an AI SDK provider model such as `openai('gpt-4o-mini')` from `@ai-sdk/openai`) or a routing string. */
export type AgentModel = LanguageModelV1 | AISDKLanguageModel | string;

/** One entry of a failover list. */
export type AgentModelFallback = AgentModel | { model: AgentModel; maxRetries?: number; coolDownMs?: number; enabled?: boolean };

/** Constructor options of `Agent`. */
export interface AgentConfig {
  /** Stable id (defaults to `name`). */
  id?: string;
  name: string;
  description?: string;
  instructions: AgentInstructions;
  /**
   * A model object, a routing string such as `openai/gpt-4o-mini`, or a list for failover: when a model
   * still fails with a retryable error after its retries, before any output was streamed, the next is tried,
   * and the failing one is skipped for `coolDownMs` (default 30 s) on later calls.
   */
  model: AgentModel | AgentModelFallback[];
  tools?: ToolSet | ((context: { requestContext: RequestContext }) => ToolSet | PromiseLike<ToolSet>);
  memory?: AgentMemory;
  /** Defaults merged under each call's options. */
  defaultOptions?: Omit<AgentCallOptions, 'abortSignal' | 'runId' | 'onFinish'>;
  /** Overrides the Mastra instance's logger and tracer. */
  logger?: Logger;
  tracer?: Tracer;
}

/** Converts the user-facing tool choice to the provider one. */
export function toProviderToolChoice(choice: AgentCallOptions['toolChoice']): LanguageModelV1ToolChoice | undefined {
  if (choice === undefined) return undefined;
  return typeof choice === 'string' ? { type: choice } : choice;
}

/** Re-exported so users can import input types from one place. */
export type { AgentInput, ModelMessage };
