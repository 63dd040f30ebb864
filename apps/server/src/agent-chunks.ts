import { MastraTsError, generateId, type AgentGenerateResult, type AgentStreamPart, type StepResult, type ToolCall, type ToolResult } from '@mastra-ts/core';
import { redact } from './http-error.ts';

/** A chunk of Mastra's agent stream protocol, as `@mastra/client-js` reads it. */
export interface MastraChunk {
  type: string;
  runId: string;
  from: 'AGENT';
  payload: Record<string, unknown>;
}

/** Public form of an error: typed errors keep their message (redacted), others become generic. */
export function publicError(error: unknown): { name: string; message: string } {
  if (typeof error === 'string') return { name: 'Error', message: redact(error) };
  if (MastraTsError.isInstance(error)) return { name: error.name, message: redact(error.message) };
  return { name: 'Error', message: 'Internal server error' };
}

/**
 * Maps core's `AgentStreamPart`s onto Mastra's chunk protocol (`{ type, runId, from: 'AGENT', payload }`).
 * Stateful (one per stream): it tracks the message id and which tool inputs are streaming.
 */
export function createChunkMapper(agentId: string, runId: string): (part: AgentStreamPart) => MastraChunk | undefined {
  let messageId = generateId();
  const streamingInputs = new Set<string>();
  const chunk = (type: string, payload: Record<string, unknown>): MastraChunk => ({ type, runId, from: 'AGENT', payload });
  return (part) => {
    switch (part.type) {
      case 'start':
        return chunk('start', { id: agentId, messageId });
      case 'step-start':
        if (part.stepNumber > 0) messageId = generateId();
        return chunk('step-start', { messageId, request: {}, warnings: part.warnings });
      case 'response-metadata':
        return chunk('response-metadata', { ...part, type: undefined });
      case 'text-start':
      case 'text-end':
      case 'reasoning-start':
      case 'reasoning-end':
        return chunk(part.type, { id: part.id, ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}) });
      case 'text-delta':
      case 'reasoning-delta':
        return chunk(part.type, { id: part.id, text: part.delta, ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}) });
      case 'tool-input-start':
        streamingInputs.add(part.id);
        return chunk('tool-call-input-streaming-start', { toolCallId: part.id, toolName: part.toolName });
      case 'tool-input-delta':
        if (!streamingInputs.has(part.id)) return undefined;
        return chunk('tool-call-delta', { toolCallId: part.id, argsTextDelta: part.delta });
      case 'tool-input-end':
        if (!streamingInputs.has(part.id)) return undefined;
        return chunk('tool-call-input-streaming-end', { toolCallId: part.id });
      case 'tool-call':
        return chunk('tool-call', toolCallPayload(part));
      case 'tool-result':
        return chunk('tool-result', toolResultPayload(part));
      case 'step-end':
        return chunk('step-finish', {
          messageId,
          stepResult: { reason: part.finishReason, isContinued: false, warnings: [] },
          output: { usage: part.usage },
          metadata: { ...(part.response.modelId ? { modelId: part.response.modelId } : {}) },
        });
      case 'finish':
        return chunk('finish', {
          stepResult: { reason: part.finishReason, warnings: [] },
          output: { usage: part.totalUsage },
          usage: part.totalUsage,
          metadata: {},
          messages: { all: [], user: [], nonUser: [] },
        });
      case 'error':
        return chunk('error', { error: publicError(part.error) });
      case 'abort':
        return chunk('abort', {});
      default:
        return undefined;
    }
  };
}

function toolCallPayload(call: ToolCall): Record<string, unknown> {
  return { toolCallId: call.toolCallId, toolName: call.toolName, args: call.input };
}

function toolResultPayload(result: ToolResult): Record<string, unknown> {
  return { toolCallId: result.toolCallId, toolName: result.toolName, args: result.input, result: result.output, ...(result.isError ? { isError: true } : {}) };
}

/** Core's generate result as Mastra's `FullOutput` JSON (tool calls and results chunk-shaped). */
export function toFullOutput(agentId: string, result: AgentGenerateResult): Record<string, unknown> {
  const toolCall = (call: ToolCall): MastraChunk => ({ type: 'tool-call', runId: result.runId, from: 'AGENT', payload: toolCallPayload(call) });
  const toolResult = (item: ToolResult): MastraChunk => ({ type: 'tool-result', runId: result.runId, from: 'AGENT', payload: toolResultPayload(item) });
  return {
    runId: result.runId,
    agentId,
    text: result.text,
    object: result.object,
    usedFallbackValue: false,
    finishReason: result.finishReason,
    usage: result.usage,
    totalUsage: result.totalUsage,
    steps: result.steps.map((step: StepResult) => ({
      stepNumber: step.stepNumber,
      text: step.text,
      reasoningText: step.reasoningText,
      finishReason: step.finishReason,
      usage: step.usage,
      warnings: step.warnings,
      toolCalls: step.toolCalls.map(toolCall),
      toolResults: step.toolResults.map(toolResult),
      response: { id: step.response.id, modelId: step.response.modelId, timestamp: step.response.timestamp, messages: step.response.messages },
    })),
    warnings: result.warnings,
    request: {},
    response: { id: result.response.id, modelId: result.response.modelId, timestamp: result.response.timestamp, messages: result.response.messages },
    reasoning: [],
    reasoningText: result.reasoningText,
    toolCalls: result.toolCalls.map(toolCall),
    toolResults: result.toolResults.map(toolResult),
    sources: [],
    files: [],
    messages: [],
    rememberedMessages: [],
  };
}
