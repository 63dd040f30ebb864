import { TypeValidationError } from '@mastra-ts/core';
import type { ChunkSizeSettings } from './text-chunk.ts';

/** Resolves and validates chunk sizes; bad values throw `TypeValidationError` naming the field. */
export function resolveChunkSizes(settings: ChunkSizeSettings, defaults: { chunkSize: number; chunkOverlap: number }): { chunkSize: number; chunkOverlap: number } {
  const chunkSize = settings.chunkSize ?? defaults.chunkSize;
  const chunkOverlap = settings.chunkOverlap ?? Math.min(defaults.chunkOverlap, Math.floor(chunkSize / 5));
  const fail = (field: string, value: unknown, message: string): never => {
    throw new TypeValidationError({ value, context: 'chunker settings', issues: [{ path: [field], message }] });
  };
  if (!Number.isInteger(chunkSize) || chunkSize < 1) fail('chunkSize', chunkSize, `chunkSize must be a positive integer, got ${String(chunkSize)}`);
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    fail('chunkOverlap', chunkOverlap, `chunkOverlap must be an integer from 0 to chunkSize - 1 (${chunkSize - 1}), got ${String(chunkOverlap)}`);
  }
  return { chunkSize, chunkOverlap };
}
