import { resolveChunkSizes } from './chunk-settings.ts';
import type { ChunkSizeSettings, TextChunk } from './text-chunk.ts';

/** Settings of `chunkRecursively`. */
export interface RecursiveChunkSettings extends ChunkSizeSettings {
  /** Tried in order: text is cut at the first separator that occurs, pieces still too long at the next (default paragraphs, lines, sentences, words, characters). */
  separators?: readonly string[] | undefined;
}

/** Default separators: paragraph, line, sentence ends, clause, word, then single characters. */
export const defaultSeparators: readonly string[] = ['\n\n', '\n', '. ', '? ', '! ', '; ', ', ', ' ', ''];

type Span = [start: number, end: number];

/**
 * Splits text into chunks of at most `chunkSize` characters, cutting at the coarsest separator that works and
 * repeating up to `chunkOverlap` characters between neighbours. Separators stay in the text, so chunks are exact
 * slices of the source (`text.slice(start, end)`, trimmed).
 *
 * @example
 * chunkRecursively(article, { chunkSize: 800, chunkOverlap: 100 }).map((chunk) => chunk.text);
 */
export function chunkRecursively(text: string, settings: RecursiveChunkSettings = {}): TextChunk[] {
  const { chunkSize, chunkOverlap } = resolveChunkSizes(settings, { chunkSize: 1000, chunkOverlap: 200 });
  const separators = settings.separators ?? defaultSeparators;
  return mergeSpans(text, splitSpan(text, [0, text.length], separators, 0, chunkSize), chunkSize, chunkOverlap);
}

/** Chunks `text.slice(start, end)` with the same rules (offsets stay relative to `text`). */
export function chunkSpanRecursively(text: string, start: number, end: number, chunkSize: number, chunkOverlap: number, separators: readonly string[] = defaultSeparators): TextChunk[] {
  return mergeSpans(text, splitSpan(text, [start, end], separators, 0, chunkSize), chunkSize, chunkOverlap);
}

function splitSpan(text: string, [start, end]: Span, separators: readonly string[], level: number, chunkSize: number): Span[] {
  if (end - start <= chunkSize) return [[start, end]];
  let separatorLevel = level;
  while (separatorLevel < separators.length && separators[separatorLevel] !== '' && !text.slice(start, end).includes(separators[separatorLevel]!)) separatorLevel++;
  const separator = separators[separatorLevel];
  if (separator === undefined || separator === '') {
    const spans: Span[] = [];
    for (let position = start; position < end; ) {
      let cut = Math.min(end, position + chunkSize);
      if (cut < end && isHighSurrogate(text.charCodeAt(cut - 1))) cut = cut - 1 > position ? cut - 1 : cut + 1;
      spans.push([position, cut]);
      position = cut;
    }
    return spans;
  }
  const spans: Span[] = [];
  let pieceStart = start;
  for (;;) {
    const found = text.indexOf(separator, pieceStart);
    const pieceEnd = found === -1 || found + separator.length > end ? end : found + separator.length;
    if (pieceEnd - pieceStart <= chunkSize) spans.push([pieceStart, pieceEnd]);
    else spans.push(...splitSpan(text, [pieceStart, pieceEnd], separators, separatorLevel + 1, chunkSize));
    if (pieceEnd >= end) return spans;
    pieceStart = pieceEnd;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function mergeSpans(text: string, spans: Span[], chunkSize: number, chunkOverlap: number): TextChunk[] {
  const chunks: TextChunk[] = [];
  let window: Span[] = [];
  const emit = (): void => {
    if (window.length === 0) return;
    const chunk = trimmed(text, window[0]![0], window[window.length - 1]![1]);
    if (chunk !== undefined && chunks[chunks.length - 1]?.end !== chunk.end) chunks.push(chunk);
  };
  for (const span of spans) {
    const length = span[1] - span[0];
    const windowStart = window[0]?.[0] ?? span[0];
    if (window.length > 0 && span[1] - windowStart > chunkSize) {
      emit();
      const windowEnd = window[window.length - 1]![1];
      while (window.length > 0 && (windowEnd - window[0]![0] > chunkOverlap || windowEnd - window[0]![0] + length > chunkSize)) window.shift();
    }
    window.push(span);
  }
  emit();
  return chunks;
}

function trimmed(text: string, start: number, end: number): TextChunk | undefined {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return start === end ? undefined : { text: text.slice(start, end), start, end };
}
