import { tracingChannel } from 'node:diagnostics_channel';
import { pino, type Logger as PinoLogger } from 'pino';
import { isSecretKey, redactField, redactValue, type RedactorState } from './redact.ts';

const symbols = pino.symbols as unknown as Record<string, symbol | undefined>;
const symbol = (name: string): symbol => symbols[name] as symbol;
const asJsonSym = symbol('asJsonSym');
const chindingsSym = symbol('chindingsSym');
const endSym = symbol('endSym');
const errorKeySym = symbol('errorKeySym');
const formattersSym = symbol('formattersSym');
const lsCacheSym = symbol('lsCacheSym');
const messageKeySym = symbol('messageKeySym');
const nestedKeyStrSym = symbol('nestedKeyStrSym');
const nestedKeySym = symbol('nestedKeySym');
const serializersSym = symbol('serializersSym');
const stringifiersSym = symbol('stringifiersSym');
const stringifySafeSym = symbol('stringifySafeSym');
const stringifySym = symbol('stringifySym');
const wildcardFirstSym = symbol('wildcardFirstSym');

/** Whether the installed pino exposes every internal the redacting serializer needs (else redaction uses pino's formatters). */
export const redactingSerializerSupported: boolean = [asJsonSym, chindingsSym, endSym, errorKeySym, formattersSym, lsCacheSym, messageKeySym, nestedKeyStrSym, nestedKeySym, serializersSym, stringifiersSym, stringifySafeSym, stringifySym, wildcardFirstSym].every((value) => typeof value === 'symbol');

type Serialize = (value: unknown, ...rest: unknown[]) => unknown;
type Internals = Record<symbol, unknown>;

const hasOwnProperty = Object.prototype.hasOwnProperty;
// the channel pino's own serializer reports on, so that tracing integrations keep seeing every line
const asJsonChannel = tracingChannel('pino_asJson');

// pino's JSON string escaping (lib/tools.js `asString`): the fast path for short strings, JSON.stringify otherwise
function asString(text: string): string {
  let result = '';
  let last = 0;
  let found = false;
  let point = 255;
  const length = text.length;
  if (length > 100) return JSON.stringify(text);
  for (let index = 0; index < length && point >= 32; index++) {
    point = text.charCodeAt(index);
    if (point === 34 || point === 92) {
      result += `${text.slice(last, index)}\\`;
      last = index;
      found = true;
    }
  }
  if (!found) result = text;
  else result += text.slice(last);
  return point < 32 ? JSON.stringify(text) : `"${result}"`;
}

// `,"key":` for each key seen (log records reuse a small set of keys), so that a line escapes no key twice
const keyPrefixes = new Map<string, string>();
function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `,${asString(key)}:`;
    if (keyPrefixes.size < 4096) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

// one value as pino writes it (undefined: left out)
function serializeValue(value: unknown, stringifier: Serialize | undefined, stringify: Serialize, stringifySafe: unknown): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'function':
      return undefined;
    case 'number':
      return stringifier ? stringifier(Number.isFinite(value) ? value : null) : Number.isFinite(value) ? value : null;
    case 'boolean':
      return stringifier ? stringifier(value) : value;
    case 'string':
      return stringifier ? stringifier(value) : asString(value);
    default:
      return (stringifier ?? stringify)(value, stringifySafe);
  }
}

const redactionSym = Symbol('mastra-ts.redaction');

// pino's line serializer (lib/tools.js `_asJson`) with redaction in the same pass over the keys. A module-level
// function reading the redaction from the logger, so that one optimized copy serves every logger.
function redactingAsJson(this: Internals, obj: Record<string, unknown>, msg: unknown, num: number, time: string): string {
  const redaction = this[redactionSym] as RedactorState;
  const stringify = this[stringifySym] as Serialize;
  const stringifySafe = this[stringifySafeSym];
  const stringifiers = this[stringifiersSym] as Record<string | symbol, Serialize | undefined>;
  const serializers = this[serializersSym] as Record<string, Serialize | undefined>;
  const formatters = this[formattersSym] as { log?: (object: Record<string, unknown>) => Record<string, unknown> };
  const messageKey = this[messageKeySym] as string;
  const errorKey = this[errorKeySym] as string;
  const data = (this[lsCacheSym] as Record<number, string>)[num] + time + (this[chindingsSym] as string);
  if (formatters.log) obj = formatters.log(obj);
  const wildcardStringifier = stringifiers[wildcardFirstSym];
  let properties = '';
  for (const key in obj) {
    if (!hasOwnProperty.call(obj, key)) continue;
    let value: unknown = obj[key];
    if (value === undefined) continue;
    value = isSecretKey(redaction, key) ? (value === null ? value : redaction.censor) : redactField(redaction, value);
    const serializer = serializers[key];
    if (serializer) value = serializer(value);
    else if (key === errorKey && serializers.err) value = serializers.err(value);
    value = serializeValue(value, stringifiers[key] ?? wildcardStringifier, stringify, stringifySafe);
    if (value === undefined) continue;
    properties += keyPrefix(key) + (value as string);
  }
  let message = '';
  if (msg !== undefined) {
    let value: unknown = redactValue(redaction, msg);
    const serializer = serializers[messageKey];
    if (serializer) value = serializer(value);
    if (typeof value !== 'function') message = `,"${messageKey}":${serializeValue(value, stringifiers[messageKey] ?? wildcardStringifier, stringify, stringifySafe) as string}`;
  }
  if (this[nestedKeySym] && properties) return `${data}${this[nestedKeyStrSym] as string}${properties.slice(1)}}${message}${this[endSym] as string}`;
  return data + properties + message + (this[endSym] as string);
}

function asJson(this: Internals, obj: Record<string, unknown>, msg: unknown, num: number, time: string): string {
  if (!asJsonChannel.hasSubscribers) return redactingAsJson.call(this, obj, msg, num, time);
  return asJsonChannel.traceSync(redactingAsJson, { instance: this, arguments: [obj, msg, num, time] }, this, obj, msg, num, time);
}

/**
 * Replaces a pino logger's line serializer (`pino.symbols.asJsonSym`, inherited by its children) with pino's own
 * algorithm plus redaction in the same pass: each top-level key is checked once, values under secret keys become the
 * censor, other values are redacted (strings scrubbed, objects walked) before pino's serializers and stringifiers run,
 * and so is the message. Output is byte for byte what pino writes for the redacted record.
 */
export function installRedactingSerializer(logger: PinoLogger, redaction: RedactorState): void {
  const internals = logger as unknown as Internals;
  internals[redactionSym] = redaction;
  internals[asJsonSym] = asJson;
}
