import { throwIfAborted, type EmbeddingModelV1, type VectorStore } from '@mastra-ts/core';

/** A message waiting for its embedding. */
export interface EmbeddingJob {
  /** The message id, used as the vector id. */
  id: string;
  threadId: string;
  resourceId: string | undefined;
  createdAt: Date;
  /** The text to embed; empty for messages that only advance the stored position (tool traffic). */
  text: string;
  /** Time of the message before it in its thread when known (stored in the vector's metadata: one read loads a neighbourhood). */
  previousAt?: number | undefined;
  /** Its embedding when already known (the same text was embedded as a recall query): stored without an embedding call. */
  vector?: number[] | undefined;
}

/** Settings of an `EmbeddingQueue`. */
export interface EmbeddingQueueSettings {
  embedder: EmbeddingModelV1;
  vector: VectorStore;
  indexName: string;
  /** Values per embedding call (default: the model's limit, capped at 64). */
  batchSize?: number;
  /** Called after a batch is stored, before it leaves the queue (e.g. to advance a durable watermark). */
  onBatchStored?: (jobs: EmbeddingJob[]) => Promise<void>;
  /** Awaited before the index is first created (e.g. to inspect the vector store as it was before). */
  ready?: Promise<unknown>;
  /** Called when a background batch fails; the batch stays queued and is retried. */
  onError?: (error: unknown) => void;
  /** First retry delay in ms, doubled per failure up to `maxRetryDelayMs` (defaults 500 and 30000). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /**
   * How long a queued job may wait for others before a batch is sent (default 0: the next turn of the event loop).
   * A few milliseconds turn one embedding call per saved turn into one call per many turns under load.
   */
  lingerMs?: number;
  /**
   * Queued texts sent along with a recall query's embedding call (default 8): under steady traffic the previous
   * turn's messages are embedded by the next turn's query call, so a turn costs one embedding round trip.
   */
  piggybackLimit?: number;
}

const maxTextLength = 8000;

/** A job that needs no embedding call: its vector is known (it was sent along with a query), or it has no text. */
const ready = (job: EmbeddingJob): boolean => job.vector !== undefined || job.text.length === 0;

/** Truncates a text as the queue and the query embedding do, so equal texts get equal keys. */
export function embeddingInput(text: string): string {
  return text.length > maxTextLength ? text.slice(0, maxTextLength) : text;
}

/**
 * Embeds saved messages in the background, in batches and in order. A failed batch stays at the head of
 * the queue and is retried with backoff; `flush()` processes everything now and rejects when it cannot.
 */
export class EmbeddingQueue {
  readonly #settings: EmbeddingQueueSettings;
  readonly #batchSize: number;
  #jobs: EmbeddingJob[] = [];
  #running: Promise<void> | undefined;
  #inflight: Promise<unknown> | undefined;
  #scheduled = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #lastError: unknown;
  #indexDimension: number | undefined;
  #enqueued = 0;
  readonly #sequence = new WeakMap<EmbeddingJob, number>();

  constructor(settings: EmbeddingQueueSettings) {
    this.#settings = settings;
    this.#batchSize = Math.max(1, settings.batchSize ?? Math.min(64, settings.embedder.maxEmbeddingsPerCall ?? 64));
  }

  /** Jobs not yet stored. */
  get pending(): number {
    return this.#jobs.length;
  }

  /** The error of the last failed batch, until a batch succeeds. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Jobs of one thread not yet stored. */
  pendingFor(threadId: string): number {
    let count = 0;
    for (const job of this.#jobs) if (job.threadId === threadId) count++;
    return count;
  }

  /** Queues jobs and schedules processing after the current turn of the event loop. */
  enqueue(jobs: EmbeddingJob[]): void {
    for (const job of jobs) {
      const queued = { ...job, text: embeddingInput(job.text) };
      this.#sequence.set(queued, this.#enqueued++);
      this.#jobs.push(queued);
    }
    this.#schedule();
  }

  /**
   * Embeds a query text, taking the oldest queued texts along in the same call when the queue is idle (up to
   * `piggybackLimit`, within the embedder's batch size). Their vectors stay with their jobs, which are stored with the
   * next background batch (after `lingerMs`: under steady traffic one upsert covers many turns, off every caller's
   * path); when the shared call fails, the query is embedded alone and the jobs stay queued.
   */
  async embedQuery(text: string, abortSignal: AbortSignal | undefined): Promise<number[]> {
    const input = embeddingInput(text);
    const limit = Math.min(this.#settings.piggybackLimit ?? 8, this.#batchSize - 1);
    const taken: EmbeddingJob[] = [];
    if (limit > 0 && !this.#running && !this.#retryTimer && this.#lastError === undefined) {
      let values = 0;
      for (const job of this.#jobs) {
        const needs = job.vector === undefined && job.text.length > 0;
        if (needs && values >= limit) break;
        if (needs) values++;
        taken.push(job);
      }
      if (values === 0) taken.length = 0;
    }
    if (taken.length === 0) return this.#embedOne(input, abortSignal);
    const sent = taken.filter((job) => job.vector === undefined && job.text.length > 0);
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    this.#running = running;
    let embeddings: number[][];
    try {
      ({ embeddings } = await this.#settings.embedder.doEmbed({ values: [input, ...sent.map((job) => job.text)], ...(abortSignal ? { abortSignal } : {}) }));
      if (embeddings.length !== sent.length + 1) throw new Error(`embedder returned ${embeddings.length} embeddings for ${sent.length + 1} values`);
    } catch (error) {
      this.#running = undefined;
      release();
      if (this.#jobs.length > 0) this.#schedule();
      if (abortSignal?.aborted) throw error;
      return this.#embedOne(input, abortSignal);
    }
    for (let index = 0; index < sent.length; index++) sent[index]!.vector = embeddings[index + 1]!;
    this.#running = undefined;
    release();
    this.#schedule();
    return embeddings[0]!;
  }

  async #embedOne(input: string, abortSignal: AbortSignal | undefined): Promise<number[]> {
    const { embeddings } = await this.#settings.embedder.doEmbed({ values: [input], ...(abortSignal ? { abortSignal } : {}) });
    const vector = embeddings[0];
    if (!vector) throw new Error(`embedder ${this.#settings.embedder.provider}/${this.#settings.embedder.modelId} returned no embedding for the query`);
    return vector;
  }

  /** Processes every queued job now (retrying failed ones once more); rejects with the error when a batch fails. */
  async flush(options: { abortSignal?: AbortSignal } = {}): Promise<void> {
    if (this.#retryTimer) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
    }
    while (this.#running) await this.#running;
    throwIfAborted(options.abortSignal);
    if (this.#jobs.length === 0) return;
    this.#running = this.#drain(options.abortSignal);
    try {
      await this.#running;
    } finally {
      this.#running = undefined;
    }
    if (this.#jobs.length > 0) {
      this.#scheduleRetry();
      throw this.#lastError;
    }
  }

  /** Drops a thread's queued jobs and waits for a batch in flight, so no vector of it is written afterwards. */
  async removeThread(threadId: string): Promise<void> {
    this.#jobs = this.#jobs.filter((job) => job.threadId !== threadId);
    if (this.#inflight) await this.#inflight.catch(() => {});
  }

  /** Stops background retries (queued jobs stay in memory). */
  close(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || this.#retryTimer) return;
    this.#scheduled = true;
    const linger = this.#settings.lingerMs ?? 0;
    const lingering = linger > 0 && this.#jobs.length < this.#batchSize;
    const dueBefore = this.#enqueued;
    const run = (): void => {
      this.#scheduled = false;
      if (this.#running || this.#jobs.length === 0) return;
      // only jobs queued before the timer was set have lingered long enough; newer ones wait for a query to take them
      // along (`embedQuery`) or for the next timer. Jobs whose vector is known (from a query) are stored now.
      if (lingering && this.#jobs.length < this.#batchSize && !ready(this.#jobs[0]!) && (this.#sequence.get(this.#jobs[0]!) ?? 0) >= dueBefore) {
        this.#schedule();
        return;
      }
      this.#running = this.#drain(undefined, true, lingering ? dueBefore : Number.POSITIVE_INFINITY).finally(() => {
        this.#running = undefined;
        if (this.#jobs.length > 0 && this.#lastError === undefined) this.#schedule();
      });
    };
    if (lingering) setTimeout(run, linger).unref?.();
    else setImmediate(run);
  }

  #scheduleRetry(): void {
    if (this.#retryTimer) return;
    const base = this.#settings.retryDelayMs ?? 500;
    const delay = Math.min(this.#settings.maxRetryDelayMs ?? 30_000, base * 2 ** Math.min(this.#failures - 1, 16));
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#lastError = undefined;
      this.#schedule();
    }, delay);
    this.#retryTimer.unref?.();
  }

  /**
   * Stores the queued jobs in batches, in order. In the background (`dueBefore`: the sequence of the first job that has
   * not lingered yet), when no lingered job needs an embedding call, a batch stops before the first young job that does:
   * it waits for a query to take it along, or for the next timer. `flush()` never waits.
   */
  async #drain(abortSignal: AbortSignal | undefined, background = false, dueBefore = Number.POSITIVE_INFINITY): Promise<void> {
    let sent = false;
    while (this.#jobs.length > 0) {
      // in the background, a partial batch after a sent one waits for company (the caller schedules it again with the
      // linger delay)
      if (background && sent && this.#jobs.length < this.#batchSize && (this.#settings.lingerMs ?? 0) > 0) return;
      let batch = this.#jobs.slice(0, this.#batchSize);
      // a job that lingered and needs an embedding call takes the whole batch along; otherwise only the known vectors
      // before the first young job are stored, without a call
      if (background && !batch.some((job) => !ready(job) && (this.#sequence.get(job) ?? 0) < dueBefore)) {
        const young = batch.findIndex((job) => !ready(job));
        if (young === 0) return;
        if (young > 0) batch = batch.slice(0, young);
      }
      const work = this.#store(batch, abortSignal);
      this.#inflight = work;
      try {
        await work;
      } catch (error) {
        this.#failures++;
        this.#lastError = error;
        if (abortSignal === undefined) {
          this.#settings.onError?.(error);
          this.#scheduleRetry();
        }
        return;
      } finally {
        this.#inflight = undefined;
      }
      this.#failures = 0;
      this.#lastError = undefined;
      const done = new Set(batch);
      this.#jobs = this.#jobs.filter((job) => !done.has(job));
      sent = true;
    }
  }

  async #store(batch: EmbeddingJob[], abortSignal: AbortSignal | undefined): Promise<void> {
    const unique = new Map<string, EmbeddingJob>();
    for (const job of batch) {
      unique.delete(job.id);
      if (job.text.length > 0) unique.set(job.id, job);
    }
    const jobs = [...unique.values()];
    if (jobs.length > 0) await this.#embed(jobs, abortSignal);
    await this.#settings.onBatchStored?.(batch);
  }

  async #embed(batch: EmbeddingJob[], abortSignal: AbortSignal | undefined): Promise<void> {
    const { embedder, vector, indexName } = this.#settings;
    const missing = batch.filter((job) => job.vector === undefined);
    const embeddings = batch.map((job) => job.vector);
    if (missing.length > 0) {
      const { embeddings: fresh } = await embedder.doEmbed({ values: missing.map((job) => job.text), ...(abortSignal ? { abortSignal } : {}) });
      if (fresh.length !== missing.length) {
        throw new Error(`embedder ${embedder.provider}/${embedder.modelId} returned ${fresh.length} embeddings for ${missing.length} values`);
      }
      let next = 0;
      for (let index = 0; index < batch.length; index++) if (embeddings[index] === undefined) embeddings[index] = fresh[next++]!;
    }
    const dimension = embeddings[0]!.length;
    if (this.#indexDimension !== dimension) {
      await this.#settings.ready?.catch(() => {});
      await vector.createIndex({ indexName, dimension, metric: 'cosine', ...(abortSignal ? { abortSignal } : {}) });
      this.#indexDimension = dimension;
    }
    await vector.upsert({
      indexName,
      ids: batch.map((job) => job.id),
      vectors: embeddings as number[][],
      metadata: batch.map((job) => ({
        threadId: job.threadId,
        ...(job.resourceId === undefined ? {} : { resourceId: job.resourceId }),
        createdAt: job.createdAt.getTime(),
        ...(job.previousAt === undefined ? {} : { previousAt: job.previousAt }),
      })),
      ...(abortSignal ? { abortSignal } : {}),
    });
  }
}
