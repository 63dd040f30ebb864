import { describe, expect, it } from 'vitest';
import { InvalidResponseDataError } from '../../errors/invalid-response-data-error.ts';
import { mapOpenAICompatibleCompletion, parseOpenAICompatibleCompletion, type OpenAICompatibleCompletionOptions } from './openai-compatible-completion.ts';

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

describe('parseOpenAICompatibleCompletion', () => {
  const answered = 'Acme answered http://127.0.0.1:1/v1/chat/completions';

  it('returns the parsed completion, with or without choices', () => {
    const body = { id: 'c1', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] };
    expect(parseOpenAICompatibleCompletion(JSON.stringify(body), answered)).toEqual(body);
    expect(parseOpenAICompatibleCompletion('{"id":"c2","choices":[]}', answered)).toEqual({ id: 'c2', choices: [] });
  });

  it('throws InvalidResponseDataError holding the body, saying what is wrong and what to check', () => {
    const cases: Array<[string, string]> = [
      ['<html>Welcome</html>', 'is not JSON'],
      ['{"choices": [', 'is not JSON'],
      ['null', 'is not a JSON object'],
      ['[1, 2]', 'is not a JSON object'],
      ['{"choices": {"message": {}}}', 'has a "choices" field that is not an array'],
      ['{"choices": [{"finish_reason": "stop"}]}', 'has a first choice without a message object'],
      ['{"choices": [null]}', 'has a first choice without a message object'],
      ['{"choices": [{"message": "Hi"}]}', 'has a first choice without a message object'],
    ];
    for (const [text, reason] of cases) {
      let error: unknown;
      try {
        parseOpenAICompatibleCompletion(text, answered);
      } catch (thrown) {
        error = thrown;
      }
      expect(InvalidResponseDataError.isInstance(error), text).toBe(true);
      expect((error as InvalidResponseDataError).message).toBe(
        `${answered} with a chat completion that ${reason}; check that the baseURL is an OpenAI-compatible API that serves chat completions`,
      );
      expect((error as InvalidResponseDataError).data).toBe(text);
    }
  });
});
