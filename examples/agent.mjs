// A runnable agent with a tool, no API key needed: a scripted model stands in for a provider.
// Run: pnpm start   (builds core, then runs this file)
import { Agent, createTool, jsonSchema } from '@mastra-ts/core';
import { MockLanguageModelV1, textStreamParts } from '@mastra-ts/core/testing';

const weather = createTool({
  id: 'weather',
  description: 'Current weather for a city',
  inputSchema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
  execute: async ({ city }) => ({ city, celsius: 18, sky: 'clear' }),
});

const model = new MockLanguageModelV1({
  doStream: [
    [
      { type: 'stream-start', warnings: [] },
      { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Lisbon"}' },
      { type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 20, outputTokens: 8, totalTokens: 28 } },
    ],
    textStreamParts(['It is ', '18°C and ', 'clear in Lisbon.']),
  ],
});

const agent = new Agent({ name: 'weather-agent', instructions: 'Answer weather questions with the weather tool.', model, tools: { weather } });
const result = await agent.stream('What is the weather in Lisbon?');
for await (const part of result.fullStream) {
  if (part.type === 'tool-call') console.log(`→ tool ${part.toolName}(${JSON.stringify(part.input)})`);
  if (part.type === 'tool-result') console.log(`← ${JSON.stringify(part.output)}`);
  if (part.type === 'text-delta') process.stdout.write(part.delta);
}
console.log(`\n(${(await result.totalUsage).totalTokens} tokens)`);
