import { resolveChunkSizes } from './chunk-settings.ts';
import { chunkSpanRecursively } from './recursive-character-chunker.ts';
import type { ChunkSizeSettings, TextChunk } from './text-chunk.ts';

/** Settings of `chunkMarkdown`. */
export interface MarkdownChunkSettings extends ChunkSizeSettings {
  /** Prefix each chunk's text with its heading path, so a chunk cut from the middle of a section keeps its context (default true). */
  includeHeadings?: boolean | undefined;
}

const markdownSeparators: readonly string[] = ['\n```', '\n\n', '\n', '. ', ' ', ''];
const headingPattern = /^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$/;
const fencePattern = /^ {0,3}(```|~~~)/;

/**
 * Splits markdown at headings (never inside fenced code), then splits long sections like `chunkRecursively`
 * (preferring paragraph and line breaks). Every chunk records its heading path in `headings` and, by default,
 * starts with it.
 *
 * @example
 * chunkMarkdown(readme, { chunkSize: 1200 }).map((chunk) => chunk.headings);
 */
export function chunkMarkdown(markdown: string, settings: MarkdownChunkSettings = {}): TextChunk[] {
  const { chunkSize, chunkOverlap } = resolveChunkSizes(settings, { chunkSize: 1000, chunkOverlap: 100 });
  const includeHeadings = settings.includeHeadings ?? true;
  const chunks: TextChunk[] = [];
  const path: Array<{ level: number; line: string }> = [];
  let sectionStart = 0;
  let sectionHeadings: string[] = [];
  const closeSection = (end: number): void => {
    const headings = sectionHeadings;
    const prefix = includeHeadings && headings.length > 0 ? `${headings.join('\n')}\n\n` : '';
    for (const chunk of chunkSpanRecursively(markdown, sectionStart, end, Math.max(1, chunkSize - prefix.length), Math.min(chunkOverlap, Math.max(0, chunkSize - prefix.length - 1)), markdownSeparators)) {
      if (headings.length > 0 && headingPattern.test(chunk.text) && !chunk.text.includes('\n')) continue;
      const startsWithHeading = chunk.start === sectionStart && headings.length > 0;
      const text = prefix !== '' && !startsWithHeading ? prefix + chunk.text : includeHeadings && startsWithHeading ? [...headings.slice(0, -1), chunk.text].join('\n') : chunk.text;
      chunks.push({ ...chunk, text, headings: [...headings] });
    }
  };
  let inFence: string | undefined;
  let offset = 0;
  for (const line of markdown.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    const fence = fencePattern.exec(line)?.[1];
    if (fence !== undefined) {
      inFence = inFence === undefined ? fence : inFence === fence ? undefined : inFence;
      continue;
    }
    if (inFence !== undefined) continue;
    const heading = headingPattern.exec(line);
    if (!heading) continue;
    closeSection(lineStart);
    const level = heading[1]!.length;
    while (path.length > 0 && path[path.length - 1]!.level >= level) path.pop();
    path.push({ level, line: line.trim() });
    sectionStart = lineStart;
    sectionHeadings = path.map((entry) => entry.line);
  }
  closeSection(markdown.length);
  return chunks;
}
