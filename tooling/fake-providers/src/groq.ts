/**
 * @module
 * A fake Groq server. Groq speaks the OpenAI Chat Completions wire format under `/openai/v1`, with
 * two differences reproduced here: reasoning arrives in `reasoning` (with `reasoning_format: 'parsed'`)
 * rather than `reasoning_content`, and a stream reports usage in `x_groq.usage` of its last chunk.
 */
import {
  chatCompletion,
  chatCompletionStream,
  startFakeOpenAI,
  type FakeChatAnswer,
  type FakeOpenAIOptions,
  type FakeOpenAIServer,
  type FakeResponse,
} from './openai.ts';

export {
  cutChatCompletionStream,
  errorResponse,
  malformedChatCompletionStream,
  rateLimited,
  streamErrorEvent,
  type FakeChatAnswer,
  type FakeOpenAIServer as FakeGroqServer,
  type FakeRequest,
  type FakeResponse,
} from './openai.ts';

/** Starts a fake Groq server; `baseURL` is the origin, as `groq-sdk` appends `/openai/v1` itself. */
export function startFakeGroq(options: Omit<FakeOpenAIOptions, 'basePath'> = {}): Promise<FakeOpenAIServer> {
  return startFakeOpenAI({ ...options, basePath: '' });
}

/** A non-streamed Groq answer (reasoning in `reasoning`). */
export function groqChatCompletion(answer: FakeChatAnswer = {}): FakeResponse {
  return chatCompletion({ reasoningField: 'reasoning', ...answer });
}

/** A streamed Groq answer: reasoning in `delta.reasoning`, usage in the last chunk's `x_groq.usage`. */
export function groqChatCompletionStream(answer: FakeChatAnswer = {}, options: { ending?: 'end' | 'destroy' | 'hang'; done?: boolean } = {}): FakeResponse {
  return chatCompletionStream({ reasoningField: 'reasoning', usageIn: 'x_groq', ...answer }, options);
}
