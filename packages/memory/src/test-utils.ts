import type { EmbeddingModelV1, EmbeddingModelV1CallOptions, LanguageModelV1CallOptions, LanguageModelV1GenerateResult, LanguageModelV1Prompt } from '@mastra-ts/core';
import { MockEmbeddingModelV1, MockLanguageModelV1, textResult } from '@mastra-ts/core/testing';

type Step = LanguageModelV1GenerateResult | string | ((options: LanguageModelV1CallOptions, call: number) => LanguageModelV1GenerateResult | string);

/** A mock model that answers from a script and keeps a copy of each prompt as it was sent. */
export function scriptedModel(steps: Step | Step[]): { model: MockLanguageModelV1; prompts: LanguageModelV1Prompt[] } {
  const prompts: LanguageModelV1Prompt[] = [];
  const model = new MockLanguageModelV1({
    doGenerate: (options, call) => {
      prompts.push(structuredClone(options.prompt));
      const step = Array.isArray(steps) ? steps[Math.min(call, steps.length - 1)]! : steps;
      const value = typeof step === 'function' ? step(options, call) : step;
      return typeof value === 'string' ? textResult(value) : value;
    },
  });
  return { model, prompts };
}

/** A prompt as short lines (`role: text`), tool parts rendered as `call name(input)` and `result name=output`. */
export function promptLines(prompt: LanguageModelV1Prompt): string[] {
  return prompt.map((message) => {
    if (typeof message.content === 'string') return `${message.role}: ${message.content}`;
    const parts = (message.content as unknown as Array<{ type: string; [key: string]: unknown }>).map((part) => {
      if (part.type === 'text') return String(part['text']);
      if (part.type === 'tool-call') return `call ${String(part['toolName'])}(${JSON.stringify(part['input'])})`;
      if (part.type === 'tool-result') return `result ${String(part['toolName'])}=${JSON.stringify(part['output'])}`;
      return `[${part.type}]`;
    });
    return `${message.role}: ${parts.join(' | ')}`;
  });
}

/** The system text of a prompt (empty when there is none). */
export function systemText(prompt: LanguageModelV1Prompt): string {
  const first = prompt[0];
  return first?.role === 'system' ? first.content : '';
}

/**
 * A 64-dimension mock embedder whose calls go through `before` first (record, fail, or wait there), and `inner`, the
 * mock that computes the vectors.
 */
export function interceptedEmbedder(before: (options: EmbeddingModelV1CallOptions) => void | Promise<void>): { embedder: EmbeddingModelV1; inner: MockEmbeddingModelV1 } {
  const inner = new MockEmbeddingModelV1({ dimensions: 64 });
  const embedder: EmbeddingModelV1 = {
    specificationVersion: 'v1',
    provider: inner.provider,
    modelId: inner.modelId,
    maxEmbeddingsPerCall: inner.maxEmbeddingsPerCall,
    supportsParallelCalls: true,
    doEmbed: async (options) => {
      await before(options);
      return inner.doEmbed(options);
    },
  };
  return { embedder, inner };
}
