/** An error as stored in a run snapshot and sent to clients. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string | undefined;
  cause?: SerializedError | undefined;
  [key: string]: unknown;
}

/** Turns any thrown value into plain JSON (name, message, stack, cause chain, own enumerable fields). */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: typeof error === 'string' ? error : safeJson(error) };
  const serialized: SerializedError = { name: error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (key === 'cause' || typeof value === 'function') continue;
    const json = safeJsonValue(value);
    if (json !== undefined) serialized[key] = json;
  }
  if (error.cause !== undefined && depth < 4) serialized.cause = serializeError(error.cause, depth + 1);
  return serialized;
}

/** Rebuilds an `Error` from its serialized form (the original class is not restored). */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message, serialized.cause === undefined ? undefined : { cause: deserializeError(serialized.cause) });
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  for (const [key, value] of Object.entries(serialized)) {
    if (key !== 'name' && key !== 'message' && key !== 'stack' && key !== 'cause') (error as unknown as Record<string, unknown>)[key] = value;
  }
  return error;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function safeJsonValue(value: unknown): unknown {
  try {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  } catch {
    return undefined;
  }
}
