import { resolveChunkSizes } from './chunk-settings.ts';
import { chunkSpanRecursively } from './recursive-character-chunker.ts';
import type { ChunkSizeSettings, TextChunk } from './text-chunk.ts';

/** Settings of `chunkSentences`. */
export interface SentenceChunkSettings extends ChunkSizeSettings {
  /** Locale of the sentence rules (default `en`). */
  locale?: string | undefined;
}

/**
 * Packs whole sentences (found by `Intl.Segmenter`) into chunks of at most `chunkSize` characters, repeating the
 * last sentences of a chunk, up to `chunkOverlap` characters, at the start of the next. A single sentence longer
 * than `chunkSize` is split like `chunkRecursively`.
 *
 * @example
 * chunkSentences(transcript, { chunkSize: 500, chunkOverlap: 100 });
 */
export function chunkSentences(text: string, settings: SentenceChunkSettings = {}): TextChunk[] {
  const { chunkSize, chunkOverlap } = resolveChunkSizes(settings, { chunkSize: 1000, chunkOverlap: 200 });
  const segmenter = new Intl.Segmenter(settings.locale ?? 'en', { granularity: 'sentence' });
  const sentences: Array<[number, number]> = [];
  for (const { index, segment } of segmenter.segment(text)) {
    let start = index;
    let end = index + segment.length;
    while (start < end && /\s/.test(text[start]!)) start++;
    while (end > start && /\s/.test(text[end - 1]!)) end--;
    if (end > start) sentences.push([start, end]);
  }
  const chunks: TextChunk[] = [];
  let window: Array<[number, number]> = [];
  const emit = (): void => {
    if (window.length === 0) return;
    const start = window[0]![0];
    const end = window[window.length - 1]![1];
    if (chunks[chunks.length - 1]?.end !== end) chunks.push({ text: text.slice(start, end), start, end });
  };
  for (const sentence of sentences) {
    if (sentence[1] - sentence[0] > chunkSize) {
      emit();
      window = [];
      chunks.push(...chunkSpanRecursively(text, sentence[0], sentence[1], chunkSize, chunkOverlap));
      continue;
    }
    if (window.length > 0 && sentence[1] - window[0]![0] > chunkSize) {
      emit();
      const end = window[window.length - 1]![1];
      while (window.length > 0 && (end - window[0]![0] > chunkOverlap || sentence[1] - window[0]![0] > chunkSize)) window.shift();
    }
    window.push(sentence);
  }
  emit();
  return chunks;
}
