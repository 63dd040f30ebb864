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
}

const maxTextLength = 8000;

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
    for (const job of jobs) this.#jobs.push({ ...job, text: job.text.slice(0, maxTextLength) });
    this.#schedule();
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
    const run = (): void => {
      this.#scheduled = false;
      if (this.#running || this.#jobs.length === 0) return;
      this.#running = this.#drain(undefined, true).finally(() => {
        this.#running = undefined;
        if (this.#jobs.length > 0 && this.#lastError === undefined) this.#schedule();
      });
    };
    const linger = this.#settings.lingerMs ?? 0;
    if (linger > 0 && this.#jobs.length < this.#batchSize) setTimeout(run, linger).unref?.();
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

  async #drain(abortSignal: AbortSignal | undefined, background = false): Promise<void> {
    let sent = false;
    while (this.#jobs.length > 0) {
      // in the background, a partial batch after a sent one waits for company (the caller schedules it again with the
      // linger delay); flush() never waits
      if (background && sent && this.#jobs.length < this.#batchSize && (this.#settings.lingerMs ?? 0) > 0) return;
      const batch = this.#jobs.slice(0, this.#batchSize);
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
    const { embeddings } = await embedder.doEmbed({ values: batch.map((job) => job.text), ...(abortSignal ? { abortSignal } : {}) });
    if (embeddings.length !== batch.length) {
      throw new Error(`embedder ${embedder.provider}/${embedder.modelId} returned ${embeddings.length} embeddings for ${batch.length} values`);
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
      vectors: embeddings,
      metadata: batch.map((job) => ({
        threadId: job.threadId,
        ...(job.resourceId === undefined ? {} : { resourceId: job.resourceId }),
        createdAt: job.createdAt.getTime(),
      })),
      ...(abortSignal ? { abortSignal } : {}),
    });
  }
}
