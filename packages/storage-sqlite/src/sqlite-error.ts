import { MastraTsError, StorageError } from '@mastra-ts/core';

/** Keeps mastra-ts errors as they are; wraps anything else (a SQLite error) in a `StorageError` naming the fix. */
export function toStorageError(operation: string, error: unknown): Error {
  if (MastraTsError.isInstance(error)) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  const text = error instanceof Error ? error.message : String(error);
  let message = text;
  if (/no such table/i.test(text)) message = `${text}: call \`await storage.migrate()\` once before using the store`;
  else if (code?.startsWith('SQLITE_BUSY')) message = `${text}: the database is locked by another process for longer than busyTimeoutMs; raise busyTimeoutMs or shorten that process's transactions`;
  else if (code?.startsWith('SQLITE_READONLY')) message = `${text}: the database file or its folder is read-only; check the file permissions`;
  return new StorageError({ store: 'sqlite', operation, message: code ? `${message} (${code})` : message, cause: error });
}
