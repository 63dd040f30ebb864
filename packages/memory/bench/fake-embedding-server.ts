/** The fake OpenAI embedding server of the agent bench. */
import { embeddingsResponse, startFakeOpenAI, type FakeOpenAIServer } from '@mastra-ts/fake-providers/openai';

/** What the fake embedding server answers: a deterministic 64-dimension bag-of-words hash, so related texts stay close. */
export function lexicalVector(text: string): number[] {
  const vector = new Array<number>(64).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619);
    vector[(hash >>> 0) % 64]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

/** Starts the server on 127.0.0.1 in this process. */
export function startEmbeddingServer(): Promise<FakeOpenAIServer> {
  return startFakeOpenAI({ fallback: embeddingsResponse((input) => input.map(lexicalVector)) });
}
