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
const hasOwnProperty = Object.prototype.hasOwnProperty;
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
 * A cheap, conservative pre-check on the last two characters of a key, as a table indexed by their char codes:
 * 0 only when no name and no suffix (compared normalized) can end that way, so most keys skip the decision cache.
 * Undefined when some name is too short for the check. Keys with a non-ASCII character in those two places always
 * go on to the full decision (lower-casing may change their length).
 */
function keyEndings(names: readonly string[]): Uint8Array | undefined {
  const pairs = new Uint8Array(128 * 128);
  const cases = (code: number): number[] => (code >= 97 && code <= 122 ? [code, code - 32] : [code]);
  for (const name of names) {
    if (name.length < 2) return undefined;
    const last = name.charCodeAt(name.length - 1);
    const before = name.charCodeAt(name.length - 2);
    if (last >= 128 || before >= 128) continue;
    for (const b of cases(before)) for (const l of cases(last)) pairs[(b << 7) | l] = 1;
  }
  // `-` and `_` are dropped by normalization: a key ending with one (or with one before its last character) always passes
  for (let code = 0; code < 128; code++) {
    for (const separator of [45, 95]) {
      pairs[(separator << 7) | code] = 1;
      pairs[(code << 7) | separator] = 1;
    }
  }
  return pairs;
}

/**
 * Settings and caches of one redactor (opaque outside this file). The walk below is made of module-level functions
 * taking this state, rather than closures made per redactor, so that V8 optimizes and inlines one copy of them
 * however many loggers exist.
 */
export interface RedactorState {
  readonly censor: string;
  readonly keys: ReadonlySet<string>;
  readonly withSuffixes: boolean;
  readonly strings: boolean;
  readonly endings: Uint8Array | undefined;
  readonly decisions: Map<string, boolean>;
  readonly memo: Map<string, string>;
}

function decide(state: RedactorState, key: string): boolean {
  let decision = state.decisions.get(key);
  if (decision === undefined) {
    const normalized = normalize(key);
    decision = state.keys.has(normalized) || (state.withSuffixes && suffixes.some((suffix) => normalized.endsWith(suffix)));
    if (state.decisions.size < 10_000) state.decisions.set(key, decision);
  }
  return decision;
}

function secretKey(state: RedactorState, key: string): boolean {
  const endings = state.endings;
  const length = key.length;
  if (endings !== undefined && length >= 2) {
    const last = key.charCodeAt(length - 1);
    const before = key.charCodeAt(length - 2);
    if ((last | before) < 128 && endings[(before << 7) | last] === 0) return false;
  }
  return decide(state, key);
}

// log lines repeat the same strings (messages, ids, model names): short ones are remembered
function scrubMiss(state: RedactorState, text: string): string {
  const result = redactString(text, state.censor);
  if (state.memo.size >= 2048) state.memo.clear();
  state.memo.set(text, result);
  return result;
}

// no pattern of redactString matches fewer than 6 characters (`?key=x`)
function scrub(state: RedactorState, text: string): string {
  const length = text.length;
  if (length < 6) return text;
  if (length > 256) return redactString(text, state.censor);
  return state.memo.get(text) ?? scrubMiss(state, text);
}

function visit(state: RedactorState, value: unknown, depth: number): unknown {
  if (typeof value === 'string') return state.strings ? scrub(state, value) : value;
  if (value === null || typeof value !== 'object') return value;
  // deeper than any sane log payload: also what stops a cycle
  if (depth > maxDepth) return '[Truncated]';
  const seen = depth + 1;
  const prototype = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return visitObject(state, value as Record<string, unknown>, seen);
  if (value instanceof Error) return redactError(state, value, seen);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      const next = visit(state, item, seen);
      if (next !== item) (copy ??= value.slice())[index] = next;
    }
    return copy ?? value;
  }
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), secretKey(state, String(key)) ? state.censor : visit(state, item, seen)]));
  if (typeof Headers !== 'undefined' && value instanceof Headers) return Object.fromEntries([...value].map(([key, item]) => [key, secretKey(state, key) ? state.censor : visit(state, item, seen)]));
  if (value instanceof URLSearchParams) return visit(state, `?${value.toString()}`, seen);
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  if (value instanceof URL) return visit(state, value.href, seen);
  return visitObject(state, value as Record<string, unknown>, seen);
}

function visitObject(state: RedactorState, value: Record<string, unknown>, depth: number): unknown {
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!hasOwnProperty.call(value, key)) continue;
    const item = value[key];
    let next: unknown;
    if (secretKey(state, key)) next = item === undefined || item === null ? item : state.censor;
    else if (typeof item === 'string') {
      if (!state.strings) continue;
      next = scrub(state, item);
    } else if (item === null || typeof item !== 'object') continue;
    else next = visit(state, item, depth);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

function redactError(state: RedactorState, error: Error, seen: number): unknown {
  const message = state.strings ? redactString(error.message, state.censor) : error.message;
  const stack = error.stack === undefined || !state.strings ? error.stack : redactString(error.stack, state.censor);
  const extra: Record<string, unknown> = {};
  let changed = message !== error.message || stack !== error.stack;
  for (const key of Object.keys(error)) {
    const item = (error as unknown as Record<string, unknown>)[key];
    const next = secretKey(state, key) ? state.censor : visit(state, item, seen);
    if (next !== item) changed = true;
    extra[key] = next;
  }
  if ('cause' in error && error.cause !== undefined) {
    const cause = visit(state, error.cause, seen);
    if (cause !== error.cause) changed = true;
    extra.cause = cause;
  }
  if (!changed) return error;
  const copy = new Error(message);
  copy.name = error.name;
  copy.stack = stack ?? '';
  return Object.assign(copy, extra);
}

/** Redacts a value at any depth (a copy where something changed). */
export function redactValue(state: RedactorState, value: unknown): unknown {
  if (typeof value === 'string') return state.strings ? scrub(state, value) : value;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) return visitObject(state, value as Record<string, unknown>, 1);
  return visit(state, value, 0);
}

/** Creates the settings and caches of a redactor, for `redactValue`, `redactField` and `isSecretKey`. */
export function createRedactorState(options: RedactOptions = {}): RedactorState {
  const keys = new Set([...(options.replaceDefaults ? [] : defaultRedactKeys), ...(options.keys ?? [])].map(normalize));
  const withSuffixes = !options.replaceDefaults;
  return {
    censor: options.censor ?? REDACTED,
    keys,
    withSuffixes,
    strings: options.strings ?? true,
    endings: keyEndings([...keys, ...(withSuffixes ? suffixes : [])]),
    decisions: new Map(),
    memo: new Map(),
  };
}

/** Redacts a value found under a top-level key (the top level's keys being checked by the caller). */
export function redactField(state: RedactorState, value: unknown): unknown {
  return visit(state, value, 1);
}

/** Whether values under this key are replaced by the censor. */
export function isSecretKey(state: RedactorState, key: string): boolean {
  return secretKey(state, key);
}

/**
 * Creates a redactor: values under secret keys (at any depth, in objects, arrays, `Map`s and `Headers`) are replaced,
 * and secrets inside strings are scrubbed. Objects are copied only where something changed; cycles are kept safe.
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const state = createRedactorState(options);
  return (value: unknown) => redactValue(state, value);
}
