import type { Agent } from '../agent/agent.ts';
import type { Cache } from '../cache/cache.ts';
import { NotFoundError } from '../errors/not-found-error.ts';
import { noopLogger, type Logger } from '../observability/logger.ts';
import { noopTracer, type Tracer } from '../observability/tracer.ts';
import type { MemoryStore } from '../storage/memory-store.ts';
import type { RecordStore } from '../storage/record-store.ts';
import type { TraceStore } from '../storage/trace-store.ts';
import type { WorkflowStore } from '../storage/workflow-store.ts';
import type { AnyTool } from '../tools/tool.ts';
import type { VectorStore } from '../vector/vector-store.ts';

/** The stores a Mastra instance uses. `@mastra-ts/storage-sqlite` provides all four on one file. */
export interface MastraStorage {
  memory?: MemoryStore;
  workflows?: WorkflowStore;
  records?: RecordStore;
  traces?: TraceStore;
  /** Applies pending migrations; called by the server at start. */
  migrate?(): Promise<void>;
  /** Closes connections. */
  dispose?(): Promise<void>;
}

/** The minimal shape of a workflow, as the registry needs it (`@mastra-ts/workflow` provides workflows). */
export interface RegisteredWorkflow {
  readonly id: string;
  __registerMastra?(mastra: Mastra): void;
  /** Continues runs whose process died (lease expired); `Mastra.startWorkflowRecovery` calls each distinct one once. */
  __recover?(mastra: Mastra, options?: { limit?: number; abortSignal?: AbortSignal }): Promise<unknown[]>;
}

/** Constructor options of `Mastra`. */
export interface MastraConfig<
  Agents extends Record<string, Agent> = Record<string, Agent>,
  Workflows extends Record<string, RegisteredWorkflow> = Record<string, RegisteredWorkflow>,
> {
  agents?: Agents;
  workflows?: Workflows;
  /** Tools callable directly (server tool routes), beside agents' own tools. */
  tools?: Record<string, AnyTool>;
  storage?: MastraStorage;
  vectors?: Record<string, VectorStore>;
  logger?: Logger;
  tracer?: Tracer;
  cache?: Cache;
}

/**
 * The registry of a project: agents, workflows, tools, storage, vector stores, logger and tracer.
 * The server and CLI load a module that exports one.
 */
export class Mastra<
  Agents extends Record<string, Agent> = Record<string, Agent>,
  Workflows extends Record<string, RegisteredWorkflow> = Record<string, RegisteredWorkflow>,
> {
  readonly #agents: Agents;
  readonly #workflows: Workflows;
  readonly #tools: Record<string, AnyTool>;
  readonly #vectors: Record<string, VectorStore>;
  #storage: MastraStorage | undefined;
  #logger: Logger;
  #tracer: Tracer;
  readonly #cache: Cache | undefined;

  constructor(config: MastraConfig<Agents, Workflows> = {}) {
    this.#agents = (config.agents ?? {}) as Agents;
    this.#workflows = (config.workflows ?? {}) as Workflows;
    this.#tools = config.tools ?? {};
    this.#vectors = config.vectors ?? {};
    this.#storage = config.storage;
    this.#logger = config.logger ?? noopLogger;
    this.#tracer = config.tracer ?? noopTracer;
    this.#cache = config.cache;
    for (const agent of Object.values(this.#agents)) agent.__registerMastra(this);
    for (const workflow of Object.values(this.#workflows)) workflow.__registerMastra?.(this);
  }

  /** The agent registered under `name` (its key in `agents`) or with that `id`. */
  getAgent<Name extends keyof Agents & string>(name: Name): Agents[Name];
  getAgent(name: string): Agent;
  getAgent(name: string): Agent {
    const agent = this.#agents[name] ?? Object.values(this.#agents).find((candidate) => candidate.id === name);
    if (!agent) throw new NotFoundError({ entity: 'agent', id: name, available: Object.keys(this.#agents) });
    return agent;
  }

  /** The agent whose `id` is `id`. */
  getAgentById(id: string): Agent {
    return this.getAgent(id);
  }

  /** All agents by registry key. */
  listAgents(): Agents {
    return { ...this.#agents };
  }

  getWorkflow<Name extends keyof Workflows & string>(id: Name): Workflows[Name];
  getWorkflow(id: string): RegisteredWorkflow;
  getWorkflow(id: string): RegisteredWorkflow {
    const workflow = this.#workflows[id] ?? Object.values(this.#workflows).find((candidate) => candidate.id === id);
    if (!workflow) throw new NotFoundError({ entity: 'workflow', id, available: Object.keys(this.#workflows) });
    return workflow;
  }

  listWorkflows(): Workflows {
    return { ...this.#workflows };
  }

  /** A registered tool, by key or id. */
  getTool(id: string): AnyTool {
    const tool = this.#tools[id] ?? Object.values(this.#tools).find((candidate) => candidate.id === id);
    if (!tool) throw new NotFoundError({ entity: 'tool', id, available: Object.keys(this.#tools) });
    return tool;
  }

  listTools(): Record<string, AnyTool> {
    return { ...this.#tools };
  }

  getVector(name: string): VectorStore {
    const vector = this.#vectors[name];
    if (!vector) throw new NotFoundError({ entity: 'vector store', id: name, available: Object.keys(this.#vectors) });
    return vector;
  }

  listVectors(): Record<string, VectorStore> {
    return { ...this.#vectors };
  }

  getStorage(): MastraStorage | undefined {
    return this.#storage;
  }

  getLogger(): Logger {
    return this.#logger;
  }

  getTracer(): Tracer {
    return this.#tracer;
  }

  getCache(): Cache | undefined {
    return this.#cache;
  }

  /**
   * Continues the workflow runs whose process died (their lease expired) from their last committed step, on this
   * instance's workflow store. The server calls it once at start. Returns the recovered runs.
   */
  async startWorkflowRecovery(options: { limit?: number; abortSignal?: AbortSignal } = {}): Promise<unknown[]> {
    const seen = new Set<NonNullable<RegisteredWorkflow['__recover']>>();
    const recovered: unknown[] = [];
    for (const workflow of Object.values(this.#workflows)) {
      const recover = workflow.__recover;
      if (recover === undefined || seen.has(recover)) continue;
      seen.add(recover);
      recovered.push(...(await recover.call(workflow, this, options)));
    }
    return recovered;
  }

  /** Sets the storage (e.g. a server adding its SQLite default to a project that configured none). */
  setStorage(storage: MastraStorage): void {
    this.#storage = storage;
    // workflows pick their store at registration: register them again so they use the new one
    for (const workflow of Object.values(this.#workflows)) workflow.__registerMastra?.(this);
  }

  /** Sets the logger every registered agent and workflow uses from now on. */
  setLogger(logger: Logger): void {
    this.#logger = logger;
  }

  /** Sets the tracer every registered agent uses from now on. */
  setTracer(tracer: Tracer): void {
    this.#tracer = tracer;
  }
}
