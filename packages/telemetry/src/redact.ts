/** The replacement for redacted values. */
export const REDACTED = '[REDACTED]';

/** Keys redacted by default, compared without case, `-` or `_` (so `x-api-key`, `X_API_KEY` and `xApiKey` all match). */
export const defaultRedactKeys: readonly string[] = [
  'apiKey',
  'x-api-key',
  'authorization',
  'proxy-authorization',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'sessionToken',
  'authToken',
  'bearerToken',
  'privateKey',
  'cookie',
  'set-cookie',
  'x-goog-api-key',
];

const suffixes = ['apikey', 'secret', 'password', 'accesstoken', 'refreshtoken', 'authtoken', 'privatekey'];
const urlParameter = /([?&#;](?:api[_-]?key|key|access[_-]?token|refresh[_-]?token|id[_-]?token|auth[_-]?token|token|auth|client[_-]?secret|secret|password|passwd|sig|signature|x-api-key|x-amz-signature|x-amz-security-token)=)[^&#\s"'<>]+/gi;
const userInfo = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s"']+:)[^@/\s"']+@/gi;
const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const knownKey = /\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|gsk_[A-Za-z0-9]{16,}|xai-[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{30,})/g;
const maxDepth = 24;
const maybeSecret = /[=@]|Bearer|Basic|sk-|gsk_|xai-|AIza/;

/** Options of `createRedactor`. */
export interface RedactOptions {
  /** Keys whose values are replaced, in addition to (or, with `replaceDefaults`, instead of) `defaultRedactKeys`. */
  keys?: readonly string[];
  /** Use only `keys`, not the defaults. */
  replaceDefaults?: boolean;
  /** Also scrub secrets inside strings (URL query tokens, URL passwords, `Bearer …`, well-known API key shapes). Default true. */
  strings?: boolean;
  /** The replacement text. Default `[REDACTED]`. */
  censor?: string;
}

/** A function returning a redacted copy of a value (the value itself when nothing needed redaction). */
export type Redactor = (value: unknown) => unknown;

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Redacts secrets in a string: URL query tokens (`?key=`, `access_token=`…), URL passwords, `Bearer` tokens, API key shapes. */
export function redactString(text: string, censor: string = REDACTED): string {
  if (!maybeSecret.test(text)) return text;
  return text
    .replace(urlParameter, `$1${censor}`)
    .replace(userInfo, `$1${censor}@`)
    .replace(bearer, `$1 ${censor}`)
    .replace(knownKey, censor);
}

/**
 * Creates a redactor: values under secret keys (at any depth, in objects, arrays, `Map`s and `Headers`) are replaced,
 * and secrets inside strings are scrubbed. Objects are copied only where something changed; cycles are kept safe.
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const censor = options.censor ?? REDACTED;
  const keys = new Set([...(options.replaceDefaults ? [] : defaultRedactKeys), ...(options.keys ?? [])].map(normalize));
  const strings = options.strings ?? true;
  const decisions = new Map<string, boolean>();
  const secretKey = (key: string): boolean => {
    let decision = decisions.get(key);
    if (decision === undefined) {
      const normalized = normalize(key);
      decision = keys.has(normalized) || (!options.replaceDefaults && suffixes.some((suffix) => normalized.endsWith(suffix)));
      if (decisions.size < 10_000) decisions.set(key, decision);
    }
    return decision;
  };

  // log lines repeat the same strings (messages, ids, model names): remember short ones
  const memo = new Map<string, string>();
  const scrub = (text: string): string => {
    if (text.length > 256) return redactString(text, censor);
    let result = memo.get(text);
    if (result === undefined) {
      result = redactString(text, censor);
      if (memo.size >= 2048) memo.clear();
      memo.set(text, result);
    }
    return result;
  };

  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return strings ? scrub(value) : value;
    if (value === null || typeof value !== 'object') return value;
    // deeper than any sane log payload: also what stops a cycle
    if (depth > maxDepth) return '[Truncated]';
    const seen = depth + 1;
    const prototype = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) return visitObject(value as Record<string, unknown>, seen);
    {
      if (value instanceof Error) return redactError(value, seen);
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        for (let index = 0; index < value.length; index++) {
          const item = value[index];
          const next = visit(item, seen);
          if (next !== item) (copy ??= value.slice())[index] = next;
        }
        return copy ?? value;
      }
      if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), secretKey(String(key)) ? censor : visit(item, seen)]));
      if (typeof Headers !== 'undefined' && value instanceof Headers) return Object.fromEntries([...value].map(([key, item]) => [key, secretKey(key) ? censor : visit(item, seen)]));
      if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof URLSearchParams) return value instanceof URLSearchParams ? visit(`?${value.toString()}`, seen) : value;
      if (value instanceof URL) return visit(value.href, seen);
      return visitObject(value as Record<string, unknown>, seen);
    }
  };

  const visitObject = (value: Record<string, unknown>, depth: number): unknown => {
    let copy: Record<string, unknown> | undefined;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const item = value[key];
      let next: unknown;
      if (secretKey(key)) next = item === undefined || item === null ? item : censor;
      else if (typeof item === 'string') next = strings ? scrub(item) : item;
      else if (item === null || typeof item !== 'object') continue;
      else next = visit(item, depth);
      if (next !== item) (copy ??= { ...value })[key] = next;
    }
    return copy ?? value;
  };

  const redactError = (error: Error, seen: number): unknown => {
    const message = strings ? redactString(error.message, censor) : error.message;
    const stack = error.stack === undefined || !strings ? error.stack : redactString(error.stack, censor);
    const extra: Record<string, unknown> = {};
    let changed = message !== error.message || stack !== error.stack;
    for (const key of Object.keys(error)) {
      const item = (error as unknown as Record<string, unknown>)[key];
      const next = secretKey(key) ? censor : visit(item, seen);
      if (next !== item) changed = true;
      extra[key] = next;
    }
    if ('cause' in error && error.cause !== undefined) {
      const cause = visit(error.cause, seen);
      if (cause !== error.cause) changed = true;
      extra.cause = cause;
    }
    if (!changed) return error;
    const copy = new Error(message);
    copy.name = error.name;
    copy.stack = stack ?? '';
    return Object.assign(copy, extra);
  };

  return (value: unknown) => visit(value, 0);
}
