export { collectAsyncIterable, convertArrayToAsyncIterable } from './async-iterable.ts';
export { createFixtureFetch, type FixtureResponse } from './create-fixture-fetch.ts';
export { MockEmbeddingModelV1 } from './mock-embedding-model-v1.ts';
export { MockLanguageModelV1, mockUsage, textResult, textStreamParts, toolCallResult } from './mock-language-model-v1.ts';
