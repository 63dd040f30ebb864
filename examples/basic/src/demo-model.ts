import type { LanguageModelV1, LanguageModelV1CallOptions, LanguageModelV1GenerateResult, LanguageModelV1StreamPart, LanguageModelV1StreamResult } from '@mastra-ts/core';

const usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

/**
 * A deterministic model for running the example without an API key. It calls the `weather` tool when asked about
 * the weather in a city, answers from the tool result, and otherwise echoes the last user message.
 */
export function createDemoModel(): LanguageModelV1 {
  const plan = (options: LanguageModelV1CallOptions): { text?: string; toolCall?: { city: string } } => {
    const last = options.prompt.at(-1);
    if (last?.role === 'tool') {
      const result = last.content[0]?.output as { city?: string; temperature?: number; conditions?: string } | undefined;
      return { text: `It is ${result?.temperature}°C and ${result?.conditions} in ${result?.city}.` };
    }
    const userText = last?.role === 'user' ? last.content.map((part) => (part.type === 'text' ? part.text : '')).join(' ') : '';
    const city = /weather (?:in|for) ([\p{L} -]+)/iu.exec(userText)?.[1]?.trim();
    if (city && options.tools?.some((tool) => tool.name === 'weather')) return { toolCall: { city } };
    return { text: userText ? `(demo model: set OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY, DEEPSEEK_API_KEY or OLLAMA_HOST for a real one) You said: ${userText}` : 'Hello from the demo model.' };
  };
  return {
    specificationVersion: 'v1',
    provider: 'demo',
    modelId: 'echo',
    async doGenerate(options): Promise<LanguageModelV1GenerateResult> {
      const step = plan(options);
      if (step.toolCall) return { content: [{ type: 'tool-call', toolCallId: `call-${Date.now()}`, toolName: 'weather', input: JSON.stringify(step.toolCall) }], finishReason: 'tool-calls', usage, warnings: [] };
      return { content: [{ type: 'text', text: step.text! }], finishReason: 'stop', usage, warnings: [] };
    },
    async doStream(options): Promise<LanguageModelV1StreamResult> {
      const step = plan(options);
      async function* parts(): AsyncIterable<LanguageModelV1StreamPart> {
        yield { type: 'stream-start', warnings: [] };
        if (step.toolCall) {
          yield { type: 'tool-call', toolCallId: `call-${Date.now()}`, toolName: 'weather', input: JSON.stringify(step.toolCall) };
          yield { type: 'finish', finishReason: 'tool-calls', usage };
          return;
        }
        yield { type: 'text-start', id: 't' };
        for (const word of step.text!.split(/(?<= )/)) {
          if (options.abortSignal?.aborted) return;
          yield { type: 'text-delta', id: 't', delta: word };
        }
        yield { type: 'text-end', id: 't' };
        yield { type: 'finish', finishReason: 'stop', usage };
      }
      return { stream: parts() };
    },
  };
}
