import { TypeValidationError } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { createLexicalEmbedder } from './lexical-embedder.ts';

const cosine = (a: number[], b: number[]): number => a.reduce((sum, value, index) => sum + value * b[index]!, 0);

describe('createLexicalEmbedder', () => {
  it('is an EmbeddingModelV1 returning unit vectors of the configured size, deterministically', async () => {
    const model = createLexicalEmbedder({ dimensions: 128 });
    expect(model).toMatchObject({ specificationVersion: 'v1', provider: 'mastra-ts.lexical', modelId: 'lexical-128', dimensions: 128 });
    const { embeddings, usage } = await model.doEmbed({ values: ['The quick brown fox', 'the quick brown fox'] });
    expect(embeddings[0]).toHaveLength(128);
    expect(Math.hypot(...embeddings[0]!)).toBeCloseTo(1, 10);
    expect(embeddings[0]).toEqual(embeddings[1]);
    expect(embeddings[0]).toEqual((await createLexicalEmbedder({ dimensions: 128 }).doEmbed({ values: ['The quick brown fox'] })).embeddings[0]);
    expect(usage?.tokens).toBe(8);
  });

  it('ranks texts sharing words and word pieces above unrelated ones', async () => {
    const model = createLexicalEmbedder();
    const [query, related, inflected, unrelated] = (
      await model.doEmbed({ values: ['how do I reset my password', 'Password reset: click the reset link', 'resetting passwords', 'Quarterly revenue grew in Europe'] })
    ).embeddings as [number[], number[], number[], number[]];
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.3);
    expect(cosine(query, inflected)).toBeGreaterThan(cosine(query, unrelated));
  });

  it('gives empty or punctuation-only text a zero vector and handles non-Latin scripts', async () => {
    const model = createLexicalEmbedder({ dimensions: 16 });
    const { embeddings } = await model.doEmbed({ values: ['', '?!', 'Привет мир', 'привет'] });
    expect(embeddings[0]).toEqual(new Array(16).fill(0));
    expect(embeddings[1]).toEqual(new Array(16).fill(0));
    expect(cosine(embeddings[2]!, embeddings[3]!)).toBeGreaterThan(0.3);
  });

  it('rejects bad settings', () => {
    expect(() => createLexicalEmbedder({ dimensions: 1 })).toThrow(TypeValidationError);
    expect(() => createLexicalEmbedder({ bigramWeight: -1 })).toThrow(/bigramWeight must be a non-negative number/);
  });
});
