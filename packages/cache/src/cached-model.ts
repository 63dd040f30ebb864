import {
  AbortError,
  TypeValidationError,
  throwIfAborted,
  type Cache,
  type JSONValue,
  type LanguageModelV1,
  type LanguageModelV1CallOptions,
  type LanguageModelV1GenerateResult,
  type LanguageModelV1StreamPart,
  type LanguageModelV1StreamResult,
  type ProviderOptions,
} from '@mastra-ts/core';
import { hashKey } from './hash-key.ts';
import { fromJsonSafe, toJsonSafe } from './json-safe.ts';
import { SharedStream } from './shared-stream.ts';
import { SingleFlight } from './single-flight.ts';

/** The `providerOptions` key read (and removed before the provider sees it) by `cachedModel`. */
export const CACHE_PROVIDER_OPTIONS_KEY = 'cache';

/** The `providerMetadata` key marking a response served from the cache: `{ 'mastra-cache': { hit: true, key } }`. */
export const CACHE_METADATA_KEY = 'mastra-cache';

/** Per-call settings, passed as `providerOptions: { cache: { … } }`. */
export interface CachedModelCallSettings {
  /** `false` bypasses the cache for this call; `true` caches it even when the model's `enabled` is false. */
  enabled?: boolean;
  /** Time to live of this call's entry. */
  ttlMs?: number;
}

/** What `onLookup` reports. */
export interface CacheLookupEvent {
  key: string;
  kind: 'generate' | 'stream';
  /** `hit`: served from the cache; `shared`: joined an identical call in flight; `miss`: the provider was called. */
  outcome: 'hit' | 'shared' | 'miss';
}

/** Settings of `cachedModel`. */
export interface CachedModelSettings {
  /** Where responses are kept: `createLRUCache(...)`, core's `InMemoryCache`, `createRecordStoreCache(...)`, … */
  cache: Cache;
  /** Time to live of entries (default: the cache's own default). */
  ttlMs?: number;
  /** A custom key for a call (prefixed with the namespace). Default: SHA-256 of the canonical JSON of the call options without `abortSignal` and `headers`. */
  key?: (options: LanguageModelV1CallOptions, model: LanguageModelV1) => string;
  /** Key prefix, so several models or apps can share one cache. Default `model-response`. */
  namespace?: string;
  /** Cache calls by default (true). With false, only calls with `providerOptions.cache.enabled: true` are cached. */
  enabled?: boolean;
  /** Also cache responses that call tools (default false: replaying them would repeat the tools' side effects without the model deciding again). */
  cacheToolCalls?: boolean;
  /** Add `providerMetadata['mastra-cache'] = { hit: true, key }` to cached answers (on the `finish` part of replayed streams). Default false: a hit is then identical to the original response. */
  markHits?: boolean;
  /** Called when the cache itself fails (read or write); the call then goes to the provider as if uncached. Default: a process warning. */
  onCacheError?: (error: unknown) => void;
  /** Called on every cached lookup, e.g. to count hits and misses in metrics. */
  onLookup?: (event: CacheLookupEvent) => void;
}

type CachedEntry =
  | { v: 1; kind: 'generate'; result: unknown }
  | { v: 1; kind: 'stream'; parts: unknown; request?: unknown; response?: unknown };

/**
 * Wraps a `LanguageModelV1` so that identical calls are answered from a cache: `doGenerate` results are stored,
 * `doStream` parts are recorded and replayed as parts. Concurrent identical calls reach the provider once.
 * Errors, streams with an `error` part and (unless `cacheToolCalls`) tool-calling responses are never cached.
 *
 * @example
 * const model = cachedModel(openai('gpt-4o-mini'), { cache: createLRUCache({ maxEntries: 500 }), ttlMs: 3_600_000 });
 * const agent = new Agent({ name: 'faq', instructions: '…', model });
 * await agent.generate('Hi', { providerOptions: { cache: { enabled: false } } }); // bypass once
 */
export function cachedModel(model: LanguageModelV1, settings: CachedModelSettings): LanguageModelV1 {
  return new CachedLanguageModel(model, settings);
}

class CachedLanguageModel implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly #model: LanguageModelV1;
  readonly #settings: CachedModelSettings;
  readonly #generations = new SingleFlight<LanguageModelV1GenerateResult>();
  readonly #streams = new Map<string, { ready: Promise<{ shared: SharedStream<LanguageModelV1StreamPart>; result: LanguageModelV1StreamResult }> }>();

  constructor(model: LanguageModelV1, settings: CachedModelSettings) {
    if (settings?.cache == null || typeof settings.cache.get !== 'function' || typeof settings.cache.set !== 'function') {
      throw invalid('cache', settings?.cache, 'cachedModel: settings.cache is required and must implement Cache: cachedModel(model, { cache: createLRUCache({ maxEntries: 500 }) })', 'cachedModel settings');
    }
    this.#model = model;
    this.#settings = settings;
    this.provider = model.provider;
    this.modelId = model.modelId;
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    const { call, control } = splitOptions(options);
    if (!this.#enabled(control)) return this.#model.doGenerate(call);
    throwIfAborted(options.abortSignal);
    const key = this.#key('generate', call);
    const entry = await this.#read(key, options.abortSignal);
    if (entry?.v === 1 && entry.kind === 'generate') {
      this.#report(key, 'generate', 'hit');
      const result = fromJsonSafe(entry.result) as LanguageModelV1GenerateResult;
      return this.#settings.markHits ? { ...result, providerMetadata: { ...result.providerMetadata, [CACHE_METADATA_KEY]: { hit: true, key } } } : result;
    }
    this.#report(key, 'generate', this.#generations.has(key) ? 'shared' : 'miss');
    const result = await this.#generations.run(
      key,
      async (abortSignal) => {
        const { abortSignal: _ignored, ...rest } = call;
        const generated = await this.#model.doGenerate({ ...rest, abortSignal });
        if (this.#cacheable(generated.finishReason, generated.content.some((part) => part.type === 'tool-call'))) {
          const { response, ...others } = generated;
          const { body: _body, ...responseMeta } = response ?? {};
          await this.#write(key, { v: 1, kind: 'generate', result: toJsonSafe({ ...others, ...(response ? { response: responseMeta } : {}) }) }, control);
        }
        return generated;
      },
      options.abortSignal,
    );
    return fromJsonSafe(toJsonSafe(result)) as LanguageModelV1GenerateResult;
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    const { call, control } = splitOptions(options);
    if (!this.#enabled(control)) return this.#model.doStream(call);
    throwIfAborted(options.abortSignal);
    const key = this.#key('stream', call);
    const entry = await this.#read(key, options.abortSignal);
    if (entry?.v === 1 && entry.kind === 'stream') {
      this.#report(key, 'stream', 'hit');
      let parts = fromJsonSafe(entry.parts) as LanguageModelV1StreamPart[];
      if (this.#settings.markHits) {
        parts = parts.map((part) => (part.type === 'finish' ? { ...part, providerMetadata: { ...part.providerMetadata, [CACHE_METADATA_KEY]: { hit: true, key } } } : part));
      }
      return {
        stream: replay(parts, options.abortSignal),
        ...(entry.request === undefined ? {} : { request: fromJsonSafe(entry.request) as { body?: unknown } }),
        ...(entry.response === undefined ? {} : { response: fromJsonSafe(entry.response) as LanguageModelV1StreamResult['response'] }),
      };
    }
    let flight = this.#streams.get(key);
    this.#report(key, 'stream', flight ? 'shared' : 'miss');
    if (!flight) {
      const created = { ready: this.#startStream(key, call, control) };
      this.#streams.set(key, created);
      created.ready.catch(() => {
        if (this.#streams.get(key) === created) this.#streams.delete(key);
      });
      flight = created;
    }
    const { shared, result } = await flight.ready;
    return { ...result, stream: shared.subscribe(options.abortSignal) };
  }

  async #startStream(
    key: string,
    call: LanguageModelV1CallOptions,
    control: CachedModelCallSettings,
  ): Promise<{ shared: SharedStream<LanguageModelV1StreamPart>; result: LanguageModelV1StreamResult }> {
    const controller = new AbortController();
    const { abortSignal: _ignored, ...rest } = call;
    const result = await this.#model.doStream({ ...rest, abortSignal: controller.signal });
    const shared: SharedStream<LanguageModelV1StreamPart> = new SharedStream(result.stream, {
      abortUpstream: (reason) => controller.abort(reason),
      onEnd: (ok, parts) => {
        const flight = this.#streams.get(key);
        const forget = (): void => {
          if (this.#streams.get(key) === flight) this.#streams.delete(key);
        };
        const finish = parts.findLast((part) => part.type === 'finish');
        const failed = !ok || finish === undefined || parts.some((part) => part.type === 'error');
        if (failed || !this.#cacheable(finish.finishReason, parts.some((part) => part.type === 'tool-call'))) {
          forget();
          return;
        }
        const entry: CachedEntry = {
          v: 1,
          kind: 'stream',
          parts: toJsonSafe(parts),
          ...(result.request === undefined ? {} : { request: toJsonSafe(result.request) }),
          ...(result.response === undefined ? {} : { response: toJsonSafe(result.response) }),
        };
        // joiners keep replaying this recording until the cache has it, so no identical call reaches the provider meanwhile
        Promise.resolve()
          .then(() => this.#write(key, entry, control))
          .finally(forget);
      },
    });
    return { shared, result };
  }

  async #read(key: string, abortSignal: AbortSignal | undefined): Promise<CachedEntry | undefined> {
    try {
      return (await this.#settings.cache.get(key, abortSignal ? { abortSignal } : undefined)) as CachedEntry | undefined;
    } catch (error) {
      if (AbortError.isInstance(error)) throw error;
      this.#cacheError(error);
      return undefined;
    }
  }

  async #write(key: string, entry: CachedEntry, control: CachedModelCallSettings): Promise<void> {
    try {
      await this.#settings.cache.set(key, entry, this.#ttl(control));
    } catch (error) {
      this.#cacheError(error);
    }
  }

  #cacheError(error: unknown): void {
    if (this.#settings.onCacheError) this.#settings.onCacheError(error);
    else process.emitWarning(`@mastra-ts/cache: cachedModel cache failed: ${error instanceof Error ? error.message : String(error)}`, { type: 'CacheWarning' });
  }

  #enabled(control: CachedModelCallSettings): boolean {
    return control.enabled ?? this.#settings.enabled ?? true;
  }

  #cacheable(finishReason: string, callsTools: boolean): boolean {
    if (finishReason === 'error') return false;
    return !callsTools || this.#settings.cacheToolCalls === true;
  }

  #ttl(control: CachedModelCallSettings): { ttlMs: number } | undefined {
    const ttlMs = control.ttlMs ?? this.#settings.ttlMs;
    return ttlMs === undefined ? undefined : { ttlMs };
  }

  #key(kind: 'generate' | 'stream', call: LanguageModelV1CallOptions): string {
    const namespace = this.#settings.namespace ?? 'model-response';
    if (this.#settings.key) return `${namespace}:${kind}:${this.#settings.key(call, this.#model)}`;
    const { abortSignal: _signal, headers: _headers, ...rest } = call;
    return `${namespace}:${kind}:${hashKey({ v: 1, provider: this.#model.provider, modelId: this.#model.modelId, call: rest })}`;
  }

  #report(key: string, kind: 'generate' | 'stream', outcome: CacheLookupEvent['outcome']): void {
    this.#settings.onLookup?.({ key, kind, outcome });
  }
}

function splitOptions(options: LanguageModelV1CallOptions): { call: LanguageModelV1CallOptions; control: CachedModelCallSettings } {
  const providerOptions = options.providerOptions;
  const raw = providerOptions?.[CACHE_PROVIDER_OPTIONS_KEY];
  if (raw === undefined) return { call: options, control: {} };
  const { [CACHE_PROVIDER_OPTIONS_KEY]: _removed, ...others } = providerOptions as ProviderOptions;
  const call: LanguageModelV1CallOptions = { ...options };
  if (Object.keys(others).length > 0) call.providerOptions = others;
  else delete call.providerOptions;
  return { call, control: parseControl(raw) };
}

function parseControl(raw: Record<string, JSONValue | undefined>): CachedModelCallSettings {
  const control: CachedModelCallSettings = {};
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled !== 'boolean') throw invalid('enabled', raw.enabled, `providerOptions.cache.enabled must be a boolean, got ${JSON.stringify(raw.enabled)}`, 'providerOptions.cache');
    control.enabled = raw.enabled;
  }
  if (raw.ttlMs !== undefined) {
    if (typeof raw.ttlMs !== 'number' || !(raw.ttlMs > 0)) throw invalid('ttlMs', raw.ttlMs, `providerOptions.cache.ttlMs must be a positive number of milliseconds, got ${JSON.stringify(raw.ttlMs)}`, 'providerOptions.cache');
    control.ttlMs = raw.ttlMs;
  }
  return control;
}

function invalid(field: string, value: unknown, message: string, context: string): TypeValidationError {
  return new TypeValidationError({ value, issues: [{ path: [field], message }], context });
}

async function* replay(parts: LanguageModelV1StreamPart[], abortSignal: AbortSignal | undefined): AsyncGenerator<LanguageModelV1StreamPart> {
  for (const part of parts) {
    throwIfAborted(abortSignal);
    yield part;
  }
}
