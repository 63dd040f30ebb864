/** A piece of a source text. */
export interface TextChunk {
  /** The chunk text (for markdown chunks, prefixed with its heading path when `includeHeadings`). */
  text: string;
  /** Offset of the chunk's first character in the source. */
  start: number;
  /** Offset just past the chunk's last character in the source. */
  end: number;
  /** Heading path of markdown chunks, outermost first (e.g. `['# Guide', '## Install']`). */
  headings?: string[] | undefined;
}

/** Size settings shared by the chunkers. Sizes count UTF-16 code units (`string.length`). */
export interface ChunkSizeSettings {
  /** Longest chunk (default 1000). */
  chunkSize?: number | undefined;
  /** Characters repeated from the end of one chunk at the start of the next (default 200, less than `chunkSize`). */
  chunkOverlap?: number | undefined;
}
