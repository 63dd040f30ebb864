import { Agent, Mastra, createTool } from '@mastra-ts/core';
import { Memory } from '@mastra-ts/memory';
import { createSqliteStorage } from '@mastra-ts/storage-sqlite';
import { createVectorStore } from '@mastra-ts/vector';
import { createStep, createWorkflow } from '@mastra-ts/workflow';
import { z } from 'zod';
import { chooseModel } from './model.ts';

const storage = createSqliteStorage({ path: process.env.MASTRA_TS_DB ?? '.mastra-ts/mastra.db' });
// one persisted HNSW store in the same SQLite file, for the docs index and for memory's semantic recall
const vectors = createVectorStore({ index: 'hnsw', persistence: storage.vectors });

const weather = createTool({
  id: 'weather',
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string().describe('City name') }),
  outputSchema: z.object({ city: z.string(), temperature: z.number(), conditions: z.string() }),
  execute: async ({ city }) => {
    const temperature = [...city].reduce((sum, character) => sum + character.charCodeAt(0), 0) % 30;
    return { city, temperature, conditions: temperature > 18 ? 'sunny' : 'cloudy' };
  },
});

const { model, reason } = chooseModel();
console.error(`examples/basic: model ${typeof model === 'string' ? model : `${model.provider}/${model.modelId}`} (${reason})`);

const weatherAgent = new Agent({
  id: 'weather-agent',
  name: 'Weather agent',
  description: 'Answers weather questions with the weather tool and remembers the conversation',
  instructions: 'You answer questions about the weather. Always call the weather tool for the city asked about.',
  model,
  tools: { weather },
  memory: new Memory({
    storage: storage.memory,
    vector: vectors,
    options: { lastMessages: 20, semanticRecall: { topK: 3, messageRange: 1, scope: 'resource' } },
  }),
});

const fetchWeather = createStep({
  id: 'fetch-weather',
  description: 'Looks up the weather for the city',
  inputSchema: z.object({ city: z.string() }),
  outputSchema: z.object({ city: z.string(), temperature: z.number(), conditions: z.string() }),
  execute: async ({ inputData, abortSignal, requestContext }) => weather.execute!(inputData, { toolCallId: 'workflow', abortSignal, requestContext }),
});

const approvePlan = createStep({
  id: 'approve-plan',
  description: 'Suspends until a person approves the outdoor plan',
  inputSchema: z.object({ city: z.string(), temperature: z.number(), conditions: z.string() }),
  outputSchema: z.object({ plan: z.string(), approvedBy: z.string() }),
  suspendSchema: z.object({ proposal: z.string() }),
  resumeSchema: z.object({ approvedBy: z.string() }),
  execute: async ({ inputData, resumeData, suspend }) => {
    const plan = inputData.conditions === 'sunny' ? `Picnic in ${inputData.city}` : `Museum in ${inputData.city}`;
    if (!resumeData) return suspend({ proposal: plan });
    return { plan, approvedBy: resumeData.approvedBy };
  },
});

const planActivity = createWorkflow({
  id: 'plan-activity',
  description: 'Fetches the weather, proposes an activity and waits for approval',
  inputSchema: z.object({ city: z.string() }),
  outputSchema: z.object({ plan: z.string(), approvedBy: z.string() }),
})
  .then(fetchWeather)
  .then(approvePlan)
  .commit();

/** The project: what `mastra-ts-server src/mastra.ts` serves. */
export const mastra = new Mastra({
  agents: { weatherAgent },
  workflows: { planActivity },
  tools: { weather },
  vectors: { docs: vectors },
  storage,
});
