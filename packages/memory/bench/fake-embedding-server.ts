/** The fake OpenAI embedding server of the agent bench. */
import { embeddingsResponse, startFakeOpenAI, type FakeOpenAIServer, type FakeRequest } from '@mastra-ts/fake-providers/openai';

/** text-embedding-3-small's size when the request does not ask for fewer (`dimensions`), as the API answers. */
export const defaultDimensions = 1536;

/** What the fake embedding server answers: a deterministic bag-of-words hash of `dimensions` values, so related texts stay close. */
export function lexicalVector(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619);
    vector[(hash >>> 0) % dimensions]! += 1;
  }
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.sqrt(squares) || 1;
  return vector.map((value) => value / norm);
}

/**
 * Starts the server on 127.0.0.1 in this process; it answers with the request's `dimensions`, else 1536 values. With
 * `onRequest`, it keeps no record of the requests and reports each one there instead (see `startFakeOpenAI`).
 */
export function startEmbeddingServer(onRequest?: (request: FakeRequest) => void): Promise<FakeOpenAIServer> {
  return startFakeOpenAI({
    ...(onRequest ? { record: false, onRequest } : {}),
    fallback: embeddingsResponse((input, request) => {
      const requested = Number(request.body?.dimensions);
      const dimensions = Number.isInteger(requested) && requested > 0 ? requested : defaultDimensions;
      return input.map((text) => lexicalVector(text, dimensions));
    }),
  });
}
