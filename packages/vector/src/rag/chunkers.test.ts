import { TypeValidationError } from '@mastra-ts/core';
import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from './markdown-chunker.ts';
import { chunkRecursively } from './recursive-character-chunker.ts';
import { chunkSentences } from './sentence-chunker.ts';
import type { TextChunk } from './text-chunk.ts';

const paragraph = (seed: number, words: number): string =>
  Array.from({ length: words }, (_, index) => `w${(seed * 31 + index * 7) % 97}`).join(' ') + '.';

function expectSlices(source: string, chunks: TextChunk[], chunkSize: number): void {
  for (const chunk of chunks) {
    expect(chunk.text).toBe(source.slice(chunk.start, chunk.end));
    expect(chunk.text.length).toBeLessThanOrEqual(chunkSize);
    expect(chunk.text).toBe(chunk.text.trim());
  }
}

function expectCoverage(source: string, chunks: TextChunk[]): void {
  let covered = 0;
  for (const chunk of chunks) {
    expect(source.slice(covered, chunk.start).trim()).toBe('');
    covered = Math.max(covered, chunk.end);
  }
  expect(source.slice(covered).trim()).toBe('');
}

describe('chunkRecursively', () => {
  it('returns nothing for empty or blank text and one chunk for short text', () => {
    expect(chunkRecursively('')).toEqual([]);
    expect(chunkRecursively(' \n\n  ')).toEqual([]);
    expect(chunkRecursively('  hello world ')).toEqual([{ text: 'hello world', start: 2, end: 13 }]);
  });

  it('cuts at paragraphs first, keeps chunks within size, covers the text and overlaps neighbours', () => {
    const text = Array.from({ length: 30 }, (_, index) => paragraph(index, 8)).join('\n\n');
    const chunks = chunkRecursively(text, { chunkSize: 200, chunkOverlap: 60 });
    expect(chunks.length).toBeGreaterThan(4);
    expectSlices(text, chunks, 200);
    expectCoverage(text, chunks);
    for (let index = 1; index < chunks.length; index++) {
      const overlap = chunks[index - 1]!.end - chunks[index]!.start;
      expect(overlap).toBeLessThanOrEqual(60);
    }
    expect(chunks.some((chunk, index) => index > 0 && chunk.start < chunks[index - 1]!.end)).toBe(true);
  });

  it('falls back to words and then characters for text without separators, never splitting a surrogate pair', () => {
    const word = 'x'.repeat(95);
    const text = `${word} ${word} ${'😀'.repeat(30)}`;
    const chunks = chunkRecursively(text, { chunkSize: 25, chunkOverlap: 0 });
    expectSlices(text, chunks, 25);
    expectCoverage(text, chunks);
    for (const chunk of chunks) expect(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/.test(chunk.text)).toBe(false);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text.replaceAll(' ', ''));
  });

  it('rejects impossible sizes with TypeValidationError naming the field', () => {
    expect(() => chunkRecursively('abc', { chunkSize: 0 })).toThrow(TypeValidationError);
    expect(() => chunkRecursively('abc', { chunkSize: 10, chunkOverlap: 10 })).toThrow(/chunkOverlap must be an integer from 0 to chunkSize - 1/);
  });
});

describe('chunkMarkdown', () => {
  const doc = [
    '# Guide',
    '',
    'Intro text.',
    '',
    '## Install',
    '',
    'Run the installer.',
    '',
    '```sh',
    '# not a heading',
    'pnpm add @mastra-ts/vector',
    '```',
    '',
    '### Windows',
    '',
    paragraph(1, 60),
    '',
    '## Usage',
    '',
    'Call it.',
  ].join('\n');

  it('splits at headings, ignores # lines inside code fences and records the heading path', () => {
    const chunks = chunkMarkdown(doc, { chunkSize: 400, chunkOverlap: 0 });
    expect(chunks.map((chunk) => chunk.headings)).toEqual([['# Guide'], ['# Guide', '## Install'], ['# Guide', '## Install', '### Windows'], ['# Guide', '## Usage']]);
    expect(chunks[1]!.text).toContain('# not a heading');
    expect(chunks[1]!.text.startsWith('# Guide\n## Install\n\nRun the installer.')).toBe(true);
    expect(chunks[3]!.text).toBe('# Guide\n## Usage\n\nCall it.');
  });

  it('prefixes the heading path on every piece of a long section and stays within chunkSize', () => {
    const chunks = chunkMarkdown(doc, { chunkSize: 120, chunkOverlap: 20 });
    const windows = chunks.filter((chunk) => chunk.headings?.at(-1) === '### Windows');
    expect(windows.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(120);
    for (const chunk of windows) expect(chunk.text.startsWith('# Guide\n## Install\n')).toBe(true);
  });

  it('handles text without headings and can leave headings out of the text', () => {
    expect(chunkMarkdown('just text')).toEqual([{ text: 'just text', start: 0, end: 9, headings: [] }]);
    const plain = chunkMarkdown(doc, { includeHeadings: false, chunkSize: 400, chunkOverlap: 0 });
    expect(plain[3]).toMatchObject({ text: '## Usage\n\nCall it.', headings: ['# Guide', '## Usage'] });
    expect(plain[3]!.text).toBe(doc.slice(plain[3]!.start, plain[3]!.end));
  });
});

describe('chunkSentences', () => {
  it('packs whole sentences, overlapping by sentences', () => {
    const text = 'One is first. Two comes next! Is three a question? Four ends it. Five is extra.';
    const chunks = chunkSentences(text, { chunkSize: 40, chunkOverlap: 16 });
    expectSlices(text, chunks, 40);
    expectCoverage(text, chunks);
    expect(chunks.map((chunk) => chunk.text)).toEqual(['One is first. Two comes next!', 'Two comes next! Is three a question?', 'Four ends it. Five is extra.']);
  });

  it('splits a sentence longer than chunkSize and handles empty input', () => {
    const long = `Long ${'word '.repeat(40).trim()}.`;
    const chunks = chunkSentences(`Short one. ${long} After.`, { chunkSize: 50, chunkOverlap: 10 });
    expect(chunks[0]!.text).toBe('Short one.');
    expect(chunks.at(-1)!.text).toBe('After.');
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(50);
    expect(chunkSentences('')).toEqual([]);
  });
});
