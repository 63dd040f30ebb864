import { describe, expect, it } from 'vitest';
import { InvalidResponseDataError } from '../../errors/invalid-response-data-error.ts';
import { mapOpenAICompatibleCompletion, type OpenAICompatibleCompletionOptions } from './openai-compatible-completion.ts';

const options: OpenAICompatibleCompletionOptions = {
  providerName: 'Acme',
  modelId: 'acme-1',
  reasoningField: 'reasoning_content',
  warnings: [],
  requestBody: { model: 'acme-1' },
  responseHeaders: { 'x-request-id': 'r1' },
};

describe('mapOpenAICompatibleCompletion', () => {
  it('maps the first choice, usage and response metadata', () => {
    const data = {
      id: 'cmpl-1',
      model: 'acme-1-2025',
      created: 1_700_000_000,
      choices: [{ message: { content: 'Hi', reasoning_content: 'greet' } as { content: string }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2 },
    };
    expect(mapOpenAICompatibleCompletion(data, options)).toEqual({
      content: [
        { type: 'reasoning', text: 'greet' },
        { type: 'text', text: 'Hi' },
      ],
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5, reasoningTokens: undefined, cachedInputTokens: undefined },
      warnings: [],
      request: { body: { model: 'acme-1' } },
      response: { id: 'cmpl-1', modelId: 'acme-1-2025', timestamp: new Date(1_700_000_000_000), headers: { 'x-request-id': 'r1' }, body: data },
    });
  });

  it('throws InvalidResponseDataError naming the provider and model when there are no choices', () => {
    let error: unknown;
    try {
      mapOpenAICompatibleCompletion({ id: 'x', choices: [] }, options);
    } catch (thrown) {
      error = thrown;
    }
    expect(InvalidResponseDataError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('Acme returned a completion without choices (model acme-1)');
  });
});
