import { throwIfAborted, TypeValidationError, type EmbeddingModelV1, type EmbeddingModelV1CallOptions, type EmbeddingModelV1Result } from '@mastra-ts/core';

/** Settings of `createLexicalEmbedder`. */
export interface LexicalEmbedderSettings {
  /** Vector length (default 384). */
  dimensions?: number | undefined;
  /** Weight of character trigrams relative to words, which catch inflections and typos (default 0.5; 0 disables). */
  characterWeight?: number | undefined;
  /** Weight of word bigrams, which catch phrases (default 0.7; 0 disables). */
  bigramWeight?: number | undefined;
  /** Words ignored as unigrams (default: a short English list). */
  stopWords?: Iterable<string> | undefined;
}

const englishStopWords = [
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'do', 'for', 'from', 'has', 'have', 'he', 'her', 'his', 'i', 'in', 'is', 'it', 'its',
  'me', 'my', 'of', 'on', 'or', 'our', 'she', 'so', 'that', 'the', 'their', 'them', 'they', 'this', 'to', 'was', 'we', 'were', 'what', 'which',
  'who', 'will', 'with', 'you', 'your',
];

/** The `provider` of the lexical embedder: it computes in the process, with no request to wait for. */
export const lexicalEmbedderProvider = 'mastra-ts.lexical';

/**
 * A local `EmbeddingModelV1` that needs no network and no weights: each text becomes a hashed bag of words, word
 * bigrams and character trigrams, weighted by sublinear term frequency (`1 + ln tf`), signed-hashed into
 * `dimensions` buckets and L2-normalised. It is lexical, not neural: texts score as similar when they share words
 * or word pieces, not when they merely mean the same. Deterministic across runs and machines.
 *
 * @example
 * const embedder = createLexicalEmbedder({ dimensions: 256 });
 * const { embeddings } = await embedder.doEmbed({ values: ['reset my password', 'password reset link'] });
 */
export function createLexicalEmbedder(settings: LexicalEmbedderSettings = {}): EmbeddingModelV1 {
  return new LexicalEmbedder(settings);
}

class LexicalEmbedder implements EmbeddingModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = lexicalEmbedderProvider;
  readonly modelId: string;
  readonly dimensions: number;
  readonly maxEmbeddingsPerCall = 4096;
  readonly supportsParallelCalls = true;
  readonly #characterWeight: number;
  readonly #bigramWeight: number;
  readonly #stopWords: Set<string>;

  constructor(settings: LexicalEmbedderSettings) {
    this.dimensions = settings.dimensions ?? 384;
    this.#characterWeight = settings.characterWeight ?? 0.5;
    this.#bigramWeight = settings.bigramWeight ?? 0.7;
    this.#stopWords = new Set(settings.stopWords ?? englishStopWords);
    const fail = (field: string, value: unknown, message: string): never => {
      throw new TypeValidationError({ value, context: 'lexical embedder settings', issues: [{ path: [field], message }] });
    };
    if (!Number.isInteger(this.dimensions) || this.dimensions < 2 || this.dimensions > 65_536) fail('dimensions', this.dimensions, `dimensions must be an integer from 2 to 65536, got ${String(this.dimensions)}`);
    for (const [field, value] of [['characterWeight', this.#characterWeight], ['bigramWeight', this.#bigramWeight]] as const) {
      if (!Number.isFinite(value) || value < 0) fail(field, value, `${field} must be a non-negative number, got ${String(value)}`);
    }
    this.modelId = `lexical-${this.dimensions}`;
  }

  async doEmbed(options: EmbeddingModelV1CallOptions): Promise<EmbeddingModelV1Result> {
    throwIfAborted(options.abortSignal);
    let tokens = 0;
    const embeddings = options.values.map((value) => {
      const { vector, words } = this.#embed(value);
      tokens += words;
      return vector;
    });
    return { embeddings, usage: { tokens } };
  }

  #embed(text: string): { vector: number[]; words: number } {
    const words = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const counts = new Map<string, number>();
    const add = (feature: string, weight: number): void => {
      if (weight > 0) counts.set(feature, (counts.get(feature) ?? 0) + weight);
    };
    words.forEach((word, index) => {
      if (!this.#stopWords.has(word)) add(`w:${word}`, 1);
      if (index > 0) add(`b:${words[index - 1]} ${word}`, this.#bigramWeight);
      if (this.#characterWeight > 0 && word.length > 3) {
        const padded = `<${word}>`;
        const pieces = padded.length - 2;
        for (let start = 0; start + 3 <= padded.length; start++) add(`c:${padded.slice(start, start + 3)}`, this.#characterWeight / pieces);
      }
    });
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [feature, count] of counts) {
      const hash = fnv1a(feature);
      const weight = count >= 1 ? 1 + Math.log(count) : count;
      vector[hash % this.dimensions]! += (hash & 0x80000000) === 0 ? weight : -weight;
    }
    let squares = 0;
    for (const value of vector) squares += value * value;
    const scale = squares === 0 ? 0 : 1 / Math.sqrt(squares);
    return { vector: vector.map((value) => value * scale), words: words.length };
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}
