// Agents written the way Mastra's documentation writes them, with only the imports changed
// (`@mastra/core/agent` and `@mastra/core/tools` → `@mastra-ts/core`).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent, createTool, Mastra } from '../index.ts';
import { MockLanguageModelV1, textResult, textStreamParts, toolCallResult } from '../testing/index.ts';

describe('ported from Mastra', () => {
  it('a weather agent with a zod tool, a multi-step loop, streaming and structured output', async () => {
    const weatherTool = createTool({
      id: 'get-weather',
      description: 'Get current weather for a location',
      inputSchema: z.object({ location: z.string().describe('City name') }),
      outputSchema: z.object({ temperature: z.number(), conditions: z.string() }),
      execute: async (inputData) => {
        return { temperature: inputData.location === 'London' ? 12 : 25, conditions: 'Cloudy' };
      },
    });

    const model = new MockLanguageModelV1({
      doGenerate: [
        toolCallResult([{ toolCallId: 'call_1', toolName: 'weatherTool', input: { location: 'London' } }]),
        textResult('It is 12°C and cloudy in London.'),
        textResult('{"summary":"Cloudy","temperature":12}'),
      ],
      doStream: textStreamParts(['Pack ', 'an umbrella.']),
    });

    const weatherAgent = new Agent({
      id: 'weather-agent',
      name: 'Weather Agent',
      instructions: `You are a helpful weather assistant. Use the weatherTool to fetch current weather data.`,
      model,
      tools: { weatherTool },
    });

    const mastra = new Mastra({ agents: { weatherAgent } });
    const agent = mastra.getAgent('weatherAgent');

    const response = await agent.generate([{ role: 'user', content: 'What is the weather in London?' }], { maxSteps: 5 });
    expect(response.text).toBe('It is 12°C and cloudy in London.');
    expect(response.toolResults).toEqual([]);
    expect(response.steps[0]?.toolResults[0]?.payload.result).toEqual({ temperature: 12, conditions: 'Cloudy' });

    const structured = await agent.generate('Summarize the weather', {
      structuredOutput: { schema: z.object({ summary: z.string(), temperature: z.number() }) },
    });
    expect(structured.object).toEqual({ summary: 'Cloudy', temperature: 12 });

    const stream = await agent.stream('What should I wear?');
    let text = '';
    for await (const chunk of stream.textStream) text += chunk;
    expect(text).toBe('Pack an umbrella.');
    expect(await stream.text).toBe('Pack an umbrella.');
  });
});
